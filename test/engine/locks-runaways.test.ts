/**
 * The lock and the journal of mutating commands under the orders of events that broke them:
 * a release retried after another run took the lock, a force-unlock racing a new lock, a first
 * read that fails after taking the lock, a migration whose lock+read exec lost its outcome, and a
 * command that outlives its exec (timeout) and must not be sent again. In-process lab and the
 * lab's ssh2 server here; the real OpenSSH sshd cases are in locks-runaways-sshd.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  acquireHostLock,
  applyHosts,
  DEFAULT_LOCK_DIR,
  engineHosts,
  forceUnlock,
  HostSession,
  newLockInfo,
  planHosts,
  type ConnectHost,
} from "../../src/engine";
import { runMigration } from "../../src/engine/migration";
import { sshConnect } from "../../src/cli/engine-input";
import { LabExecutor } from "../../src/lab-serving/executor";
import { examplePlan } from "../../test-kit/example-plan";
import { interleave } from "./support/interleave";
import { inProcessLab, type InProcessLab } from "./support/engine-lab";
import { startSshLab, type SshLab } from "./support/ssh-lab";

const noSleep = async () => undefined;


async function lockInfoOn(env: InProcessLab, host: string): Promise<string> {
  const shell = new LabExecutor(env.lab, host);
  return (await shell.exec(`cat ${DEFAULT_LOCK_DIR}/info 2>/dev/null || echo none`)).stdout;
}

describe("lock release is id-checked and atomic", () => {
  it("a release retried after another run took the lock leaves that lock alone (in-process lab)", async () => {
    const env = inProcessLab();
    const hosts = engineHosts(examplePlan(), { hostIds: ["t7-a"] });
    const competitor = newLockInfo("ldoms migrate ldg1-to-b");
    const connect = interleave(env.connect(), (line) => line.includes("begin unlock"), async (target) => {
      // Between apply's final exec (re-read + release) and its retry, another run takes the lock.
      await acquireHostLock(new HostSession(target, env.connect()), competitor, DEFAULT_LOCK_DIR);
    });
    const run = await applyHosts(hosts, { connect, sleep: noSleep });
    expect(run.hosts.map((h) => [h.status, h.error?.message])).toEqual([["applied", undefined]]);
    expect(await lockInfoOn(env, "t7-a")).toContain(`id=${competitor.id}`);
    expect(run.hosts[0]!.lockNotes?.[0]).toMatch(new RegExp(`^t7-a: the lock now on the host belongs to another run: held by .* lock id ${competitor.id}; it was left alone$`));
  });

  it("force-unlock removes only the lock whose id it was given, in one exec", async () => {
    const env = inProcessLab();
    const [host] = engineHosts(examplePlan(), { hostIds: ["t7-a"] });
    const stale = newLockInfo("ldoms apply (killed)");
    await acquireHostLock(new HostSession(host!.target, env.connect()), stale, DEFAULT_LOCK_DIR);
    const fresh = newLockInfo("ldoms apply (new)");
    // After force-unlock's first exec, the stale lock is released by its owner and a new run locks.
    const connect = interleave(env.connect(), () => true, async (target) => {
      const owner = new HostSession(target, env.connect());
      await owner.exec(`rm -rf ${DEFAULT_LOCK_DIR}`, "lock");
      await acquireHostLock(owner, fresh, DEFAULT_LOCK_DIR);
    });
    const released = await forceUnlock(host!.target, stale.id, connect).catch((error: Error) => error);
    // One exec did the whole job (the hook fires after it); the new run's lock is untouched.
    expect(await lockInfoOn(env, "t7-a")).toContain(`id=${fresh.id}`);
    expect(released).toBeInstanceOf(Error);
  });

  it("force-unlock of a lock taken since by another id refuses and names its holder", async () => {
    const env = inProcessLab();
    const [host] = engineHosts(examplePlan(), { hostIds: ["t7-a"] });
    const holder = newLockInfo("ldoms apply (running)");
    await acquireHostLock(new HostSession(host!.target, env.connect()), holder, DEFAULT_LOCK_DIR);
    await expect(forceUnlock(host!.target, "0123456789abcdef", env.connect())).rejects.toThrow(
      new RegExp(`^t7-a: the lock is held by .* lock id ${holder.id}, not 0123456789abcdef; refusing to remove a lock whose id was not given. Wait for that run if it is still active; if it is gone, run ldoms force-unlock t7-a ${holder.id}$`),
    );
    expect(await lockInfoOn(env, "t7-a")).toContain(`id=${holder.id}`);
  });
});

describe("nothing changed, nothing stays locked", () => {
  it("a first read that fails after taking the lock (unparsable listing) releases it", async () => {
    const env = inProcessLab();
    const hosts = engineHosts(examplePlan(), { hostIds: ["t7-a"] });
    const garbling: ConnectHost = async (target) => {
      const inner = await env.connect()(target);
      return {
        label: inner.label,
        close: () => inner.close(),
        exec: async (commandLine, options) => {
          const result = await inner.exec(commandLine, options);
          if (!commandLine.includes("begin lock")) return result;
          return { ...result, stdout: result.stdout.replace(/(@@ldoms:begin list-io\n)[^]*?(@@ldoms:rc=0)/, "$1|||garbage|||\n$2") };
        },
      };
    };
    const run = await applyHosts(hosts, { connect: garbling, sleep: noSleep });
    expect(run.hosts[0]!.status).toBe("failed");
    expect(run.hosts[0]!.error?.message).toContain("t7-a");
    expect(await lockInfoOn(env, "t7-a")).toBe("none\n");
    const again = await applyHosts(hosts, { connect: env.connect() });
    expect(again.hosts[0]!.status).toBe("applied");
  });

  it("a first read that times out releases the lock it took", async () => {
    const env = inProcessLab();
    const hosts = engineHosts(examplePlan(), { hostIds: ["t7-a"] });
    env.lab.faults.stall("list-services", 1_500);
    const run = await applyHosts(hosts, { connect: env.connect(), commandTimeoutMs: 200, sleep: noSleep });
    expect(run.hosts[0]!.status).toBe("failed");
    expect(run.hosts[0]!.lockLeft).toBeUndefined();
    expect(await lockInfoOn(env, "t7-a")).toBe("none\n");
    env.lab.faults.clear();
  });

  it("migrate retries its lock+read exec after a lost connection and releases both locks", async () => {
    const env = inProcessLab();
    await applyHosts(engineHosts(examplePlan()), { connect: env.connect() });
    let cuts = 0;
    const report = await runMigration({
      connect: env.connect({ cut: (info) => (info.execIndex === 1 && info.hostId === "t7-a" && cuts++ === 0 ? "after" : undefined) }),
      document: examplePlan(),
      migrationId: "ldg1-to-b",
      dryRun: true,
      acceptUnverified: true,
      sleep: noSleep,
    });
    expect(env.counters.cuts).toBe(1);
    // It went on past the read (this small lab's dry run is refused by ldm: not the point here).
    expect(report.outcome).not.toBe("unreachable");
    expect(report.dryRun?.commandLine).toMatch(/migrate-domain' '-n'/);
    expect(report.summary).not.toMatch(/could not be released/);
    expect(await lockInfoOn(env, "t7-a")).toBe("none\n");
    expect(await lockInfoOn(env, "t7-b")).toBe("none\n");
  });
});

describe("a command that outlives its exec is never sent twice", () => {
  it("timeout while add-io waits: the journal is polled until it ends; each command ran once (in-process lab)", async () => {
    const env = inProcessLab();
    const hosts = engineHosts(examplePlan(), { hostIds: ["t7-a"] });
    env.lab.faults.latency("create-vf", 700);
    env.lab.faults.latency("add-io", 700);
    const events: string[] = [];
    const run = await applyHosts(hosts, {
      connect: env.connect(),
      commandTimeoutMs: 250,
      onEvent: (e) => void (e.type === "outcome-unknown" && events.push(e.decision)),
    });
    expect(run.hosts.map((h) => [h.status, h.error?.message])).toEqual([["applied", undefined]]);
    const sent = env.lab.journal().map((j) => j.argv[0]);
    expect(sent.filter((c) => c === "create-vf")).toHaveLength(1);
    expect(sent.filter((c) => c === "add-io")).toHaveLength(1);
    expect(events.every((d) => d === "the host's journal shows it ran; using its recorded result")).toBe(true);
    expect(events.length).toBeGreaterThanOrEqual(2);
    env.lab.faults.clear();
    expect((await planHosts(hosts, { connect: env.connect() })).hosts[0]!.actions).toEqual([]);
  });

  it("still running past the wait: nothing is resent, the lock is kept and named; force-unlock then apply converges", async () => {
    const env = inProcessLab();
    const hosts = engineHosts(examplePlan(), { hostIds: ["t7-a"] });
    env.lab.faults.latency("create-vf", 1_200);
    const run = await applyHosts(hosts, { connect: env.connect(), commandTimeoutMs: 150, runawayWaitMs: 300 });
    const host = run.hosts[0]!;
    expect(host.status).toBe("failed");
    expect(host.error?.message).toMatch(/^t7-a: a command whose connection was lost \(or that outlived its timeout\) is still running on the host after \d+ s:\n {4}'ldm' 'create-vf'/);
    expect(host.error?.message).toContain(`ldoms force-unlock t7-a ${host.lockLeft?.id}`);
    expect(host.lockLeft?.reason).toBe("kept on purpose: a command may still be running on the host");
    const refused = await applyHosts(hosts, { connect: env.connect() });
    expect(refused.hosts[0]!.error?.message).toMatch(/another run holds the lock/);
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    env.lab.faults.clear();
    await forceUnlock(hosts[0]!.target, host.lockLeft!.id, env.connect());
    const again = await applyHosts(hosts, { connect: env.connect() });
    expect(again.hosts[0]!.status).toBe("applied");
    expect(env.lab.journal().filter((j) => j.argv[0] === "create-vf")).toHaveLength(1);
  });

  it("an exec lost before it started is claimed, then sent again once", async () => {
    const env = inProcessLab();
    const hosts = engineHosts(examplePlan(), { hostIds: ["t7-a"] });
    let cuts = 0;
    const events: string[] = [];
    const run = await applyHosts(hosts, {
      connect: env.connect({ cut: (info) => (info.commandLine.includes("create-vf") && info.commandLine.includes("mkdir") && cuts++ === 0 ? "before" : undefined) }),
      sleep: noSleep,
      onEvent: (e) => void (e.type === "outcome-unknown" && events.push(e.decision)),
    });
    expect(run.hosts[0]!.status).toBe("applied");
    expect(events).toEqual(["the host's journal shows it never started; sending it again"]);
    expect(env.lab.journal().filter((j) => j.argv[0] === "create-vf")).toHaveLength(1);
  });
});

describe("what a step reports is what happened", () => {
  it("a create-vf that exits 0 but prints no pseudonym and leaves no VF is a failure, not done", async () => {
    const env = inProcessLab();
    const hosts = engineHosts(examplePlan(), { hostIds: ["t7-a"] });
    env.lab.faults.answer("create-vf", { exitCode: 0 });
    const run = await applyHosts(hosts, { connect: env.connect(), sleep: noSleep });
    const host = run.hosts[0]!;
    expect(host.status).toBe("failed");
    expect(host.actions.find((a) => a.kind === "create-vf")?.status).toBe("failed");
    expect(host.error?.message).toMatch(/^t7-a: step vf\/ldg1-app\/create: 'ldm' 'create-vf' .* exited 0 but printed no VF pseudonym \(it printed nothing\), and the listing taken right after shows no VF named "ldg1-app"\. Nothing after it was run\./);
    expect(await lockInfoOn(env, "t7-a")).toBe("none\n");
  });
});

describe("through the lab's ssh2 server", () => {
  let env: SshLab;
  beforeAll(async () => {
    env = await startSshLab();
  });
  afterAll(async () => env?.close());

  it("a slow add-io past the command timeout is waited for, not resent; a retried release spares another run's lock", async () => {
    const hosts = engineHosts(examplePlan(), { inventory: env.inventory, hostIds: ["t7-a"] });
    env.lab.faults.latency("add-io", 800);
    const competitor = newLockInfo("ldoms migrate ldg1-to-b");
    const connect = interleave(sshConnect({}), (line) => line.includes("begin unlock"), async (target) => {
      await acquireHostLock(new HostSession(target, sshConnect({})), competitor, DEFAULT_LOCK_DIR);
    });
    const run = await applyHosts(hosts, { connect, commandTimeoutMs: 400, sleep: noSleep });
    env.lab.faults.clear();
    expect(run.hosts.map((h) => [h.status, h.error?.message])).toEqual([["applied", undefined]]);
    expect(env.lab.journal().filter((j) => j.argv[0] === "add-io")).toHaveLength(1);
    const shell = new LabExecutor(env.lab, "t7-a");
    expect((await shell.exec(`cat ${DEFAULT_LOCK_DIR}/info`)).stdout).toContain(`id=${competitor.id}`);
  });
});
