/**
 * `--lock-timeout`: a run that finds another run's lock waits for it (reporting who holds it),
 * proceeds once it is gone, and gives up with the owner and the time waited when it is not.
 * Migrations take their two locks in host-id order, so they queue instead of deadlocking.
 */
import { describe, expect, it } from "vitest";
import { applyHosts, engineHosts, type EngineEvent } from "../../src/engine";
import { LabExecutor } from "../../src/lab-serving/executor";
import type { MigrationEvent } from "../../src/engine/migration";
import { examplePlan } from "../../test-kit/example-plan";
import { inProcessLab } from "./support/engine-lab";
import { prepare, startMigrationLab } from "../migration/support";

const FOREIGN_LOCK =
  "mkdir /var/tmp/ldoms.lock && printf 'id=%s\\nowner=%s\\npid=%s\\ntime=%s\\noperation=%s\\n' 0123456789abcdef ci@runner 4242 2026-01-01T00:00:00.000Z 'ldoms migrate web1-to-b' > /var/tmp/ldoms.lock/info && echo > /var/tmp/ldoms.lock/held-0123456789abcdef";
const HOLDER = "ci@runner (pid 4242, ldoms migrate web1-to-b) since 2026-01-01T00:00:00.000Z, lock id 0123456789abcdef";

describe("waiting for another run's lock", () => {
  it("apply waits while the lock is held, says by whom, and proceeds once it is released", async () => {
    const env = inProcessLab();
    const shell = new LabExecutor(env.lab, "t7-a");
    await shell.exec(FOREIGN_LOCK);
    const events: EngineEvent[] = [];
    let waits = 0;
    const run = await applyHosts(engineHosts(examplePlan(), { hostIds: ["t7-a"] }), {
      connect: env.connect(),
      lockTimeoutMs: 60_000,
      onEvent: (e) => events.push(e),
      // The other run finishes during our second wait.
      sleep: async () => {
        if (++waits === 2) await shell.exec("rm -rf /var/tmp/ldoms.lock");
      },
    });
    expect(run.hosts.map((h) => [h.status, h.mutatingCommands, h.error?.message])).toEqual([["applied", 3, undefined]]);
    const waiting = events.filter((e) => e.type === "lock-waiting");
    expect(waiting.length).toBe(2);
    expect(waiting[0]).toMatchObject({ host: "t7-a", dir: "/var/tmp/ldoms.lock", holder: `held by ${HOLDER}` });
    expect(events.findIndex((e) => e.type === "lock-taken")).toBeGreaterThan(events.lastIndexOf(waiting[1]!));
  });

  it("apply gives up after the timeout with the owner, the time waited and the release command; nothing changed", async () => {
    const env = inProcessLab();
    await new LabExecutor(env.lab, "t7-a").exec(FOREIGN_LOCK);
    const run = await applyHosts(engineHosts(examplePlan(), { hostIds: ["t7-a"] }), { connect: env.connect(), lockTimeoutMs: 600 });
    expect(run.hosts[0]?.error?.message).toBe(
      `t7-a: another run holds the lock /var/tmp/ldoms.lock on this host (still, after waiting 1 s: --lock-timeout): held by ${HOLDER}. Wait for it to finish. If no run is active (a killed pipeline), release it with: ldoms force-unlock t7-a 0123456789abcdef`,
    );
    expect(env.lab.mutatingCount()).toBe(0);
  });

  it("without a timeout apply still refuses at once (one lock attempt)", async () => {
    const env = inProcessLab();
    await new LabExecutor(env.lab, "t7-a").exec(FOREIGN_LOCK);
    const events: EngineEvent[] = [];
    const run = await applyHosts(engineHosts(examplePlan(), { hostIds: ["t7-a"] }), { connect: env.connect(), onEvent: (e) => events.push(e) });
    expect(run.hosts[0]?.error?.message).toMatch(/^t7-a: another run holds the lock \/var\/tmp\/ldoms\.lock on this host: held by ci@runner/);
    expect(events.some((e) => e.type === "lock-waiting")).toBe(false);
    expect(run.hosts[0]?.counters.execs).toBe(1);
  });

  it("a migration whose target is locked by another run waits for it, then migrates", async () => {
    const lab = await startMigrationLab();
    try {
      await prepare(lab);
      const shell = new LabExecutor(lab.lab, "t7-b");
      await shell.exec(FOREIGN_LOCK);
      const events: MigrationEvent[] = [];
      let waits = 0;
      const report = await lab.migrate({
        lockTimeoutMs: 60_000,
        onEvent: (e) => events.push(e),
        sleep: async (ms) => {
          if (++waits === 1) await shell.exec("rm -rf /var/tmp/ldoms.lock");
          await new Promise((resolve) => setTimeout(resolve, Math.min(ms, 50)));
        },
      });
      expect(report.outcome).toBe("migrated");
      const waited = events.flatMap((e) => (e.type === "engine" && e.event.type === "lock-waiting" ? [e.event] : []));
      expect(waited[0]).toMatchObject({ host: "t7-b", holder: `held by ${HOLDER}` });
    } finally {
      await lab.close();
    }
  }, 60_000);
});
