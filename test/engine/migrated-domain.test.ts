import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runApply } from "../../src/cli/commands/apply";
import { runPlan, type CommandIo } from "../../src/cli/commands/plan";
import { applyHosts, engineHosts, migrationAwareness, planHosts, type ConnectHost, type EngineOptions } from "../../src/engine";
import type { PlanDocument } from "../../src/model";
import { exampleLabJson, inProcessLab, type InProcessLab } from "./support/engine-lab";
import { examplePlan } from "../../test-kit/example-plan";
import { Capture } from "../support/capture";

const PF0 = "/SYS/MB/NET0/IOVNET.PF0";
const NOTE = "ldg1 has migrated to t7-b (migration ldg1-to-b): its steps on t7-a are skipped; declare the domain on t7-b to manage it there";
const SKIPPED = ["vf/ldg1-app/assign", "vnet/ldg1/vnet0/add", "vnet/ldg1/vnet0/set/vswitch", "vnet/ldg1/vnet0/set/pvid"];
const ONE_READ = { connections: 1, execs: 1, readExecs: 1, mutatingExecs: 0, settleReads: 0 };


function optionsFor(env: InProcessLab, document: PlanDocument, connect: ConnectHost = env.connect()): EngineOptions {
  return { connect, migrations: migrationAwareness(document.migrations, engineHosts(document)) };
}

/** Applies the example, then migrates ldg1 from t7-a to t7-b with `ldm migrate-domain` on t7-a. */
async function appliedAndMigrated(): Promise<{ env: InProcessLab; document: PlanDocument }> {
  const env = inProcessLab();
  const document = examplePlan();
  const applied = await applyHosts(engineHosts(document), optionsFor(env, document));
  expect(applied.hosts.map((h) => h.status)).toEqual(["applied", "applied"]);
  const migrated = await env.ldm("t7-a", "migrate-domain", "-c", "ldg1", "t7-b.lab");
  expect(migrated).toMatchObject({ exitCode: 0 });
  return { env, document };
}

describe("a domain migrated as configured is not undone by plan or apply", () => {
  it("plan: no actions and no problems on either host, one note on the source", async () => {
    const { env, document } = await appliedAndMigrated();
    const run = await planHosts(engineHosts(document), optionsFor(env, document));
    expect(run.hosts.map((h) => [h.id, h.actions.map((a) => a.stepId), h.problems, h.error?.message])).toEqual([
      ["t7-a", [], [], undefined],
      ["t7-b", [], [], undefined],
    ]);
    expect(run.hosts[0]?.migrated).toEqual([
      { migration: "ldg1-to-b", domain: "ldg1", sourceHost: "t7-a", targetHost: "t7-b", skippedSteps: SKIPPED, note: NOTE },
    ]);
    expect(run.hosts[1]?.migrated).toBeUndefined();
    // Both hosts are in the run: nothing is read twice.
    expect(run.migrationTargetReads).toBeUndefined();
    expect(run.hosts.map((h) => h.counters)).toEqual([ONE_READ, ONE_READ]);
  });

  it("apply: zero mutating commands on either host (lab journal), the note reported", async () => {
    const { env, document } = await appliedAndMigrated();
    const before = env.lab.journal().length;
    const run = await applyHosts(engineHosts(document), optionsFor(env, document));
    expect(run.hosts.map((h) => [h.id, h.status, h.mutatingCommands, h.error?.message])).toEqual([
      ["t7-a", "unchanged", 0, undefined],
      ["t7-b", "unchanged", 0, undefined],
    ]);
    expect(run.hosts[0]?.migrated?.map((m) => m.note)).toEqual([NOTE]);
    expect(env.lab.journal().length).toBe(before);
  });

  it("--host t7-a alone: the target is read once (read-only) to decide, with the same result", async () => {
    const { env, document } = await appliedAndMigrated();
    const before = env.lab.journal().length;
    const onlySource = engineHosts(document, { hostIds: ["t7-a"] });
    const plan = await planHosts(onlySource, optionsFor(env, document));
    expect(plan.hosts.map((h) => [h.id, h.actions.length, h.problems, h.migrated?.map((m) => m.note)])).toEqual([["t7-a", 0, [], [NOTE]]]);
    expect(plan.hosts[0]?.counters).toEqual(ONE_READ);
    expect(plan.migrationTargetReads).toEqual([{ id: "t7-b", counters: ONE_READ }]);

    const apply = await applyHosts(onlySource, optionsFor(env, document));
    expect(apply.hosts.map((h) => [h.id, h.status, h.mutatingCommands])).toEqual([["t7-a", "unchanged", 0]]);
    expect(apply.migrationTargetReads).toEqual([{ id: "t7-b", counters: ONE_READ }]);
    expect(env.lab.journal().length).toBe(before);
  });

  it("steps that do not need the domain keep their guards: a pvid changed by hand on the left-behind VF is fixed", async () => {
    const { env, document } = await appliedAndMigrated();
    expect(await env.ldm("t7-a", "set-io", "pvid=200", `${PF0}.VF0`)).toMatchObject({ exitCode: 0 });
    const plan = await planHosts(engineHosts(document, { hostIds: ["t7-a"] }), optionsFor(env, document));
    expect(plan.hosts[0]?.actions.map((a) => `${a.symbol} ${a.summary} because ${a.reason}`)).toEqual([
      '~ set pvid=100 on VF "ldg1-app" because pvid of VF "ldg1-app" is "200", want "100"',
    ]);
    expect(plan.hosts[0]?.problems).toEqual([]);
    expect(plan.hosts[0]?.migrated?.map((m) => m.note)).toEqual([NOTE]);
    const before = env.lab.journal().length;
    const apply = await applyHosts(engineHosts(document, { hostIds: ["t7-a"] }), optionsFor(env, document));
    expect(apply.hosts.map((h) => [h.status, h.mutatingCommands])).toEqual([["applied", 1]]);
    expect(env.lab.journal().slice(before).map((j) => `${j.machine} ${j.argv.join(" ")}`)).toEqual([`t7-a set-io pvid=100 ${PF0}.VF0`]);
  });

  it("the domain on neither host: the existing error, also with --host t7-a", async () => {
    const json = exampleLabJson() as { machines: Array<{ name: string; domains: Array<{ name: string }> }> };
    const source = json.machines.find((m) => m.name === "t7-a")!;
    source.domains = source.domains.filter((d) => d.name !== "ldg1");
    const env = inProcessLab(json);
    const document = examplePlan();
    for (const hostIds of [["t7-a", "t7-b"], ["t7-a"]]) {
      const run = await planHosts(engineHosts(document, { hostIds }), optionsFor(env, document));
      const a = run.hosts.find((h) => h.id === "t7-a")!;
      expect(a.migrated).toBeUndefined();
      expect(a.actions.map((x) => x.stepId)).toEqual(["vf/ldg1-app/create", "vf/ldg1-app/assign", "vnet/ldg1/vnet0/add"]);
      expect(a.problems).toEqual([
        'domain ldg1 does not exist on t7-a (VF "ldg1-app" is to be assigned to it); create it first or fix the domain name',
        'domain ldg1 does not exist on t7-a (vnet "vnet0" is to be added to it); create it first or fix the domain name',
      ]);
    }
    const apply = await applyHosts(engineHosts(document, { hostIds: ["t7-a"] }), optionsFor(env, document));
    expect(apply.hosts.map((h) => [h.status, h.mutatingCommands])).toEqual([["failed", 0]]);
    expect(apply.hosts[0]?.error?.message).toContain("domain ldg1 does not exist on t7-a");
    expect(env.lab.mutatingCount()).toBe(0);
  });

  it("a target that cannot be read leaves the source's problems and says why it could not decide", async () => {
    const { env, document } = await appliedAndMigrated();
    const lab = env.connect();
    const connect: ConnectHost = (target) => {
      if (target.id === "t7-b") throw new Error("connect ECONNREFUSED 127.0.0.1:1");
      return lab(target);
    };
    const run = await planHosts(engineHosts(document, { hostIds: ["t7-a"] }), optionsFor(env, document, connect));
    const problems = run.hosts[0]?.problems ?? [];
    expect(problems[0]).toBe('domain ldg1 does not exist on t7-a (VF "ldg1-app" is to be assigned to it); create it first or fix the domain name');
    expect(problems[problems.length - 1]).toMatch(/^could not read t7-b to check whether ldg1 migrated there \(migration ldg1-to-b\): .*ECONNREFUSED/);
    expect(run.migrationTargetReads?.map((r) => r.id)).toEqual(["t7-b"]);
  });
});

describe("a migration target missing from the inventory", () => {
  it("plan --host SOURCE says the target could not be read because the inventory lacks it", async () => {
    const { env, document } = await appliedAndMigrated();
    const dir = mkdtempSync(join(tmpdir(), "ldoms-migrated-inv-"));
    try {
      const planDocument = join(dir, "ldoms.plan.json");
      const inventory = join(dir, "inventory.json");
      writeFileSync(planDocument, JSON.stringify(document));
      writeFileSync(inventory, JSON.stringify({ hosts: { "t7-a": { address: "127.0.0.1", port: 22, user: "ldmops" } } }));
      const out = new Capture();
      const io: CommandIo = { stdout: out, stderr: new Capture(), cwd: dir, connect: env.connect(), env: {} };
      expect(await runPlan({ planDocument, inventory, host: ["t7-a"] }, io)).toBe(1);
      expect(out.text).toContain(
        `    - could not read t7-b to check whether ldg1 migrated there (migration ldg1-to-b): host t7-b is not in ${inventory}, which has t7-a; add "t7-b" under "hosts"`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("ldoms plan / apply commands after the migration", () => {
  it("plan --detailed-exitcode exits 0 with the note in text and --json; apply --host t7-a changes nothing", async () => {
    const { env, document } = await appliedAndMigrated();
    const dir = mkdtempSync(join(tmpdir(), "ldoms-migrated-"));
    try {
      const planDocument = join(dir, "ldoms.plan.json");
      writeFileSync(planDocument, JSON.stringify(document));
      const out = new Capture();
      const err = new Capture();
      const io: CommandIo = { stdout: out, stderr: err, cwd: dir, connect: env.connect(), env: {} };

      expect(await runPlan({ planDocument, detailedExitcode: true }, io)).toBe(0);
      expect(out.text).toContain(`t7-a: no changes (2 unchanged)\n  note: ${NOTE}\n\nt7-b: no changes (2 unchanged)`);
      expect(out.text).not.toContain("apply would refuse");

      out.text = "";
      expect(await runPlan({ planDocument, detailedExitcode: true, host: ["t7-a"], json: true }, io)).toBe(0);
      const json = JSON.parse(out.text);
      expect(json.hosts.map((h: Record<string, unknown>) => [h.id, h.actions, h.problems, h.notes, h.migrated])).toEqual([
        ["t7-a", [], [], [NOTE], [{ migration: "ldg1-to-b", domain: "ldg1", sourceHost: "t7-a", targetHost: "t7-b", skippedSteps: SKIPPED }]],
      ]);
      expect(json.totals).toEqual({ create: 0, update: 0, disruptive: 0, unchanged: 2, failedHosts: 0 });

      const before = env.lab.journal().length;
      out.text = "";
      expect(await runApply(undefined, { planDocument, autoApprove: true, host: ["t7-a"] }, io)).toBe(0);
      expect(out.text).toBe(`t7-a: no changes (0 mutating commands)\n  note: ${NOTE}\n\nApply complete: 0 mutating command(s) on 1 host(s).\n`);
      out.text = "";
      expect(await runApply(undefined, { planDocument, autoApprove: true, json: true }, io)).toBe(0);
      const applied = JSON.parse(out.text);
      expect(applied.hosts.map((h: Record<string, unknown>) => [h.id, h.status, h.mutatingCommands, h.notes])).toEqual([
        ["t7-a", "unchanged", 0, [NOTE]],
        ["t7-b", "unchanged", 0, undefined],
      ]);
      expect(env.lab.journal().length).toBe(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
