/**
 * Time and output limits of remote commands, through the CLI and the lab's SSH server: a hung
 * `ldm` ends plan within the read limit, an oversized answer is refused, and both (like a lost
 * connection) are reported as what they are, not as a bug.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runPlan, type CommandIo } from "../../src/cli/commands/plan";
import { engineHosts, planHosts } from "../../src/engine";
import { examplePlan } from "../../test-kit/example-plan";
import { inProcessLab } from "./support/engine-lab";
import { startSshLab, type SshLab } from "./support/ssh-lab";
import { Capture } from "../support/capture";


const LISTINGS = "`ldm list-io -l -p`, `ldm list -l -p`, `ldm list-services -p`";

describe("command limits through the CLI and the lab's SSH server", () => {
  let env: SshLab;
  let dir: string;
  let out: Capture;
  let err: Capture;
  const io = (): CommandIo => ({ stdout: out, stderr: err, cwd: dir, env: {} });

  beforeAll(async () => {
    env = await startSshLab();
    dir = mkdtempSync(join(tmpdir(), "ldoms-limits-"));
    writeFileSync(join(dir, "ldoms.plan.json"), JSON.stringify(examplePlan()));
    writeFileSync(join(dir, "inventory.json"), JSON.stringify(env.inventory));
  });
  afterAll(async () => {
    await env?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    out = new Capture();
    err = new Capture();
    env.lab.faults.clear();
  });

  it("a hung ldm makes plan fail within the read time limit, saying what happened and what to do", async () => {
    env.lab.faults.stall("list-io", 4000);
    const started = Date.now();
    const code = await runPlan({ planDocument: "ldoms.plan.json", inventory: "inventory.json", host: ["t7-a"], readTimeout: 400 }, io());
    const elapsed = Date.now() - started;
    expect(code).toBe(1);
    expect(elapsed).toBeLessThan(3000);
    expect(out.text).toContain(
      `t7-a: error\n  t7-a: ${LISTINGS} did not finish within 400 ms (the command time limit) and was stopped. ` +
        "If it only read the host, nothing changed; if it changed the host, the change may or may not have been made. " +
        "Check that ldm answers on t7-a (run `ldm list` there; `svcs ldmd`), then run ldoms again: it re-reads the host and continues where it stopped, never assuming either way. " +
        "For a slow host raise the limit: --read-timeout for reads (default 120 s), --command-timeout for changes (default 600 s).",
    );
    expect(out.text).not.toContain("unexpected failure");
  });

  it("--command-timeout alone still limits reads, as it always did", async () => {
    env.lab.faults.stall("list-io", 4000);
    const code = await runPlan({ planDocument: "ldoms.plan.json", inventory: "inventory.json", host: ["t7-a"], commandTimeout: 300 }, io());
    expect(code).toBe(1);
    expect(out.text).toContain("did not finish within 300 ms (the command time limit)");
  });

  it("an answer over the output limit is refused naming the host, the listings and the limit", async () => {
    const code = await runPlan({ planDocument: "ldoms.plan.json", inventory: "inventory.json", host: ["t7-a"], maxOutput: 300 }, io());
    expect(code).toBe(1);
    expect(out.text).toContain(`t7-a: error\n  t7-a: ${LISTINGS} printed more than 300 bytes on stdout (the output limit per stream) and was stopped.`);
    expect(out.text).toContain("No ldm listing is that large: check what `ldm` runs on t7-a (ldmPath, wrappers, a looping script); if the output is genuine, raise --max-output");
    expect(out.text).not.toContain("unexpected failure");
  });

  it("within the defaults plan reads the host as usual", async () => {
    expect(await runPlan({ planDocument: "ldoms.plan.json", inventory: "inventory.json", host: ["t7-a"] }, io())).toBe(0);
    expect(out.text).toContain("t7-a: 3 to change");
  });
});

describe("a lost connection is reported as such", () => {
  it("names the host and the listings, says nothing was assumed and what to do", async () => {
    const env = inProcessLab();
    const run = await planHosts(engineHosts(examplePlan(), { hostIds: ["t7-a"] }), { connect: env.connect({ cut: () => "before" }) });
    const error = run.hosts[0]!.error!;
    expect(error.kind).toBe("connection");
    expect(error.message).toBe(
      `t7-a: the connection was lost while ${LISTINGS} ran (connection lost (lab fault injection, exec 1)). ` +
        "If it only read the host, nothing changed; if it changed the host, the change may or may not have been made. " +
        "Once t7-a is reachable, run ldoms again: it re-reads the host and continues where it stopped, never assuming either way.",
    );
  });
});
