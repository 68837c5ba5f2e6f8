/**
 * End to end through a real OpenSSH sshd: the standalone lab `ldm` (ldoms-lab-ldm) on PATH as
 * `ldm`, a real bash running the engine's command lines (lock with mkdir/printf/cat, batched
 * reads with `$?`), our ssh2 transport pinning the host key from known_hosts.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyHosts, engineHosts, planHosts } from "../../src/engine";
import { sshConnect } from "../../src/cli/engine-input";
import { readLabStateFile } from "../../src/lab-serving/standalone/file-store";
import type { RunningSshd } from "../support/sshd";
import { startSshdLab, type SshdLab } from "./support/sshd-lab";
import { examplePlan } from "../../test-kit/example-plan";

describe("engine end to end through OpenSSH sshd and ldoms-lab-ldm", () => {
  let lab: SshdLab;
  let sshd: RunningSshd;
  let statePath: string;

  beforeAll(async () => {
    lab = await startSshdLab();
    ({ sshd, statePath } = lab);
  });
  afterAll(async () => lab?.stop());

  it("converges t7-a, re-apply runs zero mutating commands, plan shows no changes", async () => {
    const inventory = { hosts: { "t7-a": { address: sshd.address, port: sshd.port, user: sshd.user, knownHostsFile: sshd.knownHostsFile, identityFile: sshd.identityFile } } };
    const hosts = engineHosts(examplePlan(), { inventory, hostIds: ["t7-a"] });
    const lockDir = join(sshd.workDir, "ldoms.lock");
    const mutating = () => readLabStateFile(statePath).journal.filter((j) => j.kind === "ldm").length;

    const first = await applyHosts(hosts, { connect: sshConnect({}), lockDir });
    expect(first.hosts.map((h) => [h.status, h.mutatingCommands, h.error?.message])).toEqual([["applied", 3, undefined]]);
    expect(mutating()).toBe(3);

    const second = await applyHosts(hosts, { connect: sshConnect({}), lockDir });
    expect(second.hosts.map((h) => [h.status, h.mutatingCommands])).toEqual([["unchanged", 0]]);
    expect(mutating()).toBe(3);

    const plan = await planHosts(hosts, { connect: sshConnect({}) });
    expect(plan.hosts.map((h) => [h.error?.message, h.actions.length, h.counters.connections, h.counters.execs])).toEqual([[undefined, 0, 1, 1]]);
    // The lock directory was released.
    expect(sshd.ssh(`test -d ${lockDir} && echo held || echo free`).stdout).toBe("free\n");
  }, 120_000);
});
