/**
 * `ldoms_vf` and `ldoms_vnet` of a mobile domain as plain RPC calls (no gRPC, no terraform)
 * against the pair lab over SSH (the migration-group example applied: ldg1 on t7-a, its VF kept
 * ready on t7-b): where the domain runs is read from the group's hosts through the provider's
 * shared reads, a VF kept ready reads as the domain's, a vnet without host follows its domain
 * across a migration with no diff, a change to a VF kept ready is applied unassigned, a host set
 * on the vnet is refused (and required for a domain that is not mobile), and the domain found on
 * two hosts is a diagnostic naming both states.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeDynamicValue, encodeDynamicValue, type TerraformValue } from "../../src/provider/dynamic-value";
import { outsideGroupProblem } from "../../src/provider/mobile-domains";
import type { LdomsProvider } from "../../src/provider/provider-rpcs";
import type { SshLab } from "../engine/support/ssh-lab";
import { groupExamplePlan, type GroupCli } from "../mobility/support";
import { startPairLab, type PairLab } from "./pair-lab";

const PF = "/SYS/MB/NET2/IOVNET.PF0";
const vf = (host: string, v: Record<string, TerraformValue> = {}): Record<string, TerraformValue> =>
  ({ host, name: "ldg1-app", pf: PF, domain: "ldg1", pvid: null, vid: null, mtu: null, mac_addr: null, alt_mac_addrs: null, pseudonym: null, id: `${host}/ldg1-app`, ...v });
const vnet = (v: Record<string, TerraformValue> = {}): Record<string, TerraformValue> =>
  ({ host: null, domain: "ldg1", name: "vnet0", vswitch: "primary-vsw0", pvid: null, vid: null, mtu: null, id: "ldg1/vnet0", ...v });

describe("ldoms_vf and ldoms_vnet of a mobile domain against the pair lab", () => {
  let pair: PairLab;
  let lab: SshLab;
  let cli: GroupCli;

  beforeAll(async () => {
    pair = await startPairLab("ldoms-provider-mobile-rpcs-");
    ({ lab, cli } = pair);
  }, 60_000);

  afterAll(async () => {
    await pair?.close();
  });

  const provider = () => pair.provider();
  const stats = () => structuredClone(lab.server.stats.perHost);
  /** Reads the VFs of both hosts and the vnet as one refresh does. */
  const refresh = async (p: LdomsProvider, states: { vfs: Record<string, TerraformValue>[]; vnet: Record<string, TerraformValue> }) => {
    const vfs = await Promise.all(states.vfs.map((s) => p.readResource({ type_name: "ldoms_vf", current_state: encodeDynamicValue(s) })));
    const net = await p.readResource({ type_name: "ldoms_vnet", current_state: encodeDynamicValue(states.vnet) });
    for (const r of [...vfs, net]) expect(r.diagnostics).toEqual([]);
    return { vfs: vfs.map((r) => decodeDynamicValue(r.new_state) as Record<string, TerraformValue>), vnet: decodeDynamicValue(net.new_state) as Record<string, TerraformValue> };
  };
  /** A plan of `state` unchanged, as Terraform asks after a refresh: the planned state must be the state (no diff). */
  const unchanged = async (p: LdomsProvider, type: string, state: Record<string, TerraformValue>, config: Record<string, TerraformValue>) => {
    const plan = await p.planResourceChange({ type_name: type, prior_state: encodeDynamicValue(state), proposed_new_state: encodeDynamicValue(state), config: encodeDynamicValue(config) });
    expect(plan.diagnostics).toEqual([]);
    expect(plan.requires_replace).toEqual([]);
    expect(decodeDynamicValue(plan.planned_state)).toEqual(state);
  };

  it("the vnet imported as DOMAIN/VNET is found where ldg1 runs; both VFs read as ldg1's; one connection and one read per host", async () => {
    const p = provider();
    const imported = p.importResourceState({ type_name: "ldoms_vnet", id: "ldg1/vnet0" });
    expect(imported.diagnostics).toEqual([]);
    const before = stats();
    const read = await refresh(p, { vfs: [vf("t7-a"), vf("t7-b")], vnet: decodeDynamicValue(imported.imported_resources[0]!.state) as Record<string, TerraformValue> });
    const after = stats();
    for (const host of ["t7-a", "t7-b"]) expect([after[host]!.connections - before[host]!.connections, after[host]!.execs - before[host]!.execs]).toEqual([1, 1]);
    expect(read.vfs.map((v) => [v["host"], v["domain"], v["pvid"]])).toEqual([["t7-a", "ldg1", 100], ["t7-b", "ldg1", 100]]);
    expect(read.vnet).toEqual({ host: "t7-a", domain: "ldg1", name: "vnet0", vswitch: "primary-vsw0", pvid: 100, vid: [], mtu: 1500, id: "ldg1/vnet0" });
    for (const s of read.vfs) await unchanged(p, "ldoms_vf", s, vf(s["host"] as string, { pvid: 100, id: null, pf: PF }));
    await unchanged(p, "ldoms_vnet", read.vnet, vnet({ pvid: 100, id: null }));
  });

  it("a host set on the mobile domain's vnet is refused at plan time with the fix", async () => {
    const config = vnet({ host: "t7-a", id: null });
    const plan = await provider().planResourceChange({ type_name: "ldoms_vnet", prior_state: encodeDynamicValue(null), proposed_new_state: encodeDynamicValue(config), config: encodeDynamicValue(config) });
    expect(plan.planned_state).toBeUndefined();
    expect(plan.diagnostics).toMatchObject([{ summary: 'host = "t7-a" is set on a vnet of ldg1, a mobile domain of group pair (t7-a, t7-b)', attribute: { steps: [{ attribute_name: "host" }] } }]);
    expect(plan.diagnostics[0]?.detail).toContain("Leave host out");

    // A domain that is not mobile: its vnet needs host, in the configuration and in an import id.
    const fixed = vnet({ domain: "primary", name: "vnet9", id: null });
    const unplaced = await provider().planResourceChange({ type_name: "ldoms_vnet", prior_state: encodeDynamicValue(null), proposed_new_state: encodeDynamicValue(fixed), config: encodeDynamicValue(fixed) });
    expect(unplaced.diagnostics).toMatchObject([{ summary: "host is not set on a vnet of primary, which is not a mobile domain of stack prod-pair", attribute: { steps: [{ attribute_name: "host" }] } }]);
    expect(unplaced.diagnostics[0]?.detail).toContain("Only a vnet of a mobile domain (ldg1, ldg2) leaves host out.");
    const imported = await provider().readResource({ type_name: "ldoms_vnet", current_state: encodeDynamicValue(vnet({ domain: "primary", name: "vnet9", id: "primary/vnet9", vswitch: null })) });
    expect(imported.diagnostics[0]?.summary).toBe(
      'vnet "vnet9" of primary has no host, and primary is not a mobile domain: import it as HOST/primary/vnet9 (DOMAIN/VNET is for a mobile domain\'s vnet), e.g. terraform import ADDRESS t7-a/primary/vnet9',
    );
  });

  it("a VF of a mobile domain on a host outside its group is refused naming the group's hosts", () => {
    const group = groupExamplePlan().groups![0]!;
    expect(outsideGroupProblem(group, "ldg1", "t7-b")).toBeUndefined();
    expect(outsideGroupProblem(group, "ldg1", "t7-c")).toBe(
      'ldg1 is a mobile domain of group pair (t7-a, t7-b), and t7-c is not a host of that group: a VF of ldg1 is declared on the hosts of its group (one ldoms_vf per host, each with domain = "ldg1"); set host to one of t7-a, t7-b, or domain to a domain of t7-c',
    );
  });

  it("after ldoms migrate ldg1 --to t7-b: the VFs and the vnet read with no diff, the vnet on t7-b; a pvid change of the VF kept ready on t7-a is applied there, unassigned", async () => {
    const moved = await cli.migrate("ldg1", "t7-b");
    expect(moved.code, moved.stdout + moved.stderr).toBe(0);
    const p = provider();
    const read = await refresh(p, { vfs: [vf("t7-a", { pvid: 100 }), vf("t7-b", { pvid: 100 })], vnet: vnet({ host: "t7-a", pvid: 100, vid: [], mtu: 1500 }) });
    expect(read.vfs.map((v) => [v["host"], v["domain"]])).toEqual([["t7-a", "ldg1"], ["t7-b", "ldg1"]]);
    expect(read.vnet).toMatchObject({ host: "t7-b", id: "ldg1/vnet0" });
    for (const s of read.vfs) await unchanged(p, "ldoms_vf", s, vf(s["host"] as string, { pvid: 100, id: null }));
    await unchanged(p, "ldoms_vnet", read.vnet, vnet({ pvid: 100, id: null }));

    // A vnet change planned while ldg1 ran on t7-a, applied now it runs on t7-b: nothing is changed, and apply again is the fix.
    const stale = { ...read.vnet, host: "t7-a", pvid: 300 };
    const mutations = lab.lab.mutatingCount();
    const staleApply = await p.applyResourceChange({ type_name: "ldoms_vnet", prior_state: encodeDynamicValue({ ...read.vnet, host: "t7-a" }), planned_state: encodeDynamicValue(stale), config: encodeDynamicValue(vnet({ pvid: 300, id: null })) });
    expect(staleApply.diagnostics[0]?.summary).toBe('ldg1 runs on t7-b now, not on t7-a as planned (it moved since the plan, e.g. by an ldoms_placement of this run): vnet "vnet0" was not changed; run terraform apply again');
    expect(lab.lab.mutatingCount()).toBe(mutations);

    const prior = read.vfs[0]!;
    const config = { ...prior, pvid: 101 };
    const plan = await p.planResourceChange({ type_name: "ldoms_vf", prior_state: encodeDynamicValue(prior), proposed_new_state: encodeDynamicValue(config), config: encodeDynamicValue(config) });
    expect(plan.diagnostics).toEqual([]);
    const applied = await p.applyResourceChange({ type_name: "ldoms_vf", prior_state: encodeDynamicValue(prior), planned_state: plan.planned_state, config: encodeDynamicValue(config) });
    expect(applied.diagnostics).toEqual([]);
    expect(decodeDynamicValue(applied.new_state)).toMatchObject({ host: "t7-a", domain: "ldg1", pvid: 101 });
    const record = (await lab.lab.runLdm("t7-a", ["list-io", "-l", "-p"])).stdout.split(/\n(?=\|dev=)/).find((r) => r.includes("|name=ldg1-app")) ?? "";
    expect(record).toContain("|domain=|");
    expect(record).toContain("|pvid=101");
  });

  it("ldg1 found on both hosts: the vnet's read and the VF's plan name both hosts and states", async () => {
    expect((await lab.lab.runLdm("t7-a", ["add-domain", "ldg1"])).exitCode).toBe(0);
    try {
      const p = provider();
      const read = await p.readResource({ type_name: "ldoms_vnet", current_state: encodeDynamicValue(vnet({ host: "t7-b" })) });
      const text = "domain ldg1 of group pair is on t7-a (inactive) and t7-b (active); a domain runs on one host of its group";
      expect(read.diagnostics).toMatchObject([{ summary: expect.stringContaining(text), attribute: { steps: [{ attribute_name: "domain" }] } }]);
      const config = vf("t7-b", { pvid: 102 });
      const plan = await p.planResourceChange({ type_name: "ldoms_vf", prior_state: encodeDynamicValue(vf("t7-b", { pvid: 100 })), proposed_new_state: encodeDynamicValue(config), config: encodeDynamicValue(config) });
      expect(plan.diagnostics[0]?.detail).toContain(text);
    } finally {
      expect((await lab.lab.runLdm("t7-a", ["remove-domain", "ldg1"])).exitCode).toBe(0);
    }
  });
});
