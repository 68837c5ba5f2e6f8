/**
 * The ordered, guarded `ldm` steps for one host, built from its desired state. Every step is
 * idempotent by construction: its guard says when it is still needed, its postcondition what a
 * re-read must show afterwards, and a VF that does not exist yet is addressed symbolically by
 * its user-assigned name.
 */
import type {
  Condition, DesiredDomain, DesiredHostState, DesiredVf, DesiredVnet, Disruption, Operand, Step, VfProperty, VnetProperty,
} from "../model";

/** Order in which VF properties appear on command lines. */
export const VF_PROPERTY_ORDER: readonly VfProperty[] = ["mac-addr", "alt-mac-addrs", "pvid", "vid", "mtu"];
/** Order in which vnet properties appear on command lines. */
export const VNET_PROPERTY_ORDER: readonly VnetProperty[] = ["pvid", "vid", "mtu", "id", "linkprop"];

/** VF properties `ldm` changes only while the owning domain is inactive or bound (ref §3.9). */
const VF_PROPERTIES_NEEDING_STOP: ReadonlySet<VfProperty> = new Set<VfProperty>(["mac-addr", "alt-mac-addrs", "mtu"]);
/** A vnet's device id is fixed while the domain runs. */
const VNET_PROPERTIES_NEEDING_STOP: ReadonlySet<VnetProperty> = new Set<VnetProperty>(["id"]);

const not = (condition: Condition): Condition => ({ kind: "not", condition });
const all = (conditions: Condition[]): Condition => (conditions.length === 1 ? conditions[0] as Condition : { kind: "all", conditions });

function vfPropertyEntries(vf: DesiredVf): [VfProperty, string][] {
  return VF_PROPERTY_ORDER.flatMap((p): [VfProperty, string][] => (vf.properties[p] !== undefined ? [[p, vf.properties[p] as string]] : []));
}

function vnetPropertyEntries(vnet: DesiredVnet): [VnetProperty, string][] {
  return VNET_PROPERTY_ORDER.flatMap((p): [VnetProperty, string][] => (vnet.properties[p] !== undefined ? [[p, vnet.properties[p] as string]] : []));
}

/** Properties whose observed value can be compared with the declared one (an `auto` MAC cannot). */
function comparable(property: VfProperty, value: string): boolean {
  return !(property === "alt-mac-addrs" && value.split(",").includes("auto"));
}

function describeProps(entries: [string, string][]): string {
  return entries.length ? ` (${entries.map(([k, v]) => `${k}=${v}`).join(" ")})` : "";
}

function vfSteps(vf: DesiredVf): Step[] {
  const steps: Step[] = [];
  const name = vf.name;
  const ref: Operand = { ref: "vf-pseudonym", name };
  const props = vfPropertyEntries(vf);
  const propertyConditions = props
    .filter(([p, v]) => comparable(p, v))
    .map(([property, value]): Condition => ({ kind: "vf-property", name, property, value }));
  if (vf.pf !== undefined) {
    steps.push({
      id: `vf/${name}/create`,
      kind: "create-vf",
      summary: `create VF "${name}" on ${vf.pf}${describeProps(props)}`,
      guard: not({ kind: "vf-exists", name }),
      argv: ["create-vf", `name=${name}`, ...props.map(([k, v]) => `${k}=${v}`), vf.pf],
      postcondition: all([{ kind: "vf-exists", name }, ...propertyConditions]),
    });
  } else if (vf.vf !== undefined) {
    const named: Condition = { kind: "vf-pseudonym-named", vf: vf.vf, name };
    steps.push({
      id: `vf/${name}/name`,
      kind: "name-vf",
      summary: `name VF ${vf.vf} "${name}"`,
      guard: not(named),
      argv: ["set-io", `name=${name}`, vf.vf],
      postcondition: named,
    });
  }
  for (const [property, value] of props) {
    if (!comparable(property, value)) continue;
    const holds: Condition = { kind: "vf-property", name, property, value };
    const disruptive = vf.domain !== undefined && VF_PROPERTIES_NEEDING_STOP.has(property);
    steps.push({
      id: `vf/${name}/set/${property}`,
      kind: "set-vf",
      summary: `set ${property}=${value} on VF "${name}"`,
      guard: not(holds),
      argv: ["set-io", `${property}=${value}`, ref],
      postcondition: holds,
      ...(disruptive ? { disruption: "needs-domain-stopped" as Disruption, domain: vf.domain } : {}),
    });
  }
  if (vf.domain !== undefined) {
    const assigned: Condition = { kind: "vf-assigned", name, domain: vf.domain };
    steps.push({
      id: `vf/${name}/assign`,
      kind: "assign-vf",
      summary: `assign VF "${name}" to domain ${vf.domain}`,
      guard: not(assigned),
      argv: ["add-io", ref, vf.domain],
      postcondition: assigned,
    });
  }
  return steps;
}

function vnetSteps(domain: string, vnet: DesiredVnet): Step[] {
  const { ifName } = vnet;
  const prefix = `vnet/${domain}/${ifName}`;
  const props = vnetPropertyEntries(vnet);
  const onSwitch: Condition = { kind: "vnet-property", domain, ifName, property: "vswitch", value: vnet.vswitch };
  const propertyConditions = props.map(([property, value]): Condition => ({ kind: "vnet-property", domain, ifName, property, value }));
  const steps: Step[] = [{
    id: `${prefix}/add`,
    kind: "add-vnet",
    summary: `add vnet "${ifName}" on switch ${vnet.vswitch} to domain ${domain}${describeProps(props)}`,
    guard: not({ kind: "vnet-exists", domain, ifName }),
    argv: ["add-vnet", ...props.map(([k, v]) => `${k}=${v}`), ifName, vnet.vswitch, domain],
    postcondition: all([{ kind: "vnet-exists", domain, ifName }, onSwitch, ...propertyConditions]),
  }];
  steps.push({
    id: `${prefix}/set/vswitch`,
    kind: "set-vnet",
    summary: `move vnet "${ifName}" of domain ${domain} to switch ${vnet.vswitch}`,
    guard: not(onSwitch),
    argv: ["set-vnet", `vswitch=${vnet.vswitch}`, ifName, domain],
    postcondition: onSwitch,
  });
  props.forEach(([property, value], i) => {
    const holds = propertyConditions[i] as Condition;
    steps.push({
      id: `${prefix}/set/${property}`,
      kind: "set-vnet",
      summary: `set ${property}=${value} on vnet "${ifName}" of domain ${domain}`,
      guard: not(holds),
      argv: ["set-vnet", `${property}=${value}`, ifName, domain],
      postcondition: holds,
      ...(VNET_PROPERTIES_NEEDING_STOP.has(property) ? { disruption: "needs-domain-stopped" as Disruption, domain } : {}),
    });
  });
  return steps;
}

function domainSteps(domain: DesiredDomain): Step[] {
  return [...domain.vfs.flatMap(vfSteps), ...domain.vnets.flatMap((vnet) => vnetSteps(domain.name, vnet))];
}

/**
 * Steps for one host, in the order they must run: per domain (sorted) its VFs (create or name,
 * then property drift, then assign) and vnets; then the unassigned VFs a migration needs here.
 */
export function hostSteps(desired: DesiredHostState): Step[] {
  return [...desired.domains.flatMap(domainSteps), ...desired.unassignedVfs.flatMap(vfSteps)];
}
