/**
 * The ordered, guarded `ldm` steps for one host, built from its desired state. Every step is
 * idempotent by construction: its guard says when it is still needed, its postcondition what a
 * re-read must show afterwards, and a VF that does not exist yet is addressed symbolically by
 * its user-assigned name.
 *
 * Object literals here list their keys in sorted order, the order the plan document is written
 * in, so serialization can take them as they are (a fleet has hundreds of thousands of steps).
 */
import type {
  Condition, DesiredDomain, DesiredHostState, DesiredVf, DesiredVnet, Disruption, Operand, Step, VfProperty, VnetProperty,
} from "../model";
import { VF_NAME_SETTABLE_WHILE_ACTIVE } from "../ldm/assumptions";

/** Order in which VF properties appear on command lines. */
export const VF_PROPERTY_ORDER: readonly VfProperty[] = ["mac-addr", "alt-mac-addrs", "pvid", "vid", "mtu"];
/** Order in which vnet properties appear on command lines. */
export const VNET_PROPERTY_ORDER: readonly VnetProperty[] = ["pvid", "vid", "mtu", "id", "linkprop"];

/** VF properties `ldm` changes only while the owning domain is inactive or bound (ref §3.9). */
const VF_PROPERTIES_NEEDING_STOP: ReadonlySet<VfProperty> = new Set<VfProperty>(["mac-addr", "alt-mac-addrs", "mtu"]);
/** A vnet's device id is fixed while the domain runs. */
const VNET_PROPERTIES_NEEDING_STOP: ReadonlySet<VnetProperty> = new Set<VnetProperty>(["id"]);
const NEEDS_DOMAIN_STOPPED: Disruption = "needs-domain-stopped";

const not = (condition: Condition): Condition => ({ condition, kind: "not" });
const all = (conditions: Condition[]): Condition => (conditions.length === 1 ? conditions[0] as Condition : { conditions, kind: "all" });
const vfExists = (name: string): Condition => ({ kind: "vf-exists", name });
const vfProperty = (name: string, property: VfProperty, value: string): Condition => ({ kind: "vf-property", name, property, value });
const vnetProperty = (domain: string, ifName: string, property: VnetProperty | "vswitch", value: string): Condition =>
  ({ domain, ifName, kind: "vnet-property", property, value });

interface StepFields {
  readonly argv: readonly Operand[];
  readonly disruption?: Disruption;
  readonly domain?: string;
  readonly guard: Condition;
  readonly id: string;
  readonly kind: Step["kind"];
  readonly postcondition: Condition;
  readonly summary: string;
}

/** A step with its keys in sorted order; the disruption fields only when there is one. */
function step(fields: StepFields): Step {
  const { argv, disruption, domain, guard, id, kind, postcondition, summary } = fields;
  return disruption !== undefined && domain !== undefined
    ? { argv, disruption, domain, guard, id, kind, postcondition, summary }
    : { argv, guard, id, kind, postcondition, summary };
}

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
  const ref: Operand = { name, ref: "vf-pseudonym" };
  const props = vfPropertyEntries(vf);
  const propertyConditions = props
    .filter(([p, v]) => comparable(p, v))
    .map(([property, value]) => vfProperty(name, property, value));
  if (vf.pf !== undefined) {
    steps.push(step({
      argv: ["create-vf", `name=${name}`, ...props.map(([k, v]) => `${k}=${v}`), vf.pf],
      guard: not(vfExists(name)),
      id: `vf/${name}/create`,
      kind: "create-vf",
      postcondition: all([vfExists(name), ...propertyConditions]),
      summary: `create VF "${name}" on ${vf.pf}${describeProps(props)}`,
    }));
  } else if (vf.vf !== undefined) {
    const named: Condition = { kind: "vf-pseudonym-named", name, vf: vf.vf };
    steps.push(step({
      argv: ["set-io", `name=${name}`, vf.vf],
      ...(!VF_NAME_SETTABLE_WHILE_ACTIVE && vf.domain !== undefined ? { disruption: NEEDS_DOMAIN_STOPPED, domain: vf.domain } : {}),
      guard: not(named),
      id: `vf/${name}/name`,
      kind: "name-vf",
      postcondition: named,
      summary: `name VF ${vf.vf} "${name}"`,
    }));
  }
  for (const [property, value] of props) {
    if (!comparable(property, value)) continue;
    const holds = vfProperty(name, property, value);
    const disruptive = vf.domain !== undefined && VF_PROPERTIES_NEEDING_STOP.has(property);
    steps.push(step({
      argv: ["set-io", `${property}=${value}`, ref],
      ...(disruptive ? { disruption: NEEDS_DOMAIN_STOPPED, domain: vf.domain } : {}),
      guard: not(holds),
      id: `vf/${name}/set/${property}`,
      kind: "set-vf",
      postcondition: holds,
      summary: `set ${property}=${value} on VF "${name}"`,
    }));
  }
  if (vf.domain !== undefined) {
    const assigned: Condition = { domain: vf.domain, kind: "vf-assigned", name };
    steps.push(step({
      argv: ["add-io", ref, vf.domain],
      guard: not(assigned),
      id: `vf/${name}/assign`,
      kind: "assign-vf",
      postcondition: assigned,
      summary: `assign VF "${name}" to domain ${vf.domain}`,
    }));
  }
  return steps;
}

function vnetSteps(domain: string, vnet: DesiredVnet): Step[] {
  const { ifName } = vnet;
  const prefix = `vnet/${domain}/${ifName}`;
  const props = vnetPropertyEntries(vnet);
  const exists: Condition = { domain, ifName, kind: "vnet-exists" };
  const onSwitch = vnetProperty(domain, ifName, "vswitch", vnet.vswitch);
  const propertyConditions = props.map(([property, value]) => vnetProperty(domain, ifName, property, value));
  const steps: Step[] = [step({
    argv: ["add-vnet", ...props.map(([k, v]) => `${k}=${v}`), ifName, vnet.vswitch, domain],
    guard: not(exists),
    id: `${prefix}/add`,
    kind: "add-vnet",
    postcondition: all([exists, onSwitch, ...propertyConditions]),
    summary: `add vnet "${ifName}" on switch ${vnet.vswitch} to domain ${domain}${describeProps(props)}`,
  })];
  steps.push(step({
    argv: ["set-vnet", `vswitch=${vnet.vswitch}`, ifName, domain],
    guard: not(onSwitch),
    id: `${prefix}/set/vswitch`,
    kind: "set-vnet",
    postcondition: onSwitch,
    summary: `move vnet "${ifName}" of domain ${domain} to switch ${vnet.vswitch}`,
  }));
  props.forEach(([property, value], i) => {
    const holds = propertyConditions[i] as Condition;
    steps.push(step({
      argv: ["set-vnet", `${property}=${value}`, ifName, domain],
      ...(VNET_PROPERTIES_NEEDING_STOP.has(property) ? { disruption: NEEDS_DOMAIN_STOPPED, domain } : {}),
      guard: not(holds),
      id: `${prefix}/set/${property}`,
      kind: "set-vnet",
      postcondition: holds,
      summary: `set ${property}=${value} on vnet "${ifName}" of domain ${domain}`,
    }));
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
