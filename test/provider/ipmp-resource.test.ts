/**
 * Resource `ldoms_ipmp` RPCs as plain calls (no gRPC, no terraform) against the default lab
 * in-process, its guest ldg1 modelled (dladm/ipadm/ipmpstat) and reachable as inventory entry
 * guest/ldg1 or not: with access the group is created with the engine's ipadm commands, read
 * back, a guest change by hand is read as drift and repaired with only the missing command;
 * without access nothing in the guest is touched, the plan warns and the state follows the
 * configuration; the plan document and the guest refuse what apply could not do. A mobile
 * domain's group (pair lab) follows the domain: after a migration its host changes, no diff.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { applyHosts, engineHosts } from "../../src/engine";
import { ConnectionError, type Inventory } from "../../src/model";
import { decodeDynamicValue, encodeDynamicValue, UNKNOWN, type TerraformValue } from "../../src/provider/dynamic-value";
import { LdomsProvider } from "../../src/provider/provider-rpcs";
import { examplePlan } from "../../test-kit/example-plan";
import { Lab } from "../../src/lab/lab";
import { loadLabDefinition } from "../../src/lab/definition";
import { LabExecutor } from "../../src/lab-serving/executor";
import { inProcessLab, type InProcessLab } from "../engine/support/engine-lab";
import { defaultLabJson, GUEST_IPMP_COMMANDS } from "../migration/support";
import { GroupCli, groupExamplePlan, pairLabJson } from "../mobility/support";

const TYPE = "ldoms_ipmp";
const HOSTS = { "t7-a": { address: "t7-a.lab", port: 22, user: "ldmops" }, "t7-b": { address: "t7-b.lab", port: 22, user: "ldmops" } };
const WITH_GUEST: Inventory = { hosts: { ...HOSTS, "guest/ldg1": { address: "ldg1.lab", port: 22, user: "ldmops" } } };
const NO_GUEST: Inventory = { hosts: HOSTS };

const config = (v: Record<string, TerraformValue> = {}): Record<string, TerraformValue> => ({ domain: "ldg1", name: "ipmp0", active_vf: "ldg1-app", standby_vnet: "vnet0", host: null, verified: null, id: null, ...v });
const enc = (v: TerraformValue) => encodeDynamicValue(v);
const dec = (v: Parameters<typeof decodeDynamicValue>[0]) => decodeDynamicValue(v) as Record<string, TerraformValue> | null;

describe("ldoms_ipmp RPCs against the in-process lab", () => {
  let dir: string;
  let env: InProcessLab;
  const guestCommands = () => env.lab.journal().filter((j) => j.kind === "guest").map((j) => j.argv.join(" "));
  const guest = (...argv: string[]) => env.lab.runGuest("ldg1", argv);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "ldoms-provider-ipmp-"));
    const json = defaultLabJson();
    json.options = { ...json.options, invSettleMs: 50 };
    env = inProcessLab(json);
    writeFileSync(join(dir, "ldoms.plan.json"), JSON.stringify(examplePlan()));
    writeFileSync(join(dir, "with-guest.json"), JSON.stringify(WITH_GUEST));
    writeFileSync(join(dir, "no-guest.json"), JSON.stringify(NO_GUEST));
    // The hosts as ldoms apply leaves them (VF and vnet of ldg1 there); the guest not configured yet.
    const run = await applyHosts(engineHosts(examplePlan(), { inventory: WITH_GUEST }), { connect: env.connect(), invTimeoutMs: 10_000 });
    expect(run.hosts.map((h) => h.status)).toEqual(["applied", "applied"]);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A provider process configured as Terraform does; `inventory` says whether the guest is reachable. */
  const provider = (inventory: "with-guest.json" | "no-guest.json" = "with-guest.json") => {
    const p = new LdomsProvider(env.connect(), dir, {});
    expect(p.configureProvider({ config: enc({ plan_document: "ldoms.plan.json", inventory }) }).diagnostics).toEqual([]);
    return p;
  };
  const plan = (p: LdomsProvider, prior: TerraformValue, proposed: TerraformValue) => p.planResourceChange({ type_name: TYPE, prior_state: enc(prior), proposed_new_state: enc(proposed), config: enc(proposed) });
  const read = async (p: LdomsProvider, state: TerraformValue) => {
    const r = await p.readResource({ type_name: TYPE, current_state: enc(state) });
    return { diagnostics: r.diagnostics, state: dec(r.new_state) };
  };
  /** Plans and applies `proposed` over `prior` as Terraform does; the plan must have no error. */
  async function planApply(p: LdomsProvider, prior: TerraformValue, proposed: TerraformValue) {
    const planned = await plan(p, prior, proposed);
    expect(planned.diagnostics.filter((d) => d.severity === "ERROR")).toEqual([]);
    const applied = await p.applyResourceChange({ type_name: TYPE, prior_state: enc(prior), planned_state: planned.planned_state, config: enc(proposed) });
    return { planned: dec(planned.planned_state), plannedDiagnostics: planned.diagnostics, diagnostics: applied.diagnostics, state: dec(applied.new_state) };
  }

  it("with guest access: create runs the engine's ipadm commands in ldg1, the state is read back verified, and a fresh process reads no difference", async () => {
    const created = await planApply(provider(), null, config());
    expect(created.plannedDiagnostics).toEqual([]);
    expect(created.planned).toEqual(config({ host: "t7-a", verified: true, id: "ldg1/ipmp0" }));
    expect(created.diagnostics).toEqual([]);
    expect(created.state).toEqual(config({ host: "t7-a", verified: true, id: "ldg1/ipmp0" }));
    expect(guestCommands()).toEqual(GUEST_IPMP_COMMANDS);
    expect((await guest("ipmpstat", "-P", "-o", "interface,group,flags", "-i")).stdout).toMatch(/^net0:ipmp0:\S*s/m);

    const again = await read(provider(), created.state);
    expect(again).toEqual({ diagnostics: [], state: created.state });
    const converged = await planApply(provider(), again.state, config());
    expect(converged.planned).toEqual(created.state);
    expect(guestCommands()).toEqual(GUEST_IPMP_COMMANDS);
  });

  it("a vnet taken out of the group by hand reads as standby_vnet null; apply runs only the missing commands (add it, make it standby)", async () => {
    const { state } = await planApply(provider(), null, config());
    expect((await guest("ipadm", "remove-ipmp", "-i", "net0", "ipmp0")).exitCode).toBe(0);
    const drift = await read(provider(), state);
    expect(drift).toEqual({ diagnostics: [], state: { ...state, standby_vnet: null } });
    const before = guestCommands().length;
    const repaired = await planApply(provider(), drift.state, config());
    expect(repaired.planned).toEqual(state);
    expect(repaired.diagnostics).toEqual([]);
    expect(repaired.state).toEqual(state);
    expect(guestCommands().slice(before)).toEqual(["ipadm add-ipmp -i net0 ipmp0", "ipadm set-ifprop -p standby=on -m ip net0"]);
  });

  it("the group deleted in the guest reads as gone (planned again), and apply recreates it", async () => {
    const { state } = await planApply(provider(), null, config());
    for (const argv of [["remove-ipmp", "-i", "net0,net1", "ipmp0"], ["delete-ipmp", "ipmp0"]]) expect((await guest("ipadm", ...argv)).exitCode).toBe(0);
    expect(await read(provider(), state)).toEqual({ diagnostics: [], state: null });
    const before = guestCommands().length;
    const recreated = await planApply(provider(), null, config());
    expect(recreated.state).toEqual(state);
    // The IP interfaces are still there: only the group, its members and the standby role are made again.
    expect(guestCommands().slice(before)).toEqual(["ipadm create-ipmp ipmp0", "ipadm add-ipmp -i net1 ipmp0", "ipadm add-ipmp -i net0 ipmp0", "ipadm set-ifprop -p standby=on -m ip net0"]);
  });

  it("without guest access: the plan warns with the fix, apply touches nothing in the guest and succeeds, and the state follows the configuration", async () => {
    const created = await planApply(provider("no-guest.json"), null, config());
    expect(created.plannedDiagnostics).toHaveLength(1);
    expect(created.plannedDiagnostics[0]).toMatchObject({ severity: "WARNING", summary: "IPMP group ipmp0 of ldg1 is not verified: ldoms has no access to guest ldg1" });
    expect(created.plannedDiagnostics[0]?.detail).toContain("give the GuestDomain access (or an inventory entry guest/ldg1)");
    expect(created.diagnostics).toEqual([]);
    expect(created.state).toEqual(config({ host: "t7-a", verified: false, id: "ldg1/ipmp0" }));
    expect(guestCommands()).toEqual([]);
    // The guest has no group at all, and nothing says so: the read follows the configuration.
    expect(await read(provider("no-guest.json"), created.state)).toEqual({ diagnostics: [], state: created.state });
    const changed = await planApply(provider("no-guest.json"), created.state, config({ standby_vnet: "vnet0" }));
    expect(changed.planned).toEqual(created.state);

    // Access given later: the guest is read, the missing group is planned again and configured.
    expect(await read(provider(), created.state)).toEqual({ diagnostics: [], state: null });
    expect((await planApply(provider(), null, config())).state).toMatchObject({ verified: true });
    expect(guestCommands()).toEqual(GUEST_IPMP_COMMANDS);
  });

  it("a VF the plan document does not give ldg1 is refused at plan time, naming the value and the fix; nothing runs", async () => {
    const refused = await plan(provider(), null, config({ active_vf: "ldg2-app" }));
    expect(refused.planned_state).toBeUndefined();
    expect(refused.diagnostics).toHaveLength(1);
    expect(refused.diagnostics[0]).toMatchObject({ severity: "ERROR", summary: 'active_vf "ldg2-app" is not a VF of domain ldg1 in the plan document (its VFs: ldg1-app)', attribute: { steps: [{ attribute_name: "active_vf" }] } });
    expect(guestCommands()).toEqual([]);
  });

  it("a datalink already in another IPMP group of the guest: the plan fails with the engine's reason and fix, and nothing runs", async () => {
    for (const argv of [["create-ip", "net1"], ["create-ipmp", "ipmp9"], ["add-ipmp", "-i", "net1", "ipmp9"]]) expect((await guest("ipadm", ...argv)).exitCode).toBe(0);
    const before = guestCommands().length;
    const refused = await plan(provider(), null, config());
    expect(refused.planned_state).toBeUndefined();
    expect(refused.diagnostics[0]?.summary).toBe("IPMP group ipmp0 of ldg1 (on t7-a): apply would fail as guest guest/ldg1 is now, so nothing will be changed");
    expect(refused.diagnostics[0]?.detail).toContain("net1 is already in IPMP group ipmp9; remove it (ipadm remove-ipmp -i net1 ipmp9) or declare that group");
    expect(guestCommands().length).toBe(before);
  });

  it("terraform import ldg1/ipmp0: the pairing comes from the plan document, the group from the guest; a group the document does not declare is refused", async () => {
    const p = provider();
    await planApply(p, null, config());
    const imported = p.importResourceState({ type_name: TYPE, id: "ldg1/ipmp0" });
    expect(imported.diagnostics).toEqual([]);
    const state = await read(provider(), decodeDynamicValue(imported.imported_resources[0]!.state));
    expect(state).toEqual({ diagnostics: [], state: config({ host: "t7-a", verified: true, id: "ldg1/ipmp0" }) });
    const unknown = await read(provider(), decodeDynamicValue(p.importResourceState({ type_name: TYPE, id: "ldg1/ipmp7" }).imported_resources[0]!.state));
    expect(unknown.state).toBeNull();
    expect(unknown.diagnostics[0]?.summary).toContain("IPMP group ipmp7 of ldg1 is not declared in the plan document");
    expect(unknown.diagnostics[0]?.detail).toContain("Declare the IpmpGroup on ldg1, run ldoms synth, and import again");
  });

  it("after StopProvider no guest is contacted: the apply fails with the reason, and nothing runs in the guest", async () => {
    const p = provider();
    const planned = await plan(p, null, config());
    expect(planned.diagnostics).toEqual([]);
    await p.stopProvider();
    const applied = await p.applyResourceChange({ type_name: TYPE, prior_state: enc(null), planned_state: planned.planned_state, config: enc(config()) });
    expect(dec(applied.new_state)).toBeNull();
    expect(applied.diagnostics.map((d) => d.summary)).toEqual(["guest/ldg1: not contacted: Terraform stopped the ldoms provider (interrupted)"]);
    expect(guestCommands()).toEqual([]);
  });

  it("a destroy only forgets the group: planned and applied as null, nothing removed in the guest", async () => {
    const p = provider();
    const { state } = await planApply(p, null, config());
    const before = guestCommands().length;
    const destroy = await plan(p, state, null);
    expect(destroy.diagnostics).toEqual([]);
    expect(dec(destroy.planned_state)).toBeNull();
    const applied = await p.applyResourceChange({ type_name: TYPE, prior_state: enc(state), planned_state: destroy.planned_state, config: enc(null) });
    expect(applied.diagnostics).toEqual([]);
    expect(dec(applied.new_state)).toBeNull();
    expect(guestCommands().length).toBe(before);
    expect((await guest("ipadm", "show-if", "-p", "-o", "ifname,class")).stdout).toContain("ipmp0:ipmp");
  });
});

describe("ldoms_ipmp of a mobile domain against the in-process pair lab", () => {
  let lab: Lab;
  let cli: GroupCli;
  let dir: string;

  beforeEach(async () => {
    lab = Lab.fromDefinition(loadLabDefinition(pairLabJson(), "pair lab"));
    cli = new GroupCli(groupExamplePlan(), undefined, (target) => new LabExecutor(lab, target.id));
    const applied = await cli.apply();
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    dir = mkdtempSync(join(tmpdir(), "ldoms-provider-ipmp-mobile-"));
    writeFileSync(join(dir, "ldoms.plan.json"), JSON.stringify(groupExamplePlan()));
    writeFileSync(join(dir, "inventory.json"), JSON.stringify({ hosts: { ...HOSTS, "guest/ldg1": { address: "ldg1.lab", port: 22, user: "ldmops" } } }));
  });
  afterEach(() => {
    cli.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  const provider = () => {
    const p = new LdomsProvider((target) => new LabExecutor(lab, target.id), dir, {});
    expect(p.configureProvider({ config: enc({ plan_document: "ldoms.plan.json", inventory: "inventory.json" }) }).diagnostics).toEqual([]);
    return p;
  };

  it("a group host that cannot be read, and the domain not on the other: the plan says which host and why", async () => {
    const p = new LdomsProvider((target) => (target.id === "t7-a" ? Promise.reject(new ConnectionError("t7-a: connect ECONNREFUSED t7-a.lab:22", "t7-a")) : new LabExecutor(lab, target.id)), dir, {});
    expect(p.configureProvider({ config: enc({ plan_document: "ldoms.plan.json", inventory: "inventory.json" }) }).diagnostics).toEqual([]);
    const planned = await p.planResourceChange({ type_name: TYPE, prior_state: enc(null), proposed_new_state: enc(config()), config: enc(config()) });
    expect(planned.planned_state).toBeUndefined();
    expect(planned.diagnostics.map((d) => [d.summary, d.attribute?.steps[0]?.attribute_name])).toEqual([
      ["ldg1 was not found on the hosts of group pair that could be read, and t7-a (t7-a: connect ECONNREFUSED t7-a.lab:22) could not be read; fix the connection and run again", "domain"],
    ]);
  });

  it("host is where the domain runs, read from the group's hosts; after a migration the read follows it and the plan has no change", async () => {
    const p = provider();
    const planned = await p.planResourceChange({ type_name: TYPE, prior_state: enc(null), proposed_new_state: enc(config()), config: enc(config()) });
    expect(planned.diagnostics).toEqual([]);
    // Known after apply: a placement applied in the same run may move ldg1 first.
    expect(dec(planned.planned_state)).toMatchObject({ host: UNKNOWN, verified: true });
    const applied = await p.applyResourceChange({ type_name: TYPE, prior_state: enc(null), planned_state: planned.planned_state, config: enc(config()) });
    expect(applied.diagnostics).toEqual([]);
    const state = dec(applied.new_state);
    expect(state).toEqual(config({ host: "t7-a", verified: true, id: "ldg1/ipmp0" }));

    const moved = await cli.migrate("ldg1", "t7-b");
    expect(moved.code, moved.stdout + moved.stderr).toBe(0);
    const after = provider();
    const read = await after.readResource({ type_name: TYPE, current_state: enc(state) });
    expect(read.diagnostics).toEqual([]);
    const refreshed = dec(read.new_state);
    expect(refreshed).toEqual({ ...state, host: "t7-b" });
    const again = await after.planResourceChange({ type_name: TYPE, prior_state: enc(refreshed), proposed_new_state: enc(config({ host: "t7-b", verified: true, id: "ldg1/ipmp0" })), config: enc(config()) });
    expect(again.diagnostics).toEqual([]);
    expect(again.requires_replace).toEqual([]);
    expect(dec(again.planned_state)).toEqual(refreshed);
  });
});
