/**
 * The lock and the journal behind a real OpenSSH sshd, where a channel closed on timeout (even
 * with `signal KILL`) leaves the remote command running: a slow `ldm add-io` past the mutation
 * timeout is waited for and never sent again; a hung listing ends plan within the read timeout;
 * a retried release spares another run's lock; force-unlock races a new lock and loses nothing.
 */
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { acquireHostLock, applyHosts, engineHosts, forceUnlock, HostSession, newLockInfo, planHosts } from "../../src/engine";
import { sshConnect } from "../../src/cli/engine-input";
import { readLabStateFile, writeLabStateFile } from "../../src/lab-serving/standalone/file-store";
import type { RunningSshd } from "../support/sshd";
import { startSshdLab, type SshdLab } from "./support/sshd-lab";
import { examplePlan } from "../../test-kit/example-plan";
import { interleave } from "./support/interleave";


describe("locks and runaway commands behind OpenSSH sshd", () => {
  let lab: SshdLab;
  let sshd: RunningSshd;
  let statePath: string;
  let lockDir: string;
  let hosts: ReturnType<typeof engineHosts>;

  beforeAll(async () => {
    lab = await startSshdLab();
    ({ sshd, statePath } = lab);
    lockDir = join(sshd.workDir, "ldoms.lock");
    const inventory = { hosts: { "t7-a": { address: sshd.address, port: sshd.port, user: sshd.user, knownHostsFile: sshd.knownHostsFile, identityFile: sshd.identityFile } } };
    hosts = engineHosts(examplePlan(), { inventory, hostIds: ["t7-a"] });
  });
  beforeEach(() => {
    lab.resetState();
    sshd.ssh(`rm -rf ${lockDir}`);
  });
  afterAll(async () => lab?.stop());

  const setLatency = (latencyMs: Record<string, number>) => {
    const state = readLabStateFile(statePath);
    state.faults.latencyMs = latencyMs;
    writeLabStateFile(statePath, state);
  };
  const sent = (subcommand: string) => readLabStateFile(statePath).journal.filter((j) => j.kind === "ldm" && j.argv[0] === subcommand).length;
  const lockInfo = () => sshd.ssh(`cat ${lockDir}/info 2>/dev/null || echo none`).stdout;

  it("an add-io still running after its exec timed out is waited for and sent once; the result is proven", async () => {
    setLatency({ "add-io": 3_000 });
    const decisions: string[] = [];
    const run = await applyHosts(hosts, {
      connect: sshConnect({}),
      lockDir,
      commandTimeoutMs: { readMs: 60_000, mutationMs: 1_500 },
      onEvent: (e) => void (e.type === "outcome-unknown" && decisions.push(`${e.action.kind}: ${e.decision}`)),
    });
    expect(run.hosts.map((h) => [h.status, h.error?.message])).toEqual([["applied", undefined]]);
    expect(decisions).toContain("assign-vf: the host's journal shows it ran; using its recorded result");
    expect(sent("add-io")).toBe(1);
    expect(sent("create-vf")).toBe(1);
    expect(lockInfo()).toBe("none\n");
    setLatency({});
    const plan = await planHosts(hosts, { connect: sshConnect({}) });
    expect(plan.hosts[0]!.actions).toEqual([]);
  }, 120_000);

  it("a hung listing ends plan within the read timeout, with a message that says so", async () => {
    setLatency({ "list-services": 8_000 });
    const started = Date.now();
    const plan = await planHosts(hosts, { connect: sshConnect({}), commandTimeoutMs: { readMs: 3_000 } });
    const elapsed = Date.now() - started;
    expect(plan.hosts[0]!.error?.message).toMatch(/t7-a/);
    expect(plan.hosts[0]!.error?.message).toMatch(/timed out|time limit|3 s|3000 ms/i);
    expect(elapsed).toBeLessThan(7_500);
    setLatency({});
  }, 60_000);

  it("a release retried after another run took the lock leaves that lock alone", async () => {
    const competitor = newLockInfo("ldoms migrate ldg1-to-b");
    const connect = interleave(sshConnect({}), (line) => line.includes("begin unlock"), async (target) => {
      await acquireHostLock(new HostSession(target, sshConnect({})), competitor, lockDir);
    });
    const run = await applyHosts(hosts, { connect, lockDir });
    expect(run.hosts.map((h) => [h.status, h.error?.message])).toEqual([["applied", undefined]]);
    expect(lockInfo()).toContain(`id=${competitor.id}`);
  }, 120_000);

  it("force-unlock with a stale id spares a lock taken right after its one exec", async () => {
    const stale = newLockInfo("ldoms apply (killed)");
    await acquireHostLock(new HostSession(hosts[0]!.target, sshConnect({})), stale, lockDir);
    const fresh = newLockInfo("ldoms apply (new)");
    const connect = interleave(sshConnect({}), () => true, async (target) => {
      const other = new HostSession(target, sshConnect({}));
      await other.exec(`rm -rf '${lockDir}'`, "lock");
      await acquireHostLock(other, fresh, lockDir);
      await other.close();
    });
    await forceUnlock(hosts[0]!.target, stale.id, connect, lockDir).catch(() => undefined);
    expect(lockInfo()).toContain(`id=${fresh.id}`);
    await expect(forceUnlock(hosts[0]!.target, stale.id, sshConnect({}), lockDir)).rejects.toThrow(/refusing to remove a lock whose id was not given/);
    expect(lockInfo()).toContain(`id=${fresh.id}`);
  }, 60_000);
});
