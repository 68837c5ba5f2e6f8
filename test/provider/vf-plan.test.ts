/**
 * The parts of resource `ldoms_vf` that need no host: schema, values, plan diff, import ids,
 * configuration checks, the one-VF desired state and its steps, state upgrade.
 */
import { describe, expect, it } from "vitest";
import { UNKNOWN, decodeDynamicValue, type TerraformValue } from "../../src/provider/dynamic-value";
import { RESOURCES, schemaMessage, VF_RESOURCE } from "../../src/provider/schema";
import { destroyRefusal, planVfChange } from "../../src/provider/vf-plan";
import { oneVfDesiredState, parseImportId, validateVfConfig, vfObject, vfStateFromObserved, vfValues, type VfValues } from "../../src/provider/vf-values";
import { oneVfHostPlan, VfResources } from "../../src/provider/vf-resource";
import { HostReads } from "../../src/provider/host-reads";
import { examplePlan } from "../../test-kit/example-plan";

const PF = "/SYS/MB/NET2/IOVNET.PF0";
const values = (v: Partial<Record<keyof VfValues, TerraformValue>>): VfValues =>
  vfValues({ host: "t7-b", name: "spare", pf: PF, domain: null, pvid: null, vid: null, mtu: null, pseudonym: null, id: null, ...v });
const state = values({ pvid: 200, vid: [310], mtu: 1500, pseudonym: `${PF}.VF1`, id: "t7-b/spare" });

describe("ldoms_vf schema", () => {
  it("host, name and pf required; domain optional; pvid, vid, mtu, mac_addr, alt_mac_addrs optional and computed; pseudonym and id computed", () => {
    const message = schemaMessage(RESOURCES[VF_RESOURCE]!);
    const flags = Object.fromEntries(
      message.block.attributes.map((a) => [a.name, [a.required && "required", a.optional && "optional", a.computed && "computed", JSON.parse(a.type.toString())].filter(Boolean)]),
    );
    expect(flags).toEqual({
      host: ["required", "string"],
      name: ["required", "string"],
      pf: ["required", "string"],
      domain: ["optional", "string"],
      pvid: ["optional", "computed", "number"],
      vid: ["optional", "computed", ["list", "number"]],
      mtu: ["optional", "computed", "number"],
      mac_addr: ["optional", "computed", "string"],
      alt_mac_addrs: ["optional", "computed", ["list", "string"]],
      pseudonym: ["computed", "string"],
      id: ["computed", "string"],
    });
    expect(message.version).toBe(0);
  });
});

describe("ldoms_vf plan diff", () => {
  it("create: the configuration as planned, the pseudonym and unset properties known after apply, id host/name", () => {
    const plan = planVfChange(null, values({ pvid: 200 }));
    expect(plan.diagnostics).toEqual([]);
    expect(plan.requiresReplace).toEqual([]);
    expect(plan.planned).toMatchObject({ host: "t7-b", name: "spare", pf: PF, domain: null, pvid: 200, vid: UNKNOWN, mtu: UNKNOWN, pseudonym: UNKNOWN, id: "t7-b/spare" });
    expect(planVfChange(null, values({ name: UNKNOWN })).planned?.id).toBe(UNKNOWN);
  });

  it("update in place: the proposed values, pseudonym and id kept from the prior state", () => {
    const plan = planVfChange(state, { ...state, pvid: 300, pseudonym: null, id: null });
    expect(plan.diagnostics).toEqual([]);
    expect(plan.planned).toEqual({ ...state, pvid: 300 });
    expect(planVfChange(state, { ...state, domain: "ldg1" }).planned?.domain).toBe("ldg1");
  });

  it("host, name or pf changed (or unknown) replaces the VF: marked, and refused because the provider replaces no VF", () => {
    const plan = planVfChange(state, { ...state, pf: "/SYS/MB/NET0/IOVNET.PF0", name: UNKNOWN });
    expect(plan.requiresReplace).toEqual(["name", "pf"]);
    expect(plan.planned).toBeUndefined();
    expect(plan.diagnostics).toMatchObject([
      { severity: "ERROR", summary: 'changing name, pf of VF "spare" on t7-b replaces the VF, which the ldoms provider does not do', attribute: { steps: [{ attribute_name: "name" }] } },
    ]);
    expect(plan.diagnostics[0]?.detail).toContain(`name = "spare", pf = "${PF}"`);
  });

  it("a VF assigned to a domain is never unassigned or moved: refused with the ldm command to do it by hand", () => {
    const assigned = { ...state, domain: "ldg1" };
    const unassign = planVfChange(assigned, { ...assigned, domain: null });
    expect(unassign.diagnostics).toMatchObject([{ summary: expect.stringContaining("the ldoms provider assigns VFs but never removes one from a domain"), attribute: { steps: [{ attribute_name: "domain" }] } }]);
    expect(unassign.diagnostics[0]?.detail).toContain(`ldm remove-io ${PF}.VF1 ldg1`);
    expect(planVfChange(assigned, { ...assigned, domain: "ldg2" }).diagnostics[0]?.summary).toContain("assigns it to ldg2");
    // Unknown until apply: decided when the value is known.
    expect(planVfChange(assigned, { ...assigned, domain: UNKNOWN }).diagnostics).toEqual([]);
  });

  it("destroy is planned (the host decides whether it can run); a refusal names the host's problems and how to keep the VF", () => {
    expect(planVfChange({ ...state, domain: "ldg1" }, null)).toEqual({ destroy: true, requiresReplace: [], diagnostics: [] });
    expect(planVfChange(null, null)).toEqual({ destroy: false, requiresReplace: [], diagnostics: [] });
    const refused = destroyRefusal(state, ["step vf/spare/destroy (destroy VF \"spare\") cannot run: ldm destroys only the last VF created on a PF"]);
    expect(refused.summary).toBe('VF "spare" on t7-b cannot be destroyed as the host is now, so nothing will be changed');
    expect(refused.detail).toContain("- step vf/spare/destroy");
    expect(refused.detail).toContain("terraform state rm");
  });
});

describe("ldoms_vf values", () => {
  it("import ids are HOST/NAME", () => {
    expect(parseImportId("t7-a/ldg1-app")).toEqual({ host: "t7-a", name: "ldg1-app" });
    for (const bad of ["t7-a", "t7-a/", "/x", "a/b/c", "t7-a/bad name"]) {
      expect(() => parseImportId(bad)).toThrow(`import id ${JSON.stringify(bad)} is not HOST/NAME`);
    }
  });

  it("configuration checks: names, ranges, an empty vid list; unknown values pass", () => {
    expect(validateVfConfig(values({ pvid: 100, vid: [10, 20], mtu: 9000, domain: "ldg1" }))).toEqual([]);
    expect(validateVfConfig(values({ host: UNKNOWN, name: UNKNOWN, pvid: UNKNOWN, vid: UNKNOWN }))).toEqual([]);
    const problems = validateVfConfig(values({ name: "bad name", pvid: 0, vid: [5000, 10, 10], mtu: 1000, host: " " }));
    expect(problems.map((p) => [p.attribute?.steps[0]?.attribute_name, p.summary])).toEqual([
      ["host", "host is empty: give the id of a host of the plan document (a ControlDomain's id)"],
      ["name", 'name "bad name" is not a valid name: letters, digits and _ + . : - (not first), at most 64 characters'],
      ["pvid", "pvid 0 is out of range: 1-4094"],
      ["vid", "vid 5000 is out of range: 1-4094"],
      ["vid", "vid lists a VLAN id twice: 5000, 10, 10"],
      ["mtu", "mtu 1000 is out of range: 1500-9216"],
    ]);
    expect(validateVfConfig(values({ vid: [] }))[0]?.summary).toMatch(/^vid is empty: leave vid out/);
    const pfs = ["/SYS/MB/NET0/IOVNET.PF0.VF1", "/SYS/MB/FC0/IOVFC.PF0", "NET0"].map((pf) => validateVfConfig(values({ pf }))[0]?.summary);
    expect(pfs).toEqual([
      'pf "/SYS/MB/NET0/IOVNET.PF0.VF1" is a VF, not a PF: use the pseudonym of an Ethernet PF as `ldm list-io` prints it, e.g. /SYS/MB/NET0/IOVNET.PF0',
      'pf "/SYS/MB/FC0/IOVFC.PF0" is not an Ethernet (IOVNET) PF: use the pseudonym of an Ethernet PF as `ldm list-io` prints it, e.g. /SYS/MB/NET0/IOVNET.PF0',
      'pf "NET0" is not the pseudonym of an Ethernet PF (.../IOVNET.PF<n>): use the pseudonym of an Ethernet PF as `ldm list-io` prints it, e.g. /SYS/MB/NET0/IOVNET.PF0',
    ]);
  });

  it("state from a read: unset pvid is null, vid a list (in the prior order when it holds the same ids)", () => {
    const vf = { alias: `${PF}.VF1`, pf: PF, name: "spare", properties: { "mac-addr": "00:14:4f:f8:58:03", vid: "311,310", mtu: "1500" } };
    expect(vfStateFromObserved("t7-b", vf)).toEqual({
      host: "t7-b", name: "spare", pf: PF, domain: null, pvid: null, vid: [311, 310], mtu: 1500, mac_addr: "00:14:4f:f8:58:03", alt_mac_addrs: [], pseudonym: `${PF}.VF1`, id: "t7-b/spare",
    });
    expect(vfStateFromObserved("t7-b", vf, { vid: [310, 311] }).vid).toEqual([310, 311]);
    expect(vfStateFromObserved("t7-b", vf, { vid: [310] }).vid).toEqual([311, 310]);
  });

  it("state from a read: MACs as the host shows them, in the written spelling and order while they are the same addresses", () => {
    const vf = { alias: `${PF}.VF1`, pf: PF, name: "spare", properties: { "mac-addr": "00:14:4f:f8:58:03", "alt-mac-addrs": "00:14:4f:f8:58:04,00:14:4f:f8:58:05" } };
    const written = { mac_addr: "0:14:4F:F8:58:3", alt_mac_addrs: ["00:14:4F:F8:58:05", "00:14:4f:f8:58:04"] };
    expect(vfStateFromObserved("t7-b", vf, written)).toMatchObject(written);
    // Drift: another address shows as the host's.
    expect(vfStateFromObserved("t7-b", vf, { mac_addr: "00:14:4f:f8:58:99", alt_mac_addrs: ["00:14:4f:f8:58:04"] })).toMatchObject({
      mac_addr: "00:14:4f:f8:58:03",
      alt_mac_addrs: ["00:14:4f:f8:58:04", "00:14:4f:f8:58:05"],
    });
    expect(vfStateFromObserved("t7-b", { ...vf, properties: {} })).toMatchObject({ mac_addr: null, alt_mac_addrs: [] });
  });

  it("mac_addr and alt_mac_addrs are set like pvid (canonical, in ldm's order) and checked before any host is read", () => {
    const config = values({ mac_addr: "0:14:4F:f8:1c:a5", alt_mac_addrs: ["00:14:4f:f8:1c:a6", "00:14:4f:f8:1c:a7"] }) as VfValues & { host: string; name: string; pf: string };
    expect(oneVfDesiredState(config).unassignedVfs[0]?.properties).toEqual({ "mac-addr": "00:14:4f:f8:1c:a5", "alt-mac-addrs": "00:14:4f:f8:1c:a6,00:14:4f:f8:1c:a7" });
    const host = examplePlan().hosts.find((h) => h.id === "t7-b")!;
    expect(oneVfHostPlan(host, config).steps.map((s) => s.id)).toEqual(["vf/spare/create", "vf/spare/set/mac-addr", "vf/spare/set/alt-mac-addrs"]);
    const problems = (v: Partial<Record<keyof VfValues, TerraformValue>>) => validateVfConfig(values(v)).map((d) => [d.attribute?.steps[0]?.attribute_name, d.summary]);
    expect(problems({ mac_addr: "00:14:4f:f8:1c" })).toEqual([["mac_addr", 'mac_addr "00:14:4f:f8:1c" is not a MAC address: write six colon-separated hex octets, e.g. 00:14:4f:f8:1c:a5, or leave mac_addr out (not managed)']]);
    expect(problems({ alt_mac_addrs: ["auto", "00:14:4f:f8:1c:a6", "0:14:4f:f8:1c:a6"] })).toEqual([
      ["alt_mac_addrs", 'alt_mac_addrs entry "auto" is ldm\'s automatic choice, which the provider cannot compare with what the host shows: write six colon-separated hex octets, e.g. 00:14:4f:f8:1c:a5 (ldm list-io -l shows the ones a VF has)'],
      ["alt_mac_addrs", "alt_mac_addrs lists a MAC address twice: auto, 00:14:4f:f8:1c:a6, 0:14:4f:f8:1c:a6"],
    ]);
    expect(problems({ alt_mac_addrs: [] })[0]?.[1]).toMatch(/^alt_mac_addrs is empty/);
    expect(problems({ mac_addr: UNKNOWN, alt_mac_addrs: UNKNOWN })).toEqual([]);
  });

  it("the one-VF desired state and its steps: created on the PF, set, assigned; unset properties not managed", () => {
    const assigned = values({ domain: "ldg1", pvid: 200, vid: [310, 311] }) as VfValues & { host: string; name: string; pf: string };
    expect(oneVfDesiredState(assigned)).toEqual({
      vswitches: [],
      domains: [{ name: "ldg1", vfs: [{ name: "spare", pf: PF, domain: "ldg1", properties: { pvid: "200", vid: "310,311" } }], vnets: [], ipmpGroups: [], otherVfs: [] }],
      unassignedVfs: [],
    });
    const host = examplePlan().hosts.find((h) => h.id === "t7-b")!;
    const plan = oneVfHostPlan(host, assigned);
    expect(plan.steps.map((s) => s.id)).toEqual(["vf/spare/create", "vf/spare/set/pvid", "vf/spare/set/vid", "vf/spare/assign"]);
    expect(plan.connection).toEqual(host.connection);
    expect(plan.guests).toEqual([]);
    const unassigned = oneVfDesiredState(values({}) as VfValues & { host: string; name: string; pf: string });
    expect(unassigned.unassignedVfs).toEqual([{ name: "spare", pf: PF, properties: {} }]);
    expect(unassigned.domains).toEqual([]);
  });

  it("state of schema version 0 is upgraded as it is, every attribute present; a newer version is refused", () => {
    const resources = new VfResources(() => { throw new Error("no host here"); }, new HostReads(() => { throw new Error("no host here"); }));
    const stored = { host: "t7-b", name: "spare", pf: PF, domain: null, pvid: 200, vid: [310], pseudonym: `${PF}.VF1`, id: "t7-b/spare" };
    const upgraded = resources.upgrade(0, Buffer.from(JSON.stringify(stored)));
    expect(upgraded.diagnostics).toEqual([]);
    expect(upgraded.state).toEqual({ ...stored, mtu: null, mac_addr: null, alt_mac_addrs: null });
    expect(vfObject(vfValues(upgraded.state ?? null))).toEqual(upgraded.state);
    expect(resources.upgrade(1, Buffer.from("{}")).diagnostics[0]?.summary).toMatch(/schema version 1 is newer than this provider/);
    expect(decodeDynamicValue(null)).toBeNull();
  });
});
