/**
 * The lock and the journal behind a real OpenSSH sshd, where a channel closed on timeout (even
 * with `signal KILL`) leaves the remote command running: a slow `ldm add-io` past the mutation
 * timeout is waited for and never sent again; a hung listing ends plan within the read timeout;
 * a retried release spares another run's lock; force-unlock races a new lock and loses nothing.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { acquireHostLock, applyHosts, engineHosts, forceUnlock, HostSession, newLockInfo, planHosts, type ConnectHost, type HostTarget } from "../../src/engine";
import { sshConnect } from "../../src/cli/engine-input";
import { loadLabDefinitionFile } from "../../src/lab/definition";
import { DEFAULT_LAB_FILE } from "../../src/lab/paths";
import { readLabStateFile, writeLabStateFile } from "../../src/lab/standalone/file-store";
import { initialLabState } from "../../src/lab/state";
import { OutcomeUnknownError } from "../../src/transport/executor";
import { type RunningSshd, SSHD_TEST_USER, startSshd } from "../support/sshd";
import { ldmWrapperScript } from "../lab/serving/standalone-support";
import { examplePlan } from "./support/example-plan";

/** After the first exec matching `matches` ran, `hook` runs, then the exec reports a lost connection. */
function interleave(connect: ConnectHost, matches: (commandLine: string) => boolean, hook: (target: HostTarget) => Promise<void>): ConnectHost {
  let fired = false;
  return async (target) => {
    const inner = await connect(target);
    return {
      label: inner.label,
      close: () => inner.close(),
      exec: async (commandLine, options) => {
        const result = await inner.exec(commandLine, options);
        if (!fired && matches(commandLine)) {
          fired = true;
          await hook(target);
          throw new OutcomeUnknownError(`${target.id}: connection lost (test)`, commandLine, "connection-lost");
        }
        return result;
      },
    };
  };
}

describe("locks and runaway commands behind OpenSSH sshd", () => {
  let sshd: RunningSshd;
  let dir: string;
  let statePath: string;
  let lockDir: string;
  let hosts: ReturnType<typeof engineHosts>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "ldoms-locks-sshd-"));
    chmodSync(dir, 0o755);
    const binDir = join(dir, "bin");
    statePath = join(dir, "state.json");
    sshd = await startSshd({ env: { PATH: `${binDir}:/usr/local/bin:/usr/bin:/bin`, LDOMS_LAB_STATE: statePath, LDOMS_LAB_HOST: "t7-a" } });
    mkdirSync(binDir);
    writeFileSync(join(binDir, "ldm"), ldmWrapperScript(), { mode: 0o755 });
    lockDir = join(sshd.workDir, "ldoms.lock");
    const inventory = { hosts: { "t7-a": { address: sshd.address, port: sshd.port, user: sshd.user, knownHostsFile: sshd.knownHostsFile, identityFile: sshd.identityFile } } };
    hosts = engineHosts(examplePlan(), { inventory, hostIds: ["t7-a"] });
  });
  beforeEach(() => {
    writeLabStateFile(statePath, initialLabState(loadLabDefinitionFile(DEFAULT_LAB_FILE)));
    execFileSync("chown", ["-R", `${SSHD_TEST_USER}:`, dir]);
    sshd.ssh(`rm -rf ${lockDir}`);
  });
  afterAll(async () => {
    await sshd?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

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
