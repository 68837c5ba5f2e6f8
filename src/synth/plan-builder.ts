/**
 * Construct tree -> plan document. Pure: reads the constructs, returns plain data, sorted so the
 * same tree always gives the same document.
 *
 * Object literals list their keys in sorted order, the order the document is written in, so
 * serialization and host digests take them as they are instead of copying them (see steps.ts).
 */
import { VF_PROPERTIES, VF_PROPERTY_ORDER } from "../ldm/properties";
import type { IConstruct } from "constructs";
import {
  ControlDomain, MigrationGroup, SriovMigration, validateTree, type EthernetVf, type GuestDomain, type Network, type Vnet,
} from "../constructs";
import {
  PLAN_FORMAT_VERSION, ValidationError,
  type DeclaredOtherVf, type DesiredDomain, type DesiredHostState, type DesiredIpmpGroup, type DesiredVf,
  type DesiredVnet, type DesiredVswitch, type GuestPlan, type HostConnection, type HostPlan, type MigrationGroupPlan, type MigrationPlan,
  type NetworkRef, type PlanDocument, type VfProperties,
} from "../model";
import { byCodePoint } from "./stable-json";
import { hostSteps } from "./steps";

function by<T>(key: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => byCodePoint(key(a), key(b));
}

function networkRef(network: Network | undefined): NetworkRef | undefined {
  if (network === undefined) return undefined;
  return network.vlan === undefined ? { name: network.name } : { name: network.name, vlan: network.vlan };
}

/** `{ network }` when there is one, to spread into a literal at the key's sorted place. */
function networkField(network: Network | undefined): { network?: NetworkRef } {
  const ref = networkRef(network);
  return ref ? { network: ref } : {};
}

/** `{ pf }` or `{ vf }`: where a VF is created, or which existing one is meant. */
function locationField(pf: string | undefined, vf: string | undefined): { pf: string } | { vf: string } {
  return pf !== undefined ? { pf } : { vf: vf as string };
}

function connectionOf(host: ControlDomain): HostConnection {
  return {
    address: host.address,
    ...(host.hostKey !== undefined ? { hostKey: host.hostKey } : {}),
    ...(host.identityFile !== undefined ? { identityFile: host.identityFile } : {}),
    ...(host.knownHostsFile !== undefined ? { knownHostsFile: host.knownHostsFile } : {}),
    ldmPath: host.ldmPath,
    pfexec: host.pfexec,
    port: host.port,
    user: host.user,
  };
}

/** Where a VF is on `host`: its own pf/vf, or for a mobile domain the host's PF of its network. */
function vfLocation(vf: EthernetVf, host: ControlDomain): { pf: string } | { vf: string } {
  const group = vf.guestDomain.group;
  // validateTree has proven every mobile VF's network has a PF on every host of its group.
  if (group !== undefined) return { pf: (group.pfOn(host, vf.network as Network) as { pf: string }).pf };
  return locationField(vf.pf, vf.vf);
}

function assignedVf(vf: EthernetVf, domain: string, host: ControlDomain): DesiredVf {
  return {
    domain,
    // validateTree has proven every VF named before this runs.
    name: vf.vfName as string,
    ...networkField(vf.network),
    ...vfLocation(vf, host),
    properties: vf.properties(),
  };
}

function desiredVnet(vnet: Vnet): DesiredVnet {
  return { ifName: vnet.ifName, ...networkField(vnet.network), properties: vnet.properties(), vswitch: vnet.vswitchName };
}

function desiredDomain(guest: GuestDomain, host: ControlDomain): DesiredDomain {
  const ipmpGroups: DesiredIpmpGroup[] = guest.ipmpGroups
    .map((g) => ({ activeVf: g.active.vfName as string, name: g.groupName, standbyVnet: g.standby.ifName }))
    .sort(by((g) => g.name));
  const otherVfs: DeclaredOtherVf[] = guest.otherVfs
    .map((o) => ({ class: o.deviceClass, device: o.device }))
    .sort(by((o) => o.device));
  const group = guest.group;
  return {
    ipmpGroups,
    ...(group !== undefined ? { mobile: { group: group.node.id } } : {}),
    name: guest.domainName,
    otherVfs,
    vfs: guest.ethernetVfs.map((vf) => assignedVf(vf, guest.domainName, host)).sort(by((v) => v.name)),
    vnets: guest.vnets.map(desiredVnet).sort(by((v) => v.ifName)),
  };
}

/**
 * The target VF copies the source VF's VLAN and MTU settings, so it reaches the same network;
 * MAC addresses stay the target machine's own.
 */
/** The source VF's properties the target VF must have too, keys sorted (the document's order). */
function targetVfProperties(source: EthernetVf): VfProperties {
  const declared = source.properties();
  const copied = VF_PROPERTY_ORDER.filter((p) => VF_PROPERTIES[p].copiedToTarget && declared[p] !== undefined).sort();
  return Object.fromEntries(copied.map((p) => [p, declared[p] as string]));
}

function unassignedVfs(incoming: readonly SriovMigration[]): DesiredVf[] {
  return incoming
    .flatMap((m) => m.targetVfs().map((t): DesiredVf => ({
      name: t.name as string,
      ...networkField(t.source.network),
      ...locationField(t.pf, t.vf),
      properties: targetVfProperties(t.source),
    })))
    .sort(by((v) => v.name));
}

function desiredVswitches(host: ControlDomain, domains: readonly GuestDomain[], incoming: readonly SriovMigration[]): DesiredVswitch[] {
  const switches = new Map<string, DesiredVswitch>();
  for (const vsw of host.virtualSwitches) {
    switches.set(vsw.switchName, { name: vsw.switchName, ...(vsw.netDev !== undefined ? { netDev: vsw.netDev } : {}), ...networkField(vsw.network) });
  }
  // Switches the configuration relies on without declaring them: assumed to exist, checked by the engine.
  const used = [...domains.flatMap((d) => d.vnets), ...incoming.flatMap((m) => m.domain.vnets)];
  for (const vnet of used) if (!switches.has(vnet.vswitchName)) switches.set(vnet.vswitchName, { name: vnet.vswitchName });
  return [...switches.values()].sort(by((s) => s.name));
}

function guestPlans(guests: readonly GuestDomain[], domains: readonly DesiredDomain[]): GuestPlan[] {
  const byName = new Map(domains.map((d) => [d.name, d]));
  return guests
    .filter((g) => g.access !== undefined)
    .map((g) => ({ access: g.access!, domain: g.domainName, ipmpGroups: byName.get(g.domainName)?.ipmpGroups ?? [] }))
    .sort(by((g) => g.domain));
}

function vswitchesOf(domain: GuestDomain): string[] {
  return [...new Set(domain.vnets.map((v) => v.vswitchName))].sort(byCodePoint);
}

function groupPlan(g: MigrationGroup): MigrationGroupPlan {
  return {
    auth: g.passwordFile !== undefined ? { kind: "password-file", path: g.passwordFile } : { kind: "certificate" },
    domains: g.domains
      .map((d) => ({ name: d.domainName, requiredVswitches: vswitchesOf(d), vfs: d.ethernetVfs.map((vf) => vf.vfName as string).sort(byCodePoint) }))
      .sort(by((d) => d.name)),
    hosts: g.hosts.map((h) => ({ id: h.hostId, migrationAddress: g.migrationAddress(h) })),
    id: g.node.id,
    ...(g.targetUser !== undefined ? { targetUser: g.targetUser } : {}),
  };
}

function migrationPlan(m: SriovMigration): MigrationPlan {
  return {
    auth: m.passwordFile !== undefined ? { kind: "password-file", path: m.passwordFile } : { kind: "certificate" },
    blockingVfs: m.domain.otherVfs.map((o) => ({ class: o.deviceClass, device: o.device })).sort(by((o) => o.device)),
    domain: m.domain.domainName,
    id: m.node.id,
    migrate: m.migrate,
    requiredVswitches: vswitchesOf(m.domain),
    sourceHost: m.domain.controlDomain.hostId,
    targetAddress: m.targetAddress,
    targetHost: m.target.hostId,
    ...(m.targetUser !== undefined ? { targetUser: m.targetUser } : {}),
    targetVfs: m.targetVfs()
      .map((t) => ({ name: t.name as string, ...locationField(t.pf, t.vf) }))
      .sort(by((t) => t.name)),
  };
}

/** Ids must be unique in the document; construct ids are only unique among siblings. */
function requireUniqueIds(kind: string, items: readonly { id: string; path: string }[]): void {
  const seen = new Map<string, string>();
  const problems: string[] = [];
  for (const { id, path } of items) {
    const first = seen.get(id);
    if (first !== undefined) problems.push(`${path}: ${kind} id "${id}" is also used by ${first}; give each ${kind} its own id`);
    else seen.set(id, path);
  }
  if (problems.length) throw new ValidationError(`${kind} ids must be unique in a stack:`, problems);
}

/**
 * Validates the tree (every rule, all problems together) and builds the plan document of the
 * control domains and migrations found under `root`.
 */
export function synthesizePlan(root: IConstruct, stack: string): PlanDocument {
  const all = root.node.findAll();
  validateTree(root, all);
  const hosts = all.filter((c): c is ControlDomain => c instanceof ControlDomain);
  const migrations = all.filter((c): c is SriovMigration => c instanceof SriovMigration);
  const groups = all.filter((c): c is MigrationGroup => c instanceof MigrationGroup);
  requireUniqueIds("ControlDomain", hosts.map((h) => ({ id: h.hostId, path: h.node.path })));
  requireUniqueIds("SriovMigration", migrations.map((m) => ({ id: m.node.id, path: m.node.path })));
  requireUniqueIds("MigrationGroup", groups.map((g) => ({ id: g.node.id, path: g.node.path })));
  const incomingByHost = new Map<ControlDomain, SriovMigration[]>();
  for (const m of migrations) {
    const incoming = incomingByHost.get(m.target);
    if (incoming) incoming.push(m);
    else incomingByHost.set(m.target, [m]);
  }

  const hostPlans: HostPlan[] = hosts.map((host) => {
    const guests = [...host.guestDomains, ...host.mobileDomains];
    const incoming = incomingByHost.get(host) ?? [];
    const domains = guests.map((g) => desiredDomain(g, host)).sort(by((d) => d.name));
    const desired: DesiredHostState = {
      domains,
      unassignedVfs: unassignedVfs(incoming),
      vswitches: desiredVswitches(host, guests, incoming),
    };
    return { connection: connectionOf(host), desired, guests: guestPlans(guests, domains), id: host.hostId, steps: hostSteps(desired) };
  });
  return {
    formatVersion: PLAN_FORMAT_VERSION,
    ...(groups.length ? { groups: groups.map(groupPlan).sort(by((g) => g.id)) } : {}),
    hosts: hostPlans.sort(by((h) => h.id)),
    migrations: migrations.map(migrationPlan).sort(by((m) => m.id)),
    stack,
  };
}
