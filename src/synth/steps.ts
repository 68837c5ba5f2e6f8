/**
 * The ordered, guarded `ldm` steps for one host, built from its desired state. Every step is
 * idempotent by construction: its guard says when it is still needed, its postcondition what a
 * re-read must show afterwards, and a VF that does not exist yet is addressed symbolically by
 * its user-assigned name.
 *
 * Object literals here list their keys in sorted order, the order the plan document is written
 * in, so serialization can take them as they are (a fleet has hundreds of thousands of steps).
 * The `ldm` spelling (argv, property order, which properties need the domain stopped) is
 * src/ldm's.
 */
import type {
  Condition, DesiredDomain, DesiredHostState, DesiredVf, DesiredVnet, Disruption, Listing, Operand, Step, VfProperty, VnetProperty,
} from "../model";
import { VF_NAME_SETTABLE_WHILE_ACTIVE } from "../ldm/assumptions";
import { addIoArgv, addVnetArgv, createVfArgv, destroyVfArgv, nameVfArgv, setVfPropertyArgv, setVnetArgv } from "../ldm/argv";
import { isComparable, orderedVfProperties, orderedVnetProperties, VF_PROPERTIES, VNET_PROPERTIES } from "../ldm/properties";

const NEEDS_DOMAIN_STOPPED: Disruption = "needs-domain-stopped";
/** VF facts are read back from `list-io`, vnet facts from `list`. */
const VF_PROOF: readonly Listing[] = ["list-io"];
const VNET_PROOF: readonly Listing[] = ["list-domains"];

const not = (condition: Condition): Condition => ({ condition, kind: "not" });
const all = (conditions: Condition[]): Condition => (conditions.length === 1 ? conditions[0] as Condition : { conditions, kind: "all" });
const vfExists = (name: string): Condition => ({ kind: "vf-exists", name });
const vfProperty = (name: string, property: VfProperty, value: string): Condition => ({ kind: "vf-property", name, property, value });
const vnetProperty = (domain: string, ifName: string, property: VnetProperty | "vswitch", value: string): Condition =>
  ({ domain, ifName, kind: "vnet-property", property, value });
const disruptiveFor = (domain: string | undefined, disruptive: boolean): { disruption?: Disruption; domain?: string } =>
  (disruptive && domain !== undefined ? { disruption: NEEDS_DOMAIN_STOPPED, domain } : {});

/** Properties whose observed value can be compared with the declared one (an `auto` MAC cannot). */
function comparable(property: VfProperty, value: string): boolean {
  return isComparable(VF_PROPERTIES[property].syntax, value);
}

function describeProps(entries: [string, string][]): string {
  return entries.length ? ` (${entries.map(([k, v]) => `${k}=${v}`).join(" ")})` : "";
}

function vfSteps(vf: DesiredVf): Step[] {
  const steps: Step[] = [];
  const name = vf.name;
  const object = { vf: name };
  const ref: Operand = { name, ref: "vf-pseudonym" };
  const props = orderedVfProperties(vf.properties);
  const propertyConditions = props
    .filter(([p, v]) => comparable(p, v))
    .map(([property, value]) => vfProperty(name, property, value));
  if (vf.pf !== undefined) {
    steps.push({
      argv: createVfArgv(name, vf.properties, vf.pf),
      guard: not(vfExists(name)),
      id: `vf/${name}/create`,
      kind: "create-vf",
      object,
      pf: vf.pf,
      postcondition: all([vfExists(name), ...propertyConditions]),
      proof: VF_PROOF,
      summary: `create VF "${name}" on ${vf.pf}${describeProps(props)}`,
    });
  } else if (vf.vf !== undefined) {
    const named: Condition = { kind: "vf-pseudonym-named", name, vf: vf.vf };
    steps.push({
      argv: nameVfArgv(name, vf.vf),
      ...disruptiveFor(vf.domain, !VF_NAME_SETTABLE_WHILE_ACTIVE),
      guard: not(named),
      id: `vf/${name}/name`,
      kind: "name-vf",
      object,
      postcondition: named,
      proof: VF_PROOF,
      pseudonym: vf.vf,
      summary: `name VF ${vf.vf} "${name}"`,
    });
  }
  for (const [property, value] of props) {
    if (!comparable(property, value)) continue;
    const holds = vfProperty(name, property, value);
    steps.push({
      argv: setVfPropertyArgv(property, value, ref),
      ...disruptiveFor(vf.domain, VF_PROPERTIES[property].needsDomainStopped),
      guard: not(holds),
      id: `vf/${name}/set/${property}`,
      kind: "set-vf",
      object,
      postcondition: holds,
      proof: VF_PROOF,
      property,
      summary: `set ${property}=${value} on VF "${name}"`,
    });
  }
  if (vf.domain !== undefined) {
    const assigned: Condition = { domain: vf.domain, kind: "vf-assigned", name };
    steps.push({
      argv: addIoArgv(ref, vf.domain),
      guard: not(assigned),
      id: `vf/${name}/assign`,
      kind: "assign-vf",
      object,
      postcondition: assigned,
      proof: VF_PROOF,
      summary: `assign VF "${name}" to domain ${vf.domain}`,
      to: vf.domain,
    });
  }
  return steps;
}

/**
 * The step that destroys the VF named `name` (by its pseudonym, resolved at apply time): needed
 * while it exists, proved when a re-read no longer shows it. Only the Terraform provider uses it.
 */
export function destroyVfStep(name: string): Step {
  const exists = vfExists(name);
  return {
    argv: destroyVfArgv({ name, ref: "vf-pseudonym" }),
    guard: exists,
    id: `vf/${name}/destroy`,
    kind: "destroy-vf",
    object: { vf: name },
    postcondition: not(exists),
    proof: VF_PROOF,
    summary: `destroy VF "${name}"`,
  };
}

function vnetSteps(domain: string, vnet: DesiredVnet): Step[] {
  const { ifName } = vnet;
  const object = { domain, vnet: ifName };
  const prefix = `vnet/${domain}/${ifName}`;
  const props = orderedVnetProperties(vnet.properties);
  const exists: Condition = { domain, ifName, kind: "vnet-exists" };
  const onSwitch = vnetProperty(domain, ifName, "vswitch", vnet.vswitch);
  const propertyConditions = props.map(([property, value]) => vnetProperty(domain, ifName, property, value));
  const steps: Step[] = [{
    argv: addVnetArgv(ifName, vnet.vswitch, domain, vnet.properties),
    guard: not(exists),
    id: `${prefix}/add`,
    kind: "add-vnet",
    object,
    postcondition: all([exists, onSwitch, ...propertyConditions]),
    proof: VNET_PROOF,
    summary: `add vnet "${ifName}" on switch ${vnet.vswitch} to domain ${domain}${describeProps(props)}`,
  }];
  steps.push({
    argv: setVnetArgv("vswitch", vnet.vswitch, ifName, domain),
    guard: not(onSwitch),
    id: `${prefix}/set/vswitch`,
    kind: "set-vnet",
    object,
    postcondition: onSwitch,
    proof: VNET_PROOF,
    property: "vswitch",
    summary: `move vnet "${ifName}" of domain ${domain} to switch ${vnet.vswitch}`,
  });
  props.forEach(([property, value], i) => {
    const holds = propertyConditions[i] as Condition;
    steps.push({
      argv: setVnetArgv(property, value, ifName, domain),
      ...disruptiveFor(domain, VNET_PROPERTIES[property].needsDomainStopped),
      guard: not(holds),
      id: `${prefix}/set/${property}`,
      kind: "set-vnet",
      object,
      postcondition: holds,
      proof: VNET_PROOF,
      property,
      summary: `set ${property}=${value} on vnet "${ifName}" of domain ${domain}`,
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
