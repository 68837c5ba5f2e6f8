import { describe, expect, it } from "vitest";
import { batchCommandLine, ldmParts, splitBatchOutput } from "../../src/engine/read-batch";
import { acquireLockPart, parseLockInfo, readLockPart, releaseLockPart } from "../../src/engine/lock";
import { liveProgress, plainProgress } from "../../src/cli/render/progress";
import type { PlannedAction } from "../../src/engine";

describe("batched read", () => {
  it("frames every listing with its own exit status, quoted", () => {
    expect(batchCommandLine(ldmParts(["list-io", "list-services"], { ldmPath: "/usr/sbin/ldm", pfexec: true }))).toBe(
      `echo '@@ldoms:begin list-io'; 'pfexec' '/usr/sbin/ldm' 'list-io' '-l' '-p'; echo "@@ldoms:rc=$?"; echo '@@ldoms:begin list-services'; 'pfexec' '/usr/sbin/ldm' 'list-services' '-p'; echo "@@ldoms:rc=$?"`,
    );
  });

  it("splits output into sections; a listing without final newline and a missing status are handled", () => {
    const out = "@@ldoms:begin a\nline1\nlast@@ldoms:rc=0\n@@ldoms:begin b\nsh: ldm: not found\n@@ldoms:rc=127\n@@ldoms:begin c\npartial";
    expect(splitBatchOutput(out)).toEqual([
      { name: "a", output: "line1\nlast\n", exitStatus: 0 },
      { name: "b", output: "sh: ldm: not found\n", exitStatus: 127 },
      { name: "c", output: "partial", exitStatus: null },
    ]);
  });
});

describe("lock commands", () => {
  const info = { id: "00ff", owner: "ci@runner", pid: "7", time: "2026-01-01T00:00:00.000Z", operation: "it's apply" };
  it("mkdir then printf the owner file and the id marker; cat to read; release only with the marker", () => {
    expect(acquireLockPart("/var/tmp/ldoms.lock", info).commandLine).toBe(
      `mkdir '/var/tmp/ldoms.lock' 2>/dev/null && printf 'id=%s\\nowner=%s\\npid=%s\\ntime=%s\\noperation=%s\\n' '00ff' 'ci@runner' '7' '2026-01-01T00:00:00.000Z' 'it'\\''s apply' > '/var/tmp/ldoms.lock/info' && echo > '/var/tmp/ldoms.lock/held-00ff'`,
    );
    expect(readLockPart("/var/tmp/ldoms.lock").commandLine).toBe("cat '/var/tmp/ldoms.lock/info' 2>/dev/null");
    expect(releaseLockPart("/var/tmp/ldoms.lock", "00ff").commandLine).toBe(
      "rm -rf '/var/tmp/ldoms.lock.released-00ff'; test -f '/var/tmp/ldoms.lock/held-00ff' && mv '/var/tmp/ldoms.lock' '/var/tmp/ldoms.lock.released-00ff' && rm -rf '/var/tmp/ldoms.lock.released-00ff'",
    );
  });
  it("parses the owner file; no id means no readable lock", () => {
    expect(parseLockInfo("id=00ff\nowner=ci@runner\npid=7\ntime=2026-01-01T00:00:00.000Z\noperation=it's apply\n")).toEqual(info);
    expect(parseLockInfo("")).toBeUndefined();
  });
});

describe("progress", () => {
  const action: PlannedAction = { stepId: "s", kind: "create-vf", symbol: "+", summary: 'create VF "x"', reason: "r", argv: [] };
  it("plain: one timestamped line per event", () => {
    let text = "";
    const sink = plainProgress({ write: (t: string) => (text += t) }, () => new Date("2026-01-01T00:00:00.000Z"));
    sink({ type: "step-started", host: "t7-a", action, commandLine: "", index: 1, total: 3 });
    sink({ type: "waiting-inv", host: "t7-a", devices: ["/SYS/X.VF0"], elapsedMs: 2100 });
    expect(text).toBe('2026-01-01T00:00:00.000Z t7-a [1/3] + create VF "x"\n2026-01-01T00:00:00.000Z t7-a waiting for /SYS/X.VF0 to leave INV (2 s)\n');
  });
  it("live: one line per host, redrawn in place", () => {
    const writes: string[] = [];
    const sink = liveProgress({ write: (t: string) => writes.push(t), isTTY: true });
    sink({ type: "host-reading", host: "a" });
    sink({ type: "host-reading", host: "b" });
    sink({ type: "host-done", host: "a", mutatingCommands: 2 });
    expect(writes[0]).toBe("\x1b[2Ka: reading\n");
    expect(writes[2]).toBe("\x1b[2A\x1b[2Ka: done (2 mutating command(s))\n\x1b[2Kb: reading\n");
  });
  it("live: a terminal that reports 0 columns (unknown width) cuts nothing; a known width cuts to fit", () => {
    const writes: string[] = [];
    const sink = liveProgress({ write: (t: string) => writes.push(t), isTTY: true, columns: 0 } as { write(t: string): number; isTTY: boolean });
    sink({ type: "host-reading", host: "t7-a" });
    expect(writes[0]).toBe("\x1b[2Kt7-a: reading\n");
    const narrow: string[] = [];
    const cut = liveProgress({ write: (t: string) => narrow.push(t), isTTY: true, columns: 8 } as { write(t: string): number; isTTY: boolean });
    cut({ type: "host-reading", host: "t7-a" });
    expect(narrow[0]).toBe("\x1b[2Kt7-a: r\n");
  });
});
