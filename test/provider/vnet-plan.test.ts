/**
 * The parts of resource `ldoms_vnet` that need no host: schema, plan diff and refusals, import
 * ids, configuration checks, the state a read gives, the one-vnet host plan and its steps; state
 * upgrade and import of `ldoms_vnet` and `ldoms_placement`.
 */
import { describe, expect, it } from "vitest";
import { UNKNOWN, type TerraformValue } from "../../src/provider/dynamic-value";
import { RESOURCES, schemaMessage, VNET_RESOURCE } from "../../src/provider/schema";
import { hostRequiredRefusal, mobileHostRefusal, planVnetChange } from "../../src/provider/vnet-plan";
import { groupExamplePlan } from "../mobility/support";
import { oneVnetHostPlan, VnetResources } from "../../src/provider/vnet-resource";
import { HostQueue } from "../../src/provider/host-queue";
import { HostReads } from "../../src/provider/host-reads";
import { PlacementResources } from "../../src/provider/placement-resource";
import { parseVnetImportId, validateVnetConfig, vnetStateFromObserved, vnetValues, type KnownVnet, type VnetValues } from "../../src/provider/vnet-values";
import { examplePlan } from "../../test-kit/example-plan";

const values = (v: Partial<Record<keyof VnetValues, TerraformValue>>): VnetValues =>
  vnetValues({ host: "t7-a", domain: "ldg1", name: "vnet1", vswitch: "primary-vsw0", pvid: null, vid: null, mtu: null, id: null, ...v });
const state = values({ pvid: 200, vid: [310], mtu: 1500, id: "t7-a/ldg1/vnet1" });

describe("ldoms_vnet schema", () => {
  it("domain, name and vswitch required; host, pvid, vid, mtu optional and computed; id computed", () => {
    const message = schemaMessage(RESOURCES[VNET_RESOURCE]!);
    const flags = Object.fromEntries(
      message.block.attributes.map((a) => [a.name, [a.required && "required", a.optional && "optional", a.computed && "computed", JSON.parse(a.type.toString())].filter(Boolean)]),
    );
    expect(flags).toEqual({
      host: ["optional", "computed", "string"],
      domain: ["required", "string"],
      name: ["required", "string"],
      vswitch: ["required", "string"],
      pvid: ["optional", "computed", "number"],
      vid: ["optional", "computed", ["list", "number"]],
      mtu: ["optional", "computed", "number"],
      id: ["computed", "string"],
    });
  });
});

describe("ldoms_vnet plan diff", () => {
  it("a new vnet: unset properties and nothing else are known after apply; id is host/domain/name", () => {
    const plan = planVnetChange(null, values({ pvid: 200 }));
    expect(plan.diagnostics).toEqual([]);
    expect(plan.planned).toMatchObject({ pvid: 200, vid: UNKNOWN, mtu: UNKNOWN, id: "t7-a/ldg1/vnet1" });
  });

  it("a new switch is an in-place change (set-vnet), keeping the id", () => {
    const plan = planVnetChange(state, { ...state, vswitch: "backup-vsw1", id: null });
    expect(plan).toMatchObject({ requiresReplace: [], diagnostics: [], planned: { vswitch: "backup-vsw1", id: "t7-a/ldg1/vnet1" } });
  });

  it("a new host, domain or name replaces the vnet, which is refused naming the values to keep", () => {
    const plan = planVnetChange(state, { ...state, domain: "ldg2", name: UNKNOWN });
    expect(plan.requiresReplace).toEqual(["domain", "name"]);
    expect(plan.planned).toBeUndefined();
    expect(plan.diagnostics[0]?.summary).toBe('changing domain, name of vnet "vnet1" of domain ldg1 on t7-a replaces the vnet, and the ldoms provider does not remove vnets');
    expect(plan.diagnostics[0]?.detail).toContain('Keep them as domain = "ldg1", name = "vnet1"');
    expect(plan.diagnostics[0]?.attribute).toEqual({ steps: [{ attribute_name: "domain" }] });
  });

  it("a destroy is refused with the ldm command to remove it by hand and how to stop managing it", () => {
    const plan = planVnetChange(state, null);
    expect(plan.planned).toBeUndefined();
    expect(plan.diagnostics[0]?.summary).toBe('vnet "vnet1" of domain ldg1 on t7-a would be destroyed: the ldoms provider does not remove vnets');
    expect(plan.diagnostics[0]?.detail).toContain("ldm remove-vnet vnet1 ldg1 on t7-a, then terraform state rm");
    expect(plan.diagnostics[0]?.detail).toContain("lifecycle { destroy = false }");
  });
});

describe("ldoms_vnet of a mobile domain", () => {
  it("a host set on it is refused naming the group, its hosts and the fix; a fixed domain's vnet without host is refused with the host to set", () => {
    const group = groupExamplePlan().groups![0]!;
    const refusal = mobileHostRefusal(group, "ldg1", "t7-a");
    expect(refusal.summary).toBe('host = "t7-a" is set on a vnet of ldg1, a mobile domain of group pair (t7-a, t7-b)');
    expect(refusal.detail).toContain("Leave host out: the vnet follows ldg1 to the host it runs on");
    expect(refusal.detail).toContain("Choose where ldg1 runs with ldoms_placement.");
    expect(refusal.attribute).toEqual({ steps: [{ attribute_name: "host" }] });
    const required = hostRequiredRefusal(examplePlan(), "ldg1");
    expect(required.summary).toBe("host is not set on a vnet of ldg1, which is not a mobile domain of stack prod-move");
    expect(required.detail).toContain('Set host to the id of the control domain ldg1 is on, e.g. host = "t7-a"');
    expect(required.attribute).toEqual({ steps: [{ attribute_name: "host" }] });
  });

  it("its host is no identity: a new one's is known after apply, a move is neither a replacement nor a diff", () => {
    const prior = values({ host: "t7-a", pvid: 5, vid: [], mtu: 1500, id: "ldg1/vnet1" });
    const created = planVnetChange(null, values({ host: null }), true);
    expect(created.planned).toMatchObject({ host: UNKNOWN, id: "ldg1/vnet1" });
    const moved = planVnetChange(prior, { ...prior, host: "t7-b" }, true);
    expect(moved).toMatchObject({ requiresReplace: [], diagnostics: [] });
    expect(moved.planned).toEqual({ ...prior, host: "t7-a" });
    expect(planVnetChange(prior, { ...prior, pvid: 6 }, true).planned).toMatchObject({ host: "t7-a", pvid: 6, id: "ldg1/vnet1" });
    expect(planVnetChange(prior, { ...prior, host: "t7-b" }).requiresReplace).toEqual(["host"]);
  });
});

describe("ldoms_vnet values", () => {
  it("import ids are HOST/DOMAIN/VNET, or DOMAIN/VNET for a mobile domain's vnet", () => {
    expect(parseVnetImportId("t7-a/ldg1/vnet0")).toEqual({ host: "t7-a", domain: "ldg1", name: "vnet0" });
    expect(parseVnetImportId("ldg1/vnet0")).toEqual({ host: null, domain: "ldg1", name: "vnet0" });
    expect(() => parseVnetImportId("t7-a/x/ldg1/vnet0")).toThrow('import id "t7-a/x/ldg1/vnet0" is not HOST/DOMAIN/VNET (or DOMAIN/VNET for a mobile domain\'s vnet)');
    expect(() => parseVnetImportId("t7-a/ldg 1/vnet0")).toThrow("is not HOST/DOMAIN/VNET");
  });

  it("checks names, VLAN ranges, an empty or repeated vid and the vnet mtu range before any host is read", () => {
    const problems = validateVnetConfig(values({ vswitch: "", pvid: 0, vid: [5, 5], mtu: 20000 }));
    expect(problems.map((p) => p.summary)).toEqual([
      "vswitch is empty: give the name of a virtual switch of the host, e.g. primary-vsw0",
      "pvid 0 is out of range: 1-4094",
      "vid lists a VLAN id twice: 5, 5",
      "mtu 20000 is out of range: 1500-16000",
    ]);
    expect(validateVnetConfig(values({ vid: [] }))[0]?.summary).toContain("vid is empty");
    expect(validateVnetConfig(values({ host: UNKNOWN, vid: UNKNOWN }))).toEqual([]);
  });

  it("the state a read gives: switch, listed properties, vid in the configured order when it holds the same ids", () => {
    const observed = { ifName: "vnet1", vswitch: "primary-vsw0", properties: { pvid: "200", vid: "311,310", mtu: "1500" } };
    expect(vnetStateFromObserved("t7-a", "ldg1", observed, [310, 311])).toEqual({
      host: "t7-a", domain: "ldg1", name: "vnet1", vswitch: "primary-vsw0", pvid: 200, vid: [310, 311], mtu: 1500, id: "t7-a/ldg1/vnet1",
    });
    expect(vnetStateFromObserved("t7-a", "ldg1", { ...observed, properties: {} }, null)).toMatchObject({ pvid: null, vid: [], mtu: null });
  });

  it("the one-vnet host plan holds the synthesized add-vnet and set-vnet steps of just this vnet", () => {
    const host = examplePlan().hosts.find((h) => h.id === "t7-a")!;
    const plan = oneVnetHostPlan(host, values({ pvid: 200, vid: [310, 311] }) as KnownVnet);
    expect(plan.id).toBe("t7-a");
    expect(plan.guests).toEqual([]);
    expect(plan.steps.map((s) => s.id)).toEqual(["vnet/ldg1/vnet1/add", "vnet/ldg1/vnet1/set/vswitch", "vnet/ldg1/vnet1/set/pvid", "vnet/ldg1/vnet1/set/vid"]);
    expect(plan.steps.every((s) => s.disruption === undefined)).toBe(true);
  });
});

describe("ldoms_vnet and ldoms_placement state upgrade and import", () => {
  const noHost = () => {
    throw new Error("no host here");
  };
  const vnets = new VnetResources(noHost, new HostReads(noHost), new HostQueue());
  const placements = new PlacementResources(noHost, new HostReads(noHost), new HostQueue());

  it("schema version 0 passes the stored JSON through, every attribute present; a newer version is refused", () => {
    expect(vnets.upgrade(0, Buffer.from(JSON.stringify({ host: "t7-a", domain: "ldg1", name: "vnet1", vswitch: "primary-vsw0" }))).state).toEqual({
      host: "t7-a", domain: "ldg1", name: "vnet1", vswitch: "primary-vsw0", pvid: null, vid: null, mtu: null, id: null,
    });
    expect(placements.upgrade(0, Buffer.from(JSON.stringify({ domain: "ldg1", host: "t7-a" }))).state).toEqual({ domain: "ldg1", host: "t7-a", current_host: null, id: null });
    expect(vnets.upgrade(1, Buffer.from("{}")).diagnostics[0]?.summary).toMatch(/ldoms_vnet state of schema version 1 is newer/);
    expect(placements.upgrade(1, Buffer.from("{}")).diagnostics[0]?.summary).toMatch(/ldoms_placement state of schema version 1 is newer/);
  });

  it("import gives the identity and leaves the rest to the read that follows; a bad id is a diagnostic", () => {
    expect(vnets.importState("t7-a/ldg1/vnet0").state).toEqual({ host: "t7-a", domain: "ldg1", name: "vnet0", vswitch: null, pvid: null, vid: null, mtu: null, id: "t7-a/ldg1/vnet0" });
    expect(placements.importState("ldg1").state).toEqual({ domain: "ldg1", host: null, current_host: null, id: "ldg1" });
    expect(vnets.importState("vnet0").diagnostics[0]?.summary).toContain("is not HOST/DOMAIN/VNET");
    expect(placements.importState("a/b").diagnostics[0]?.summary).toContain("is not a domain name");
  });
});
