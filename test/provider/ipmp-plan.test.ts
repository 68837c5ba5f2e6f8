/**
 * The parts of resource `ldoms_ipmp` that need no host: schema, the configuration checked
 * against the plan document (each problem naming the value and the fix), the planned state and
 * what replaces, the group as a guest's read shows it, the no-access warning, import ids,
 * configuration checks and state upgrade.
 */
import { describe, expect, it } from "vitest";
import type { ObservedDomain, ObservedVf } from "../../src/engine";
import type { GuestObservation } from "../../src/engine/migration";
import { UNKNOWN, type TerraformValue } from "../../src/provider/dynamic-value";
import { HostQueue } from "../../src/provider/host-queue";
import { HostReads } from "../../src/provider/host-reads";
import { declaredDomain, documentProblems, groupAsRead, noAccessWarning, planIpmpChange } from "../../src/provider/ipmp-plan";
import { IpmpResources } from "../../src/provider/ipmp-resource";
import { IPMP_RESOURCE } from "../../src/provider/ipmp-schema";
import { ipmpValues, parseIpmpImportId, validateIpmpConfig, type IpmpValues, type KnownIpmp } from "../../src/provider/ipmp-values";
import { RESOURCES, schemaMessage } from "../../src/provider/schema";
import { examplePlan } from "../../test-kit/example-plan";
import { groupExamplePlan } from "../mobility/support";

const values = (v: Partial<Record<keyof IpmpValues, TerraformValue>> = {}): IpmpValues =>
  ipmpValues({ domain: "ldg1", name: "ipmp0", active_vf: "ldg1-app", standby_vnet: "vnet0", host: null, verified: null, id: null, ...v });
const SOURCE = "/stack/ldoms.plan.json";
const oneLine = (d: { summary: string; detail: string }) => `${d.summary}\n${d.detail}`;

describe("ldoms_ipmp schema", () => {
  it("domain, name, active_vf and standby_vnet required; host, verified and id computed; destroy documented as only forgetting", () => {
    const message = schemaMessage(RESOURCES[IPMP_RESOURCE]!);
    const flags = Object.fromEntries(message.block.attributes.map((a) => [a.name, [a.required && "required", a.optional && "optional", a.computed && "computed", JSON.parse(a.type.toString())].filter(Boolean)]));
    expect(flags).toEqual({
      domain: ["required", "string"],
      name: ["required", "string"],
      active_vf: ["required", "string"],
      standby_vnet: ["required", "string"],
      host: ["computed", "string"],
      verified: ["computed", "bool"],
      id: ["computed", "string"],
    });
    expect(message.block.description).toContain("Destroying it only stops managing the group: nothing is removed in the guest.");
  });
});

describe("ldoms_ipmp against the plan document", () => {
  it("the example's group as declared has no problem; unknown values pass", () => {
    expect(documentProblems(examplePlan(), SOURCE, values())).toEqual([]);
    expect(documentProblems(examplePlan(), SOURCE, values({ domain: UNKNOWN, active_vf: "nope" }))).toEqual([]);
    expect(documentProblems(examplePlan(), SOURCE, values({ active_vf: UNKNOWN, standby_vnet: UNKNOWN }))).toEqual([]);
  });

  it("a domain the document does not declare names the domains there are and how to declare it", () => {
    const [problem, ...rest] = documentProblems(examplePlan(), SOURCE, values({ domain: "ldg9" }));
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ severity: "ERROR", attribute: { steps: [{ attribute_name: "domain" }] } });
    expect(oneLine(problem!)).toContain(`domain ldg9 is not declared in the plan document ${SOURCE} (domains: ldg1)`);
    expect(oneLine(problem!)).toContain("Set domain to one of them, or declare ldg9 (a GuestDomain, or a mobile domain of a MigrationGroup) with its EthernetVf, Vnet and IpmpGroup, then run ldoms synth");
  });

  it("a VF or vnet that is not the domain's is refused on its attribute, naming the domain's own", () => {
    const problems = documentProblems(examplePlan(), SOURCE, values({ name: "ipmp1", active_vf: "ldg2-app", standby_vnet: "vnet7" }));
    expect(problems.map((p) => p.attribute?.steps[0]?.attribute_name)).toEqual(["active_vf", "standby_vnet"]);
    expect(oneLine(problems[0]!)).toContain('active_vf "ldg2-app" is not a VF of domain ldg1 in the plan document (its VFs: ldg1-app)');
    expect(oneLine(problems[0]!)).toContain('declare EthernetVf "ldg2-app" on ldg1');
    expect(oneLine(problems[1]!)).toContain('standby_vnet "vnet7" is not a vnet of domain ldg1 in the plan document (its vnets: vnet0)');
  });

  it("a pairing that differs from the group of that name the document declares is refused with the declared value", () => {
    const plan = examplePlan();
    const host = plan.hosts[0]!;
    const ldg1 = host.desired.domains[0]!;
    const twoVnets = { ...plan, hosts: [{ ...host, desired: { ...host.desired, domains: [{ ...ldg1, vnets: [...ldg1.vnets, { ...ldg1.vnets[0]!, ifName: "vnet1" }] }] } }, ...plan.hosts.slice(1)] };
    const [problem, ...rest] = documentProblems(twoVnets, SOURCE, values({ standby_vnet: "vnet1" }));
    expect(rest).toEqual([]);
    expect(problem?.attribute?.steps[0]?.attribute_name).toBe("standby_vnet");
    expect(oneLine(problem!)).toContain('standby_vnet "vnet1" differs from the plan document\'s IpmpGroup ipmp0 of ldg1 pairs VF "ldg1-app" (active) with vnet vnet0 (standby)');
    expect(oneLine(problem!)).toContain('Set standby_vnet = "vnet0", or change the IpmpGroup');
    // Another name: a group the document does not declare, with the domain's own VF and vnet.
    expect(documentProblems(twoVnets, SOURCE, values({ name: "ipmp1", standby_vnet: "vnet1" }))).toEqual([]);
  });

  it("a non-mobile domain is declared by its one host; a mobile domain by every host of its group, with the group", () => {
    expect(declaredDomain(examplePlan(), "ldg1")).toMatchObject({ hosts: ["t7-a"] });
    expect(declaredDomain(examplePlan(), "ldg1")?.group).toBeUndefined();
    const mobile = declaredDomain(groupExamplePlan(), "ldg1");
    expect(mobile?.hosts).toEqual(["t7-a", "t7-b"]);
    expect(mobile?.group?.hosts.map((h) => h.id)).toEqual(["t7-a", "t7-b"]);
    expect(declaredDomain(examplePlan(), "ldg9")).toBeUndefined();
  });
});

describe("ldoms_ipmp planned state", () => {
  it("a new group: host and verified as found, id domain/name, nothing replaced", () => {
    expect(planIpmpChange(null, values(), "t7-a", true)).toEqual({ planned: { ...values(), host: "t7-a", verified: true, id: "ldg1/ipmp0" }, requiresReplace: [] });
    expect(planIpmpChange(null, values({ name: UNKNOWN }), "t7-a", false).planned).toMatchObject({ id: UNKNOWN, verified: false });
  });

  it("active_vf and standby_vnet update in place; domain and name replace; a destroy only forgets", () => {
    const prior = { ...values(), host: "t7-a", verified: true, id: "ldg1/ipmp0" };
    expect(planIpmpChange(prior, values({ active_vf: "ldg1-app2", standby_vnet: "vnet1" }), "t7-a", true).requiresReplace).toEqual([]);
    expect(planIpmpChange(prior, values({ name: "ipmp1" }), "t7-a", true)).toMatchObject({ requiresReplace: ["name"], planned: { id: "ldg1/ipmp1" } });
    expect(planIpmpChange(prior, values({ domain: "ldg2", name: UNKNOWN }), "t7-a", true).requiresReplace).toEqual(["domain", "name"]);
    expect(planIpmpChange(prior, null, "t7-a", true)).toEqual({ planned: null, requiresReplace: [] });
  });

  it("a mobile domain found on another host is no change of the plan: host follows it; a change leaves host known after apply", () => {
    const prior = { ...values(), host: "t7-b", verified: true, id: "ldg1/ipmp0" };
    const plan = planIpmpChange(prior, { ...values(), host: "t7-b", verified: true, id: "ldg1/ipmp0" }, "t7-b", true, true);
    expect(plan).toEqual({ planned: prior, requiresReplace: [] });
    expect(planIpmpChange(prior, { ...prior, active_vf: "ldg1-app2" }, "t7-b", true, true).planned).toMatchObject({ host: UNKNOWN, active_vf: "ldg1-app2" });
    expect(planIpmpChange(null, values(), "t7-b", true, true).planned).toMatchObject({ host: UNKNOWN });
  });

  it("a domain with a SriovMigration may run on its target: both hosts are where it may run", () => {
    expect(declaredDomain(examplePlan(), "ldg1")?.runsOn).toEqual(["t7-a", "t7-b"]);
  });

  it("without guest access: a warning (not an error) naming how to give access, as the CLI's unverified rule 3", () => {
    const warning = noAccessWarning("ldg1", "ipmp0");
    expect(warning.severity).toBe("WARNING");
    expect(warning.summary).toBe("IPMP group ipmp0 of ldg1 is not verified: ldoms has no access to guest ldg1");
    expect(warning.detail).toContain("verified = false, the state follows the configuration, and apply configures nothing in the guest");
    expect(warning.detail).toContain("Fix: give the GuestDomain access (or an inventory entry guest/ldg1); or run scripts/guest-ldg1.sh in the guest and check ipmpstat -i");
  });
});

describe("ldoms_ipmp group as the guest shows it", () => {
  const domain: ObservedDomain = { name: "ldg1", state: "active", vnets: [{ ifName: "vnet0", vswitch: "primary-vsw0", properties: { id: "0" } }] };
  const vfs: ObservedVf[] = [{ alias: "/SYS/MB/NET0/IOVNET.PF0.VF0", pf: "/SYS/MB/NET0/IOVNET.PF0", name: "ldg1-app", domain: "ldg1", properties: { "mac-addr": "00:14:4f:f8:00:01" } }];
  const links = [
    { link: "net0", device: "vnet0" },
    { link: "net1", device: "ixgbevf0", mac: "0:14:4f:f8:0:1" },
  ];
  const member = (name: string, standby: boolean) => ({ name, group: "ipmp0", active: !standby, standby, linkUp: true, ok: true });
  const guest = (over: string[], members: ReturnType<typeof member>[]): GuestObservation => ({
    links,
    interfaces: [{ name: "net0", class: "ip", over: [] }, { name: "net1", class: "ip", over: [] }, ...(over.length || members.length ? [{ name: "ipmp0", class: "ipmp", over }] : [])],
    members,
    groups: [],
  });
  const state = values() as KnownIpmp;

  it("configured (VF active, vnet standby): both as configured", () => {
    expect(groupAsRead(guest(["net0", "net1"], [member("net1", false), member("net0", true)]), domain, vfs, state)).toEqual({ present: true, active_vf: "ldg1-app", standby_vnet: "vnet0" });
  });

  it("no IPMP interface of that name: absent", () => {
    expect(groupAsRead(guest([], []), domain, vfs, state)).toEqual({ present: false });
  });

  it("a member out of the group, or in the wrong role, reads as null (the diff apply repairs)", () => {
    expect(groupAsRead(guest(["net1"], [member("net1", false)]), domain, vfs, state)).toEqual({ present: true, active_vf: "ldg1-app", standby_vnet: null });
    expect(groupAsRead(guest(["net0", "net1"], [member("net1", true), member("net0", false)]), domain, vfs, state)).toEqual({ present: true, active_vf: null, standby_vnet: null });
    // A vnet the domain does not have: no datalink can be told to be it.
    expect(groupAsRead(guest(["net0", "net1"], [member("net1", false), member("net0", true)]), domain, vfs, { ...state, standby_vnet: "vnet5" })).toEqual({ present: true, active_vf: null, standby_vnet: null });
  });
});

describe("ldoms_ipmp configuration, import and upgrade", () => {
  it("names are checked on their attribute; unknown passes", () => {
    expect(validateIpmpConfig(values())).toEqual([]);
    expect(validateIpmpConfig(values({ name: UNKNOWN }))).toEqual([]);
    const problems = validateIpmpConfig(values({ name: "", active_vf: "a b" }));
    expect(problems.map((p) => [p.attribute?.steps[0]?.attribute_name, p.summary])).toEqual([
      ["name", "name is empty: give the IPMP group's name (its IPMP interface in the guest), e.g. ipmp0"],
      ["active_vf", 'active_vf "a b" is not a valid name: letters, digits and _ + . : - (not first), at most 64 characters'],
    ]);
  });

  it("import ids are DOMAIN/NAME; anything else names the form", () => {
    expect(parseIpmpImportId("ldg1/ipmp0")).toEqual({ domain: "ldg1", name: "ipmp0" });
    expect(() => parseIpmpImportId("t7-a/ldg1/ipmp0")).toThrow('import id "t7-a/ldg1/ipmp0" is not DOMAIN/NAME: give the guest domain and the IPMP group\'s name, e.g. ldg1/ipmp0');
    const resources = new IpmpResources(() => Promise.reject(new Error("no connection")), new HostReads(() => Promise.reject(new Error("no connection"))), new HostQueue());
    expect(resources.importState("ldg1/ipmp0")).toEqual({
      state: { domain: "ldg1", name: "ipmp0", active_vf: null, standby_vnet: null, host: null, verified: null, id: "ldg1/ipmp0" },
      diagnostics: [],
    });
    expect(resources.importState("ldg1")).toMatchObject({ diagnostics: [{ severity: "ERROR" }] });
  });

  it("state of schema version 0 upgrades as stored; a newer version is refused", () => {
    const resources = new IpmpResources(() => Promise.reject(new Error("no connection")), new HostReads(() => Promise.reject(new Error("no connection"))), new HostQueue());
    const stored = { domain: "ldg1", name: "ipmp0", active_vf: "ldg1-app", standby_vnet: "vnet0", host: "t7-a", verified: false, id: "ldg1/ipmp0" };
    expect(resources.upgrade(0, Buffer.from(JSON.stringify(stored)))).toEqual({ state: stored, diagnostics: [] });
    expect(resources.upgrade(1, Buffer.from("{}")).diagnostics[0]?.summary).toContain("ldoms_ipmp state of schema version 1 is newer than this provider");
  });
});
