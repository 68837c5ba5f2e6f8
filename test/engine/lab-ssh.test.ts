import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyHosts, engineHosts, planHosts } from "../../src/engine";
import { sshConnect } from "../../src/cli/engine-input";
import { examplePlan } from "../../test-kit/example-plan";
import { startSshLab, type SshLab } from "./support/ssh-lab";
import { exampleLabJson } from "./support/engine-lab";
import { LAB_VARIANTS } from "./support/lab-variants";

describe.each(LAB_VARIANTS)("engine through the lab's ssh2 server ($name lab)", ({ variants }) => {
  let env: SshLab;
  beforeAll(async () => {
    env = await startSshLab({ json: exampleLabJson({ variants }) });
  });
  afterAll(async () => env?.close());

  it("plan reads each host with one connection and one exec; apply converges; re-apply changes nothing", async () => {
    const hosts = engineHosts(examplePlan(), { inventory: env.inventory });
    const before = structuredClone(env.server.stats.perHost);
    const plan = await planHosts(hosts, { connect: sshConnect({}) });
    expect(plan.hosts.map((h) => [h.id, h.error?.message, h.actions.length])).toEqual([
      ["t7-a", undefined, 3],
      ["t7-b", undefined, 1],
    ]);
    for (const id of ["t7-a", "t7-b"]) {
      const now = env.server.stats.perHost[id]!;
      const then = before[id] ?? { connections: 0, execs: 0 };
      expect({ connections: now.connections - then.connections, execs: now.execs - then.execs }, id).toEqual({ connections: 1, execs: 1 });
    }
    const first = await applyHosts(hosts, { connect: sshConnect({}) });
    expect(first.hosts.map((h) => [h.id, h.status, h.mutatingCommands, h.error?.message])).toEqual([
      ["t7-a", "applied", 3, undefined],
      ["t7-b", "applied", 1, undefined],
    ]);
    const second = await applyHosts(hosts, { connect: sshConnect({}) });
    expect(second.hosts.map((h) => [h.id, h.status, h.mutatingCommands])).toEqual([
      ["t7-a", "unchanged", 0],
      ["t7-b", "unchanged", 0],
    ]);
    expect(env.lab.mutatingCount()).toBe(4);
  });
});

describe("cut the connection (TCP proxy) at every command boundary of a from-scratch apply", () => {
  let stateDir: string;
  beforeAll(() => {
    stateDir = mkdtempSync(join(tmpdir(), "ldoms-engine-cuts-"));
  });
  afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

  it("re-run converges, nothing duplicated, at most one extra mutating command per cut", async () => {
    // Count the command boundaries of a clean run first.
    const clean = await startSshLab({ stateDir, proxy: true });
    await applyHosts(engineHosts(examplePlan(), { inventory: clean.inventory }), { connect: sshConnect({}) });
    const boundaries = clean.server.stats.execs;
    await clean.close();
    expect(boundaries).toBeGreaterThanOrEqual(8);

    for (let k = 1; k <= boundaries; k++) {
      let cuts = 0;
      const env = await startSshLab({
        stateDir,
        proxy: true,
        onExec: (info, proxies) => {
          if (info.execIndex === k && cuts === 0) cuts += proxies.get(info.hostId)?.cutAll() ? 1 : 0;
        },
      });
      try {
        const hosts = engineHosts(examplePlan(), { inventory: env.inventory });
        const first = await applyHosts(hosts, { connect: sshConnect({}) });
        if (first.hosts.some((h) => h.status !== "applied")) await applyHosts(hosts, { connect: sshConnect({}) });
        const plan = await planHosts(hosts, { connect: sshConnect({}) });
        const label = `cut at exec ${k}`;
        expect(cuts, label).toBe(1);
        expect(plan.hosts.map((h) => [h.id, h.error?.message, h.actions.length]), label).toEqual([
          ["t7-a", undefined, 0],
          ["t7-b", undefined, 0],
        ]);
        expect(env.lab.journal().filter((j) => j.argv[0] === "create-vf").length, label).toBe(2);
        expect(env.lab.mutatingCount(), label).toBeLessThanOrEqual(4 + 1);
      } finally {
        await env.close();
      }
    }
  }, 180_000);
});

describe("cut the connection (TCP proxy) right after every mutating command, also inside a batched exec", () => {
  let stateDir: string;
  beforeAll(() => {
    stateDir = mkdtempSync(join(tmpdir(), "ldoms-engine-cuts-ldm-"));
  });
  afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

  it("re-run converges, nothing duplicated, at most one extra mutating command per cut", async () => {
    for (let k = 1; k <= 4; k++) {
      let mutating = 0;
      let cuts = 0;
      const env = await startSshLab({
        stateDir,
        proxy: true,
        afterLdm: (machine, isMutating, proxies) => {
          if (isMutating && ++mutating === k && cuts === 0) cuts += proxies.get(machine)?.cutAll() ? 1 : 0;
        },
      });
      try {
        const hosts = engineHosts(examplePlan(), { inventory: env.inventory });
        const first = await applyHosts(hosts, { connect: sshConnect({}) });
        if (first.hosts.some((h) => h.status !== "applied")) await applyHosts(hosts, { connect: sshConnect({}) });
        const plan = await planHosts(hosts, { connect: sshConnect({}) });
        const label = `cut after mutating command ${k}`;
        expect(cuts, label).toBe(1);
        expect(plan.hosts.map((h) => h.actions.length), label).toEqual([0, 0]);
        expect(env.lab.journal().filter((j) => j.argv[0] === "create-vf").length, label).toBe(2);
        expect(env.lab.mutatingCount(), label).toBeLessThanOrEqual(4 + 1);
      } finally {
        await env.close();
      }
    }
  }, 120_000);
});
