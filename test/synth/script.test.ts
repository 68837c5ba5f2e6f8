import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ControlDomain, EthernetVf, GuestDomain } from "../../src/constructs";
import { stackArtifacts, synthesizePlan } from "../../src/synth";
import { exampleTree, newStack } from "../constructs/fixture";

const SHELLS = ["sh", "bash", "ksh93"] as const;
let work: string;
let binDir: string;

function scriptsOf(build: () => ReturnType<typeof newStack>): Map<string, string> {
  return stackArtifacts(synthesizePlan(build(), "prod-move"));
}

function writeScript(name: string, text: string): string {
  const path = join(work, name);
  writeFileSync(path, text, { mode: 0o755 });
  return path;
}

interface FakeState {
  pfs: { alias: string }[];
  vfs: { alias: string; name?: string; domain?: string; props: Record<string, string> }[];
  domains: { name: string; state: string; vnets: { name: string; vswitch: string; props: Record<string, string> }[] }[];
  switches: string[];
}

function freshHost(extra: Partial<FakeState> = {}): FakeState {
  return {
    pfs: [{ alias: "/SYS/MB/NET0/IOVNET.PF0" }, { alias: "/SYS/MB/NET2/IOVNET.PF0" }],
    vfs: [],
    domains: [{ name: "primary", state: "active", vnets: [] }, { name: "ldg1", state: "active", vnets: [] }],
    switches: ["primary-vsw0"],
    ...extra,
  };
}

let runCount = 0;
/** Runs `script` with `shell` against a fake ldm holding `state`; returns output and mutating calls. */
function runAgainstFake(shell: string, script: string, statePath: string, env: Record<string, string> = {}) {
  const logPath = `${statePath}.log`;
  if (!existsSync(logPath)) writeFileSync(logPath, "");
  const before = readFileSync(logPath, "utf8").split("\n").filter(Boolean).length;
  const result = spawnSync(shell, [script], {
    encoding: "utf8",
    env: { PATH: `${binDir}:${process.env["PATH"]}`, FAKE_LDM_STATE: statePath, FAKE_LDM_LOG: logPath, ...env },
  });
  const calls = readFileSync(logPath, "utf8").split("\n").filter(Boolean).slice(before);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, calls };
}

function stateFile(state: FakeState): string {
  runCount += 1;
  const path = join(work, `state-${runCount}.json`);
  writeFileSync(path, JSON.stringify(state));
  return path;
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "ldoms-script-"));
  binDir = join(work, "bin");
  execFileSync("mkdir", ["-p", binDir]);
  const ldm = join(binDir, "ldm");
  writeFileSync(ldm, `#!/bin/sh\nexec '${process.execPath}' '${join(__dirname, "fake-ldm.cjs")}' "$@"\n`);
  chmodSync(ldm, 0o755);
});

afterAll(() => {
  execFileSync("rm", ["-rf", work]);
});

describe("per-host scripts", () => {
  it.each(SHELLS)("parse with %s -n", (shell) => {
    for (const [path, text] of scriptsOf(() => exampleTree().stack)) {
      if (!path.endsWith(".sh")) continue;
      const file = writeScript(path.replace("/", "-"), text);
      const result = spawnSync(shell, ["-n", file], { encoding: "utf8" });
      expect(result.status, `${shell} -n ${path}: ${result.stderr}`).toBe(0);
    }
  });

  it("single-quotes every literal argument of every ldm call", () => {
    const script = scriptsOf(() => exampleTree().stack).get("scripts/t7-a.sh") as string;
    expect(script).toContain("  ldoms_ldm 'create-vf' 'name=ldg1-app' 'pvid=100' '/SYS/MB/NET0/IOVNET.PF0'\n");
    expect(script).toContain(`  ldoms_ldm 'add-io' "$ldoms_ref1" 'ldg1'\n`);
    expect(script).toContain("  ldoms_ldm 'add-vnet' 'pvid=100' 'vnet0' 'primary-vsw0' 'ldg1'\n");
    expect(script.startsWith("#!/bin/sh\n")).toBe(true);
    expect(script).toContain("\nset -eu\n");
    for (const line of script.split("\n").filter((l) => l.trimStart().startsWith("ldoms_ldm '"))) {
      expect(line).toMatch(/^\s*ldoms_ldm( ('[^']*'|"\$ldoms_ref\d+"))+$/);
    }
  });

  it.each(SHELLS)("converges the source host under %s, and a second run issues no mutating call", (shell) => {
    const script = writeScript(`t7-a-${shell}.sh`, scriptsOf(() => exampleTree().stack).get("scripts/t7-a.sh") as string);
    const state = stateFile(freshHost());
    const first = runAgainstFake(shell, script, state);
    expect(first.status, first.stderr).toBe(0);
    expect(first.calls).toEqual([
      "create-vf name=ldg1-app pvid=100 /SYS/MB/NET0/IOVNET.PF0",
      "add-io /SYS/MB/NET0/IOVNET.PF0.VF0 ldg1",
      "add-vnet pvid=100 vnet0 primary-vsw0 ldg1",
    ]);
    const second = runAgainstFake(shell, script, state);
    expect(second.status, second.stderr).toBe(0);
    expect(second.calls).toEqual([]);
    expect(second.stdout).toContain('= assign VF "ldg1-app" to domain ldg1 (already done)');
  });

  it.each(["ksh93"])("creates the target VF unassigned under %s", (shell) => {
    const script = writeScript(`t7-b-${shell}.sh`, scriptsOf(() => exampleTree().stack).get("scripts/t7-b.sh") as string);
    const state = stateFile(freshHost());
    const run = runAgainstFake(shell, script, state);
    expect(run.status, run.stderr).toBe(0);
    expect(run.calls).toEqual(["create-vf name=ldg1-app pvid=100 /SYS/MB/NET2/IOVNET.PF0"]);
    const after = JSON.parse(readFileSync(state, "utf8")) as FakeState;
    expect(after.vfs).toEqual([{ alias: "/SYS/MB/NET2/IOVNET.PF0.VF0", name: "ldg1-app", props: { pvid: "100" } }]);
    expect(runAgainstFake(shell, script, state).calls).toEqual([]);
  });

  it("corrects drift on an existing VF by its pseudonym, resolved from the name", () => {
    const script = writeScript("drift.sh", scriptsOf(() => exampleTree().stack).get("scripts/t7-a.sh") as string);
    const state = stateFile(freshHost({
      vfs: [
        { alias: "/SYS/MB/NET0/IOVNET.PF0.VF0", name: "other", props: {} },
        { alias: "/SYS/MB/NET0/IOVNET.PF0.VF1", name: "ldg1-app", domain: "ldg1", props: { pvid: "200" } },
      ],
    }));
    const run = runAgainstFake("sh", script, state);
    expect(run.status, run.stderr).toBe(0);
    expect(run.calls).toEqual(["set-io pvid=100 /SYS/MB/NET0/IOVNET.PF0.VF1", "add-vnet pvid=100 vnet0 primary-vsw0 ldg1"]);
  });

  it("names an adopted VF, and refuses a MAC change while its domain is active", () => {
    const build = () => {
      const stack = newStack();
      const a = new ControlDomain(stack, "t7-a", { address: "t7-a" });
      new EthernetVf(new GuestDomain(a, "ldg1"), "vf0", { vf: "/SYS/MB/NET0/IOVNET.PF0.VF0", name: "ldg1-app", macAddr: "00:14:4f:f8:1c:a5" });
      return stack;
    };
    const script = writeScript("adopt.sh", scriptsOf(build).get("scripts/t7-a.sh") as string);
    const state = stateFile(freshHost({ vfs: [{ alias: "/SYS/MB/NET0/IOVNET.PF0.VF0", props: {} }] }));
    const run = runAgainstFake("bash", script, state);
    expect(run.calls).toEqual(["set-io name=ldg1-app /SYS/MB/NET0/IOVNET.PF0.VF0"]);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('ldoms: set mac-addr=00:14:4f:f8:1c:a5 on VF "ldg1-app": domain ldg1 is active; this change needs it inactive or bound (ldm stop-domain ldg1), then run this script again\n');
    const stopped = JSON.parse(readFileSync(state, "utf8")) as FakeState;
    stopped.domains[1]!.state = "bound";
    writeFileSync(state, JSON.stringify(stopped));
    const again = runAgainstFake("bash", script, state);
    expect(again.status, again.stderr).toBe(0);
    expect(again.calls).toEqual(["set-io mac-addr=00:14:4f:f8:1c:a5 /SYS/MB/NET0/IOVNET.PF0.VF0", "add-io /SYS/MB/NET0/IOVNET.PF0.VF0 ldg1"]);
  });

  it("stops at the first failing ldm listing, before any change", () => {
    const script = writeScript("fail.sh", scriptsOf(() => exampleTree().stack).get("scripts/t7-a.sh") as string);
    const state = stateFile(freshHost());
    const run = runAgainstFake("ksh93", script, state, { FAKE_LDM_FAIL: "list-io" });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("ldoms: ldm list-io -l -p failed");
    expect(run.calls).toEqual([]);
  });

  it("runs ldm through pfexec and the configured path", () => {
    const build = () => {
      const stack = newStack();
      new ControlDomain(stack, "t7-a", { address: "t7-a", pfexec: true, ldmPath: "/opt/SUNWldm/bin/ldm" });
      return stack;
    };
    const script = scriptsOf(build).get("scripts/t7-a.sh") as string;
    expect(script).toContain("ldoms_ldm() {\n  'pfexec' '/opt/SUNWldm/bin/ldm' \"$@\"\n}");
    expect(script).toContain("ldoms_say 'nothing to do on this control domain'");
  });
});
