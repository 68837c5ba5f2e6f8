import { describe, expect, it } from "vitest";
import { acquireHostLock, applyHosts, engineHosts, forceUnlock, HostSession, planHosts, releaseHostLock, savedPlanFrom, pinnedHosts, type EngineHost } from "../../src/engine";
import { LabExecutor } from "../../src/lab-serving/executor";
import { DEFAULT_LOCK_DIR, newLockInfo } from "../../src/engine/lock";
import { examplePlan } from "../../test-kit/example-plan";
import { fleetLabDefinition, fleetPlan } from "../../test-kit/fleet";
import { exampleLabJson, inProcessLab, type InProcessLab } from "./support/engine-lab";

const PF0 = "/SYS/MB/NET0/IOVNET.PF0";
const NEEDED_FROM_SCRATCH = 4;

async function converged(env: InProcessLab, hosts: readonly EngineHost[]): Promise<boolean> {
  const plan = await planHosts(hosts, { connect: env.connect() });
  return plan.hosts.every((h) => !h.error && h.actions.length === 0);
}

describe("faults and concurrency (lab in-process)", () => {
  it("refuses a stale saved plan, naming what changed, and changes nothing", async () => {
    const env = inProcessLab();
    const document = examplePlan();
    const hosts = engineHosts(document);
    await applyHosts(hosts, { connect: env.connect() });
    await env.ldm("t7-a", "set-io", "pvid=200", `${PF0}.VF0`);
    const saved = savedPlanFrom(document, await planHosts(hosts, { connect: env.connect() }));
    await env.ldm("t7-a", "set-io", "pvid=300", `${PF0}.VF0`);
    const before = env.lab.mutatingCount();
    const run = await applyHosts(hosts, { connect: env.connect(), pinned: pinnedHosts(saved) });
    expect(run.hosts.map((h) => h.status)).toEqual(["failed", "stopped"]);
    expect(run.hosts[0]!.error?.message).toBe(
      `t7-a: the saved plan is stale: the host changed since the plan was made:\n  - VF ${PF0}.VF0 changed: properties.pvid "200" -> "300"\nRun ldoms plan --out FILE again, review it, and apply the new plan.`,
    );
    expect(env.lab.mutatingCount()).toBe(before);
  });

  it("two applies on one host: one proceeds, the other reports the lock and its owner", async () => {
    const env = inProcessLab();
    const hosts = engineHosts(examplePlan()).filter((h) => h.target.id === "t7-a");
    const [a, b] = await Promise.all([
      applyHosts(hosts, { connect: env.connect(), operation: "apply A" }),
      applyHosts(hosts, { connect: env.connect(), operation: "apply B" }),
    ]);
    const statuses = [a.hosts[0]!.status, b.hosts[0]!.status].sort();
    expect(statuses).toEqual(["applied", "failed"]);
    const loser = a.hosts[0]!.status === "failed" ? a : b;
    const winnerOp = loser === a ? "apply B" : "apply A";
    expect(loser.hosts[0]!.error?.message).toMatch(
      new RegExp(`^t7-a: another run holds the lock /var/tmp/ldoms.lock on this host: held by \\S+@\\S+ \\(pid ${process.pid}, ${winnerOp}\\) since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z, lock id [0-9a-f]{16}\\. Wait for it to finish\\. If no run is active \\(a killed pipeline\\), release it with: ldoms force-unlock t7-a [0-9a-f]{16}$`),
    );
    expect(env.lab.mutatingCount("t7-a")).toBe(3);
  });

  it("a lock left by a killed run is reported; force-unlock needs its id, then apply proceeds", async () => {
    const env = inProcessLab();
    const hosts = engineHosts(examplePlan()).filter((h) => h.target.id === "t7-a");
    const shell = new LabExecutor(env.lab, "t7-a");
    await shell.exec(
      "mkdir /var/tmp/ldoms.lock && printf 'id=%s\\nowner=%s\\npid=%s\\ntime=%s\\noperation=%s\\n' 0123456789abcdef ci@runner 4242 2026-01-01T00:00:00.000Z 'ldoms apply (stack prod-move)' > /var/tmp/ldoms.lock/info && echo > /var/tmp/ldoms.lock/held-0123456789abcdef",
    );
    const refused = await applyHosts(hosts, { connect: env.connect() });
    expect(refused.hosts[0]!.error?.message).toBe(
      "t7-a: another run holds the lock /var/tmp/ldoms.lock on this host: held by ci@runner (pid 4242, ldoms apply (stack prod-move)) since 2026-01-01T00:00:00.000Z, lock id 0123456789abcdef. Wait for it to finish. If no run is active (a killed pipeline), release it with: ldoms force-unlock t7-a 0123456789abcdef",
    );
    await expect(forceUnlock(hosts[0]!.target, "ffffffffffffffff", env.connect())).rejects.toThrow(
      "t7-a: the lock is held by ci@runner (pid 4242, ldoms apply (stack prod-move)) since 2026-01-01T00:00:00.000Z, lock id 0123456789abcdef, not ffffffffffffffff; refusing to remove a lock whose id was not given. Wait for that run if it is still active; if it is gone, run ldoms force-unlock t7-a 0123456789abcdef",
    );
    const released = await forceUnlock(hosts[0]!.target, "0123456789abcdef", env.connect());
    expect(released.owner).toBe("ci@runner");
    await expect(forceUnlock(hosts[0]!.target, "0123456789abcdef", env.connect())).rejects.toThrow(
      "t7-a: there is no lock (/var/tmp/ldoms.lock does not exist); nothing to release: run the refused command again",
    );
    const run = await applyHosts(hosts, { connect: env.connect() });
    expect(run.hosts[0]!.status).toBe("applied");
  });

  it("a failing command stops its host with command, exit status, stderr and what was done, and releases its lock", async () => {
    const env = inProcessLab();
    env.lab.faults.failNth(2, "Failed to add device /SYS/MB/NET0/IOVNET.PF0.VF0: device busy", { machine: "t7-a" });
    const run = await applyHosts(engineHosts(examplePlan()), { connect: env.connect() });
    const a = run.hosts[0]!;
    expect(a.status).toBe("failed");
    expect(a.error?.message).toBe(
      [
        't7-a: step vf/ldg1-app/assign (assign VF "ldg1-app" to domain ldg1) failed.',
        `  command: 'ldm' 'add-io' '${PF0}.VF0' 'ldg1'`,
        "  exit status: 1",
        "  stderr: Failed to add device /SYS/MB/NET0/IOVNET.PF0.VF0: device busy",
        "  done before it on t7-a: vf/ldg1-app/create",
        "  Nothing else was changed on t7-a. Fix the cause and run apply again: it re-reads the host and continues where it stopped.",
      ].join("\n"),
    );
    expect(a.actions.map((x) => x.status)).toEqual(["done", "failed", "not-run"]);
    // The lock was released: a re-run converges.
    const again = await applyHosts(engineHosts(examplePlan()), { connect: env.connect() });
    expect(again.hosts.map((h) => h.status)).toEqual(["applied", expect.stringMatching(/applied|unchanged/)]);
    expect(await converged(env, engineHosts(examplePlan()))).toBe(true);
  });

  it("preconditions fail on one host: nothing changes on any host", async () => {
    const json = exampleLabJson() as { machines: { pfs: { alias: string }[] }[] };
    json.machines[1]!.pfs[0]!.alias = "/SYS/MB/NET2/IOVNET.PF1";
    const env = inProcessLab(json);
    const run = await applyHosts(engineHosts(examplePlan()), { connect: env.connect() });
    expect(run.hosts.map((h) => h.status)).toEqual(["stopped", "failed"]);
    expect(run.hosts[1]!.error?.message).toBe(
      "t7-b: apply would fail, so nothing was changed:\n  - PF /SYS/MB/NET2/IOVNET.PF0 does not exist on t7-b; Ethernet PFs there: /SYS/MB/NET2/IOVNET.PF1",
    );
    expect(env.lab.mutatingCount()).toBe(0);
  });

  it("waits out INV by polling, bounded by a timeout", async () => {
    const env = inProcessLab(exampleLabJson({ invSettleMs: 5_000 }));
    const hosts = engineHosts(examplePlan()).filter((h) => h.target.id === "t7-a");
    const run = await applyHosts(hosts, { connect: env.connect(), invTimeoutMs: 400 });
    expect(run.hosts[0]!.error?.message).toMatch(
      /^t7-a: \/SYS\/MB\/NET0\/IOVNET\.PF0, \/SYS\/MB\/NET0\/IOVNET\.PF0\.VF0 still show INV after 0 s \(Oracle documents about 45 s after create-vf\/destroy-vf\)\. A device that stays INV has a problem/,
    );
    expect(env.lab.mutatingCount()).toBe(1);
  });

  it("cut at every command boundary of a from-scratch apply: re-run converges, nothing duplicated", async () => {
    const clean = inProcessLab();
    await applyHosts(engineHosts(examplePlan()), { connect: clean.connect() });
    const boundaries = clean.counters.execs;
    expect(boundaries).toBeGreaterThanOrEqual(8);
    for (let k = 1; k <= boundaries; k++) {
      for (const point of ["before", "after"] as const) {
        const env = inProcessLab();
        const hosts = engineHosts(examplePlan());
        let cuts = 0;
        const first = await applyHosts(hosts, {
          connect: env.connect({ cut: (info) => (info.totalExecIndex === k && cuts++ === 0 ? point : undefined) }),
          sleep: async () => undefined,
        });
        if (first.hosts.some((h) => h.status !== "applied")) await applyHosts(hosts, { connect: env.connect() });
        const label = `cut ${point} exec ${k}`;
        expect(env.counters.cuts, label).toBe(1);
        expect(await converged(env, hosts), label).toBe(true);
        const creates = env.lab.journal().filter((j) => j.argv[0] === "create-vf");
        expect(creates.length, label).toBe(2);
        expect(env.lab.mutatingCount(), label).toBeLessThanOrEqual(NEEDED_FROM_SCRATCH + 1);
      }
    }
  }, 120_000);
});

describe("one host fails while others run", () => {
  it("the others finish their current step and stop; a re-run converges", async () => {
    const env = inProcessLab(fleetLabDefinition(3, 4));
    const hosts = engineHosts(fleetPlan(3, 4));
    env.lab.faults.failNth(2, "Failed to add device: injected", { machine: "m000" });
    const run = await applyHosts(hosts, { connect: env.connect() });
    expect(run.hosts.map((h) => h.status)).toEqual(["failed", "stopped", "stopped"]);
    for (const host of run.hosts.slice(1)) {
      expect(host.stopReason).toBe("m000 failed");
      const done = host.actions.filter((a) => a.status === "done").length;
      expect(done).toBeGreaterThanOrEqual(1);
      expect(done).toBeLessThan(host.actions.length);
    }
    const again = await applyHosts(hosts, { connect: env.connect() });
    expect(again.hosts.map((h) => h.status)).toEqual(["applied", "applied", "applied"]);
    expect(await converged(env, hosts)).toBe(true);
  });
});

describe("host lock helpers (for other operations, e.g. migrate)", () => {
  it("acquire reads and locks in one exec; a second acquire names the holder; release frees it", async () => {
    const env = inProcessLab();
    const [host] = engineHosts(examplePlan(), { hostIds: ["t7-b"] });
    const first = new HostSession(host!.target, env.connect());
    const held = await acquireHostLock(first, newLockInfo("ldoms migrate ldg1-to-b"), DEFAULT_LOCK_DIR);
    expect(held.observed.vswitches).toEqual(["primary-vsw0"]);
    expect(first.counters.execs).toBe(1);
    const second = new HostSession(host!.target, env.connect());
    const other = newLockInfo("other");
    await expect(acquireHostLock(second, other, DEFAULT_LOCK_DIR)).rejects.toThrow(
      new RegExp(`^t7-b: another run holds the lock /var/tmp/ldoms\\.lock on this host: held by \\S+ \\(pid \\d+, ldoms migrate ldg1-to-b\\) since \\S+, lock id ${held.info.id}\\.`),
    );
    expect(await releaseHostLock(first, DEFAULT_LOCK_DIR, held.info)).toMatchObject({ kind: "released" });
    const again = await acquireHostLock(second, other, DEFAULT_LOCK_DIR);
    expect(await releaseHostLock(first, DEFAULT_LOCK_DIR, held.info)).toMatchObject({ kind: "other", holder: { id: other.id } });
    expect(await releaseHostLock(second, DEFAULT_LOCK_DIR, again.info)).toMatchObject({ kind: "released" });
  });
});
