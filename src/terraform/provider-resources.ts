/**
 * The Terraform provider's resources for a plan document, as data: one `ldoms_vf` per VF per
 * host (a mobile domain's VF on every host of its group), one `ldoms_vnet` per vnet (a mobile
 * domain's once, with no host: it follows the domain), one `ldoms_ipmp` per IPMP group and one
 * `ldoms_placement` per mobile domain (no host: wherever it runs). Values are turned from the
 * plan document's `ldm` syntax (vid "100,200") into the provider's types (numbers, lists).
 *
 * No cdktf here: the stack makes Terraform resources of these (src/terraform/ldoms-stack.ts).
 */
import type { DesiredDomain, DesiredIpmpGroup, DesiredVf, DesiredVnet, PlanDocument } from "../model";

export type ProviderResourceType = "ldoms_vf" | "ldoms_vnet" | "ldoms_ipmp" | "ldoms_placement";
export type AttributeValue = string | number | readonly string[] | readonly number[];

export interface ProviderResourceSpec {
  readonly type: ProviderResourceType;
  /** Terraform resource name, made of the object's identity (see `terraformName`). */
  readonly name: string;
  /** The object in words, for messages: `VF "ldg1-app" on host t7-a`. */
  readonly what: string;
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  /** Resources Terraform must create or update first, in a stable order. */
  readonly dependsOn: readonly ProviderResourceSpec[];
}

export interface ProviderResources {
  /** In plan order: hosts by id, then domains by name, VFs, vnets, IPMP groups, placements. */
  readonly resources: readonly ProviderResourceSpec[];
  /** Per host id, the resources that change that host (a migration touching it waits for them). */
  readonly byHost: ReadonlyMap<string, readonly ProviderResourceSpec[]>;
  /** Declared objects the provider cannot express, one line each, with the fix. */
  readonly problems: readonly string[];
}

/** Why a name was shortened, for the message when two objects end up with one name. */
export const TERRAFORM_NAME_RULE = "Terraform names drop . + :, and _ joins the parts of an identity";

/**
 * A Terraform resource name from identity parts (host, domain, object): the characters Terraform
 * does not allow in a name are dropped (as cdktf does), `_` joins the parts, and a name starting
 * with a digit gets a leading `_` (Terraform names start with a letter or `_`). Two identities may
 * end up with one name: the stack refuses that, naming both.
 */
export function terraformName(...parts: readonly string[]): string {
  const name = parts.map((part) => part.replace(/[^A-Za-z0-9_-]/g, "")).join("_");
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

const number = (value: string): number => Number(value.trim());
const list = (value: string): string[] => value.split(",").map((item) => item.trim()).filter((item) => item !== "");

/** VF properties as ldoms_vf attributes: only those declared (unset: not managed). */
function vfAttributes(properties: DesiredVf["properties"]): Record<string, AttributeValue> {
  const attributes: Record<string, AttributeValue> = {};
  if (properties["mac-addr"] !== undefined) attributes["mac_addr"] = properties["mac-addr"];
  if (properties["alt-mac-addrs"] !== undefined) attributes["alt_mac_addrs"] = list(properties["alt-mac-addrs"]);
  if (properties.pvid !== undefined) attributes["pvid"] = number(properties.pvid);
  if (properties.vid !== undefined) attributes["vid"] = list(properties.vid).map(number);
  if (properties.mtu !== undefined) attributes["mtu"] = number(properties.mtu);
  return attributes;
}

/** Vnet properties ldoms_vnet has no attribute for. */
const VNET_PROPERTIES_WITHOUT_ATTRIBUTE = ["id", "linkprop"] as const;

function vnetAttributes(properties: DesiredVnet["properties"]): Record<string, AttributeValue> {
  const attributes: Record<string, AttributeValue> = {};
  if (properties.pvid !== undefined) attributes["pvid"] = number(properties.pvid);
  if (properties.vid !== undefined) attributes["vid"] = list(properties.vid).map(number);
  if (properties.mtu !== undefined) attributes["mtu"] = number(properties.mtu);
  return attributes;
}

interface MutableSpec extends ProviderResourceSpec {
  readonly dependsOn: ProviderResourceSpec[];
}

/** Collects the specs of a plan document, each object once, and what each depends on. */
class Collector {
  readonly resources: MutableSpec[] = [];
  readonly byHost = new Map<string, Set<ProviderResourceSpec>>();
  readonly problems: string[] = [];
  private readonly byKey = new Map<string, MutableSpec>();

  /** The spec of `key`, made by `make` the first time; counted among `host`'s resources. */
  once(host: string, key: string, make: () => Omit<MutableSpec, "dependsOn">): MutableSpec {
    let spec = this.byKey.get(key);
    if (!spec) {
      spec = { ...make(), dependsOn: [] };
      this.byKey.set(key, spec);
      this.resources.push(spec);
    }
    const ofHost = this.byHost.get(host) ?? new Set();
    this.byHost.set(host, ofHost.add(spec));
    return spec;
  }
}

function dependOn(spec: MutableSpec, needs: readonly ProviderResourceSpec[]): void {
  for (const need of needs) if (!spec.dependsOn.includes(need)) spec.dependsOn.push(need);
}

function addVf(c: Collector, host: string, vf: DesiredVf, where: string): MutableSpec | undefined {
  if (vf.pf === undefined) {
    c.problems.push(
      `VF "${vf.name}" (${where}) is adopted by its pseudonym (vf: ${JSON.stringify(vf.vf)}), which ldoms_vf cannot express: it creates a VF on a PF, or takes over one already named so on that PF; ` +
        `once the VF carries its name (ldoms apply with terraform: "local-exec" names it), declare it with pf: the PF it is on instead of vf, or synthesize this stack with terraform: "local-exec"`,
    );
    return undefined;
  }
  const pf = vf.pf;
  return c.once(host, `vf/${host}/${vf.name}`, () => ({
    type: "ldoms_vf",
    name: terraformName(host, vf.name),
    what: `VF "${vf.name}" on host ${host}`,
    attributes: { host, name: vf.name, pf, ...(vf.domain !== undefined ? { domain: vf.domain } : {}), ...vfAttributes(vf.properties) },
  }));
}

function addVnet(c: Collector, host: string, domain: DesiredDomain, vnet: DesiredVnet, where: string): MutableSpec | undefined {
  const unexpressed = VNET_PROPERTIES_WITHOUT_ATTRIBUTE.filter((property) => vnet.properties[property] !== undefined);
  if (unexpressed.length) {
    c.problems.push(
      `vnet "${vnet.ifName}" of ${where} sets ${unexpressed.join(" and ")}, which ldoms_vnet does not manage (it sets vswitch, pvid, vid and mtu); ` +
        `remove ${unexpressed.join(" and ")} from the Vnet, or synthesize this stack with terraform: "local-exec"`,
    );
    return undefined;
  }
  const identity = domain.mobile ? [domain.name, vnet.ifName] : [host, domain.name, vnet.ifName];
  return c.once(host, `vnet/${identity.join("/")}`, () => ({
    type: "ldoms_vnet",
    name: terraformName(...identity),
    what: `vnet "${vnet.ifName}" of ${where}`,
    // A mobile domain's vnet has no host: it follows the domain.
    attributes: { ...(domain.mobile ? {} : { host }), domain: domain.name, name: vnet.ifName, vswitch: vnet.vswitch, ...vnetAttributes(vnet.properties) },
  }));
}

function addIpmp(c: Collector, host: string, domain: DesiredDomain, group: DesiredIpmpGroup, where: string): MutableSpec {
  const key = domain.mobile ? `ipmp/${domain.name}/${group.name}` : `ipmp/${host}/${domain.name}/${group.name}`;
  return c.once(host, key, () => ({
    type: "ldoms_ipmp",
    name: terraformName(domain.name, group.name),
    what: `IPMP group "${group.name}" of ${where}`,
    attributes: { domain: domain.name, name: group.name, active_vf: group.activeVf, standby_vnet: group.standbyVnet },
  }));
}

/** One domain of one host: its VFs, vnets and IPMP groups, and its placement when it is mobile. */
function addDomain(c: Collector, host: string, domain: DesiredDomain): void {
  const where = domain.mobile ? `mobile domain ${domain.name}` : `domain ${domain.name} on host ${host}`;
  const vfs = new Map(domain.vfs.map((vf) => [vf.name, addVf(c, host, vf, where)]));
  const vnets = new Map(domain.vnets.map((vnet) => [vnet.ifName, addVnet(c, host, domain, vnet, where)]));
  const groups = domain.ipmpGroups.map((group) => {
    const ipmp = addIpmp(c, host, domain, group, where);
    // The guest pairs devices that must exist: the VF here (on every host, for a mobile domain) and the vnet.
    dependOn(ipmp, [vfs.get(group.activeVf), vnets.get(group.standbyVnet)].filter((s): s is MutableSpec => s !== undefined));
    return ipmp;
  });
  if (!domain.mobile) return;
  const placement = c.once(host, `placement/${domain.name}`, () => ({
    type: "ldoms_placement",
    name: terraformName(domain.name),
    what: `placement of mobile domain ${domain.name}`,
    attributes: { domain: domain.name },
  }));
  // A move needs the domain's devices ready on every host and its IPMP group in place.
  dependOn(placement, [...vfs.values(), ...vnets.values(), ...groups].filter((s): s is MutableSpec => s !== undefined));
}

export function providerResources(plan: PlanDocument): ProviderResources {
  const c = new Collector();
  for (const host of plan.hosts) {
    for (const domain of host.desired.domains) addDomain(c, host.id, domain);
    for (const vf of host.desired.unassignedVfs) addVf(c, host.id, vf, `unassigned on host ${host.id}`);
  }
  return {
    resources: c.resources,
    byHost: new Map([...c.byHost].map(([host, specs]) => [host, [...specs]])),
    // A mobile domain's objects are met once per host of its group: each problem is said once.
    problems: [...new Set(c.problems)],
  };
}
