/**
 * Construct tree -> plan document. Pure: reads the constructs, returns plain data, sorted so the
 * same tree always gives the same document.
 */
import type { IConstruct } from "constructs";
import {
  ControlDomain, EthernetVf, GuestDomain, Network, SriovMigration, Vnet, validateTree,
} from "../constructs";
import {
  PLAN_FORMAT_VERSION, ValidationError,
  type DeclaredOtherVf, type DesiredDomain, type DesiredHostState, type DesiredIpmpGroup, type DesiredVf,
  type DesiredVnet, type DesiredVswitch, type GuestPlan, type HostConnection, type HostPlan, type MigrationPlan,
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

function withNetwork<T extends object>(value: T, network: Network | undefined): T {
  const ref = networkRef(network);
  return ref ? { ...value, network: ref } : value;
}

function connectionOf(host: ControlDomain): HostConnection {
  return {
    address: host.address,
    port: host.port,
    user: host.user,
    ...(host.hostKey !== undefined ? { hostKey: host.hostKey } : {}),
    ...(host.knownHostsFile !== undefined ? { knownHostsFile: host.knownHostsFile } : {}),
    ...(host.identityFile !== undefined ? { identityFile: host.identityFile } : {}),
    pfexec: host.pfexec,
    ldmPath: host.ldmPath,
  };
}

function assignedVf(vf: EthernetVf, domain: string): DesiredVf {
  // validateTree has proven every VF named before this runs.
  const name = vf.vfName as string;
  return withNetwork({
    name,
    ...(vf.pf !== undefined ? { pf: vf.pf } : { vf: vf.vf as string }),
    domain,
    properties: vf.properties(),
  }, vf.network);
}

function desiredVnet(vnet: Vnet): DesiredVnet {
  return withNetwork({ ifName: vnet.ifName, vswitch: vnet.vswitchName, properties: vnet.properties() }, vnet.network);
}

function desiredDomain(guest: GuestDomain): DesiredDomain {
  const ipmpGroups: DesiredIpmpGroup[] = guest.ipmpGroups
    .map((g) => ({ name: g.groupName, activeVf: g.active.vfName as string, standbyVnet: g.standby.ifName }))
    .sort(by((g) => g.name));
  const otherVfs: DeclaredOtherVf[] = guest.otherVfs
    .map((o) => ({ class: o.deviceClass, device: o.device }))
    .sort(by((o) => o.device));
  return {
    name: guest.domainName,
    vfs: guest.ethernetVfs.map((vf) => assignedVf(vf, guest.domainName)).sort(by((v) => v.name)),
    vnets: guest.vnets.map(desiredVnet).sort(by((v) => v.ifName)),
    ipmpGroups,
    otherVfs,
  };
}

/**
 * The target VF copies the source VF's VLAN and MTU settings, so it reaches the same network;
 * MAC addresses stay the target machine's own.
 */
function targetVfProperties(source: EthernetVf): VfProperties {
  const { pvid, vid, mtu } = source.properties();
  return { ...(pvid !== undefined ? { pvid } : {}), ...(vid !== undefined ? { vid } : {}), ...(mtu !== undefined ? { mtu } : {}) };
}

function unassignedVfs(incoming: readonly SriovMigration[]): DesiredVf[] {
  return incoming
    .flatMap((m) => m.targetVfs().map((t) => withNetwork({
      name: t.name as string,
      ...(t.pf !== undefined ? { pf: t.pf } : { vf: t.vf as string }),
      properties: targetVfProperties(t.source),
    }, t.source.network)))
    .sort(by((v) => v.name));
}

function desiredVswitches(host: ControlDomain, domains: readonly GuestDomain[], incoming: readonly SriovMigration[]): DesiredVswitch[] {
  const switches = new Map<string, DesiredVswitch>();
  for (const vsw of host.virtualSwitches) {
    switches.set(vsw.switchName, withNetwork({ name: vsw.switchName, ...(vsw.netDev !== undefined ? { netDev: vsw.netDev } : {}) }, vsw.network));
  }
  // Switches the configuration relies on without declaring them: assumed to exist, checked by the engine.
  const used = [...domains.flatMap((d) => d.vnets), ...incoming.flatMap((m) => m.domain.vnets)];
  for (const vnet of used) if (!switches.has(vnet.vswitchName)) switches.set(vnet.vswitchName, { name: vnet.vswitchName });
  return [...switches.values()].sort(by((s) => s.name));
}

function guestPlans(domains: readonly GuestDomain[]): GuestPlan[] {
  return domains
    .filter((d) => d.access !== undefined)
    .map((d) => ({ domain: d.domainName, access: d.access!, ipmpGroups: desiredDomain(d).ipmpGroups }))
    .sort(by((g) => g.domain));
}

function migrationPlan(m: SriovMigration): MigrationPlan {
  return {
    id: m.node.id,
    domain: m.domain.domainName,
    sourceHost: m.domain.controlDomain.hostId,
    targetHost: m.target.hostId,
    targetAddress: m.targetAddress,
    ...(m.targetUser !== undefined ? { targetUser: m.targetUser } : {}),
    auth: m.passwordFile !== undefined ? { kind: "password-file", path: m.passwordFile } : { kind: "certificate" },
    migrate: m.migrate,
    targetVfs: m.targetVfs()
      .map((t) => ({ name: t.name as string, ...(t.pf !== undefined ? { pf: t.pf } : { vf: t.vf as string }) }))
      .sort(by((t) => t.name)),
    requiredVswitches: [...new Set(m.domain.vnets.map((v) => v.vswitchName))].sort(byCodePoint),
    blockingVfs: m.domain.otherVfs.map((o) => ({ class: o.deviceClass, device: o.device })).sort(by((o) => o.device)),
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
  validateTree(root);
  const all = root.node.findAll();
  const hosts = all.filter((c): c is ControlDomain => c instanceof ControlDomain);
  const migrations = all.filter((c): c is SriovMigration => c instanceof SriovMigration);
  requireUniqueIds("ControlDomain", hosts.map((h) => ({ id: h.hostId, path: h.node.path })));
  requireUniqueIds("SriovMigration", migrations.map((m) => ({ id: m.node.id, path: m.node.path })));
  const incomingByHost = new Map<ControlDomain, SriovMigration[]>();
  for (const m of migrations) incomingByHost.set(m.target, [...(incomingByHost.get(m.target) ?? []), m]);

  const hostPlans: HostPlan[] = hosts.map((host) => {
    const guests = host.guestDomains;
    const incoming = incomingByHost.get(host) ?? [];
    const desired: DesiredHostState = {
      vswitches: desiredVswitches(host, guests, incoming),
      domains: guests.map(desiredDomain).sort(by((d) => d.name)),
      unassignedVfs: unassignedVfs(incoming),
    };
    return { id: host.hostId, connection: connectionOf(host), desired, steps: hostSteps(desired), guests: guestPlans(guests) };
  });
  return {
    formatVersion: PLAN_FORMAT_VERSION,
    stack,
    hosts: hostPlans.sort(by((h) => h.id)),
    migrations: migrations.map(migrationPlan).sort(by((m) => m.id)),
  };
}
