/**
 * SIGTERM and SIGINT during `ldoms apply`, sent to a real `ldoms` process as CI sends them: the
 * command in flight finishes, nothing else is sent, every lock is released, the report says what
 * was done and what remains, and the exit code is 143 (130 for SIGINT); a second signal exits at
 * once naming the lock that may remain; a later run tells that lock's owner process is gone.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { applyHosts, DEFAULT_LOCK_DIR, engineHosts } from "../../src/engine";
import { sshConnect } from "../../src/cli/engine-input";
import { listenForStop, type StopSignalName } from "../../src/cli/interrupts";
import { LabExecutor } from "../../src/lab-serving/executor";
import { REPO } from "../lab-serving/standalone-support";
import { examplePlan } from "../../test-kit/example-plan";
import { startSshLab, type SshLab } from "../engine/support/ssh-lab";

const CLI = [join(REPO, "node_modules/tsx/dist/cli.mjs"), join(REPO, "test/cli-synth/ldoms-cli.ts")];

interface Interrupted {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `ldoms ARGS`; sends `signals` (in order, each once its cue appears on stderr). */
function runAndSignal(args: readonly string[], cwd: string, signals: readonly { signal: StopSignalName; after: RegExp }[]): Promise<Interrupted> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [...CLI, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let next = 0;
    const cue = () => {
      const s = signals[next];
      if (s && s.after.test(stderr)) {
        next++;
        child.kill(s.signal);
      }
    };
    child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on("data", (d: Buffer) => {
      stderr += d.toString();
      cue();
    });
    child.once("error", fail);
    child.once("close", (status) => done({ status, stdout, stderr }));
  });
}

describe("signals during ldoms apply (a real process)", () => {
  let env: SshLab;
  let dir: string;
  let args: string[];
  const lockInfo = async () => (await new LabExecutor(env.lab, "t7-a").exec(`cat ${DEFAULT_LOCK_DIR}/info 2>/dev/null || echo none`)).stdout;

  let keys: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "ldoms-signals-"));
    keys = mkdtempSync(join(tmpdir(), "ldoms-signals-keys-"));
    writeFileSync(join(dir, "plan.json"), JSON.stringify(examplePlan()));
    args = ["apply", "--plan-document", "plan.json", "--inventory", "inventory.json", "--host", "t7-a", "--auto-approve"];
  });
  // A fresh lab each time (keys reused): every test starts from unprepared hosts.
  beforeEach(async () => {
    env = await startSshLab({ stateDir: keys });
    writeFileSync(join(dir, "inventory.json"), JSON.stringify(env.inventory));
  });
  afterEach(async () => env?.close());
  afterAll(() => {
    for (const d of [dir, keys]) if (d) rmSync(d, { recursive: true, force: true });
  });

  it("SIGTERM: the create-vf in flight finishes, nothing else runs, the lock is released, exit 143", async () => {
    env.lab.faults.latency("create-vf", 1_500);
    const before = env.lab.mutatingCount("t7-a");
    const run = await runAndSignal(args, dir, [{ signal: "SIGTERM", after: /\[1\/3\]/ }]);
    expect(run.status, run.stderr).toBe(143);
    expect(run.stderr).toContain("Interrupted (SIGTERM): stopping after the command in flight; no new command is sent and every lock this run holds is released. Send the signal again to exit at once.");
    expect(run.stdout).toMatch(/^t7-a: stopped after 1 of 3 change\(s\): interrupted by SIGTERM$/m);
    expect(run.stdout).toContain("Apply interrupted by SIGTERM: 1 change(s) done, 2 not run. Every lock this run held was released. Run apply again to continue");
    expect(env.lab.mutatingCount("t7-a") - before).toBe(1);
    expect(await lockInfo()).toBe("none\n");
    const again = await applyHosts(engineHosts(examplePlan(), { inventory: env.inventory, hostIds: ["t7-a"] }), { connect: sshConnect({}) });
    expect(again.hosts[0]!.status).toBe("applied");
  }, 90_000);

  it("SIGINT twice: exits at once with 130, naming the lock and the command to release it; the next run says its owner is gone", async () => {
    env.lab.faults.latency("create-vf", 4_000);
    const run = await runAndSignal(args, dir, [
      { signal: "SIGINT", after: /\[1\/3\]/ },
      { signal: "SIGINT", after: /Send the signal again/ },
    ]);
    expect(run.status, run.stderr).toBe(130);
    const lockId = /t7-a: \/var\/tmp\/ldoms\.lock \(lock id ([0-9a-f]{16})\); once no ldoms command runs there: ldoms force-unlock t7-a \1/.exec(run.stderr)?.[1];
    expect(lockId, run.stderr).toBeDefined();
    expect(run.stderr).toContain("Exiting at once (SIGINT again). This run's lock may remain on:");
    expect(await lockInfo()).toContain(`id=${lockId}`);
    env.lab.faults.clear();
    const next = await applyHosts(engineHosts(examplePlan(), { inventory: env.inventory, hostIds: ["t7-a"] }), { connect: sshConnect({}) });
    expect(next.hosts[0]!.error?.message).toMatch(
      new RegExp(`Its owner process \\(pid \\d+ on this machine\\) is no longer running, so the lock is stale\\. Release it with: ldoms force-unlock t7-a ${lockId}$`),
    );
  }, 90_000);

  it("SIGTERM during plan: stops at once (plan holds no lock), exit 143, no plan file written", async () => {
    env.lab.faults.latency("list-io", 5_000);
    const started = Date.now();
    const run = await runAndSignal(["plan", "--plan-document", "plan.json", "--inventory", "inventory.json", "--out", "saved.json"], dir, [{ signal: "SIGTERM", after: /reading/ }]);
    expect(run.status, run.stderr).toBe(143);
    expect(run.stderr).toContain("Interrupted (SIGTERM): plan changes nothing and holds no lock; stopping now.");
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(existsSync(join(dir, "saved.json"))).toBe(false);
  }, 60_000);
});

describe("listenForStop", () => {
  it("first signal aborts with its reason and exit code; the second exits at once naming held locks", () => {
    let handler: (s: StopSignalName) => void = () => undefined;
    let text = "";
    const exits: number[] = [];
    const stop = listenForStop({ stderr: { write: (t: string) => (text += t) }, firstMessage: "stopping", subscribe: (h) => ((handler = h), () => undefined), exit: (c) => void exits.push(c) });
    stop.track({ type: "lock-taken", host: "t7-a", dir: "/var/tmp/ldoms.lock", lockId: "00ff" });
    stop.track({ type: "lock-taken", host: "t7-b", dir: "/var/tmp/ldoms.lock", lockId: "11ee" });
    stop.track({ type: "lock-released", host: "t7-b", dir: "/var/tmp/ldoms.lock", lockId: "11ee" });
    expect(stop.signal.aborted).toBe(false);
    handler("SIGTERM");
    expect([stop.signal.aborted, stop.signal.reason, stop.exitCode]).toEqual([true, "interrupted by SIGTERM", 143]);
    handler("SIGINT");
    expect(exits).toEqual([143]);
    expect(text).toBe(
      "\nInterrupted (SIGTERM): stopping. Send the signal again to exit at once.\n" +
        "\nExiting at once (SIGINT again). This run's lock may remain on:\n  t7-a: /var/tmp/ldoms.lock (lock id 00ff); once no ldoms command runs there: ldoms force-unlock t7-a 00ff\n",
    );
  });
});
