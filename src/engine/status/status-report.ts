/**
 * `ldoms status` as data: every declared domain (fixed, moved by an SriovMigration, mobile in a
 * MigrationGroup) with where it was observed, its state, its VFs on every host it may run on,
 * its guest's IPMP state, and whether it could migrate now. Pure: built from what was read.
 *
 * "Could migrate now" is preflight rules 1-5 evaluated on the listings read here: no lock is
 * taken and `ldm migrate-domain -n` (rule 6) is not run, so `ok` is not a promise the dry run
 * will accept the migration.
 */
import type { DesiredIpmpGroup, MigrationGroupPlan, MigrationPlan, PlanDocument } from "../../model";
import { findDomain, type ObservedHost } from "../observed-state";
import { groupMigrationPlan } from "../migration/group-migration";
import { ipmpProblems, mapGroupLinks } from "../migration/guest-ipmp";
import { preflightChecks, type GuestView } from "../migration/preflight";

/** How a domain is declared: on one host; moved by SriovMigration(s); mobile in a MigrationGroup. */
export type DomainKind = "fixed" | "migration" | "mobile";

/** `on`: on exactly one host; `several`: on two or more; `none`: on none; `unknown`: on none of the hosts read, some not read. */
export type Placement = "on" | "several" | "none" | "unknown";

/** One VF on one host: not read, missing, or its pseudonym and who has it. */
export type VfOnHost =
  | { readonly host: string; readonly read: false }
  | { readonly host: string; readonly read: true; readonly present: false }
  | {
      readonly host: string;
      readonly read: true;
      readonly present: true;
      readonly pseudonym: string;
      /** Domain the VF is assigned to; null when unassigned. */
      readonly assignedTo: string | null;
      /** `ldm list-io` status, when listed (`INV` while the root domain probes it). */
      readonly status?: string;
    };

export interface VfStatus {
  /** User-assigned name. */
  readonly name: string;
  /** One entry per host the domain may run on, in the domain's host order. */
  readonly hosts: readonly VfOnHost[];
}

/**
 * `ok`: every declared IPMP group holds (VF active, vnet standby, both up). `problems`: one does
 * not. `unknown`: the guest was read but the domain runs on no single host read (its datalinks
 * cannot be matched). `not-reachable`: the guest could not be read. `no-access`: ldoms has no
 * way into the guest. `no-groups`: no IPMP group is declared for the domain.
 */
export type GuestIpmpStatus = "ok" | "problems" | "unknown" | "not-reachable" | "no-access" | "no-groups";

export interface GuestStatus {
  readonly status: GuestIpmpStatus;
  /** Inventory id of the guest (`guest/<domain>`), when ldoms has access to it. */
  readonly guest?: string;
  /** One line: what holds, or the first thing that does not. */
  readonly message: string;
  readonly groups: readonly { readonly name: string; readonly ok: boolean; readonly message: string }[];
}

/**
 * `ok`: rules 1-5 pass. `failed`: a rule fails (`rule`, `message`). `unverified`: none fails but
 * one could not be checked (no guest access). `unknown`: a host it needs was not read.
 * `done`: the SriovMigration's domain already runs on its target.
 */
export type MigrateStatus = "ok" | "failed" | "unverified" | "unknown" | "done";

export interface MigrateTarget {
  readonly target: string;
  /** The SriovMigration id, or the id `ldoms migrate DOMAIN --to TARGET` gives a group's move. */
  readonly migration: string;
  readonly status: MigrateStatus;
  /** Preflight rule (1-5) the message is about, for `failed` and `unverified`. */
  readonly rule?: number;
  readonly message: string;
}

export interface DomainStatus {
  readonly domain: string;
  readonly kind: DomainKind;
  /** The MigrationGroup of a mobile domain. */
  readonly group?: string;
  /** Ids of the SriovMigrations of the domain. */
  readonly migrations?: readonly string[];
  /** Hosts it may run on, in preference (group) or source-then-target order. */
  readonly hosts: readonly string[];
  readonly placement: Placement;
  /** The host it is on, when `placement` is `on`. */
  readonly host?: string;
  /** Its state there (`active`, `bound`, `inactive`), when `placement` is `on`. */
  readonly state?: string;
  /** Every host of `hosts` it was observed on, with its state there. */
  readonly foundOn: readonly { readonly host: string; readonly state: string }[];
  /** Hosts of `hosts` that could not be read. */
  readonly unread: readonly string[];
  readonly vfs: readonly VfStatus[];
  readonly guest: GuestStatus;
  /** One entry per possible target; empty for a fixed domain or one not on exactly one host. */
  readonly migrate: readonly MigrateTarget[];
}

export interface HostStatus {
  readonly id: string;
  readonly read: boolean;
  /** Why it could not be read. */
  readonly error?: string;
}

export interface StatusReport {
  readonly stack: string;
  /** Every host of the plan document, in document order. */
  readonly hosts: readonly HostStatus[];
  /** Every declared domain, sorted by name. */
  readonly domains: readonly DomainStatus[];
}

/** A host as read: its observation, or why it could not be read. */
export type HostRead = { readonly observed: ObservedHost } | { readonly error: string };

/** A guest as read (`GuestView`, as the migration's preflight takes it). */
export type GuestRead = GuestView;

export interface StatusInput {
  readonly hosts: ReadonlyMap<string, HostRead>;
  /** Per domain with IPMP groups declared and guest access; absent: no access. */
  readonly guests: ReadonlyMap<string, GuestRead>;
}

/** A declared domain before anything observed is laid over it. */
export interface DeclaredDomain {
  readonly name: string;
  kind: DomainKind;
  group?: MigrationGroupPlan;
  readonly migrations: MigrationPlan[];
  readonly hosts: string[];
  readonly vfs: string[];
  readonly ipmpGroups: DesiredIpmpGroup[];
}

function addUnique(list: string[], ...items: string[]): void {
  for (const item of items) if (!list.includes(item)) list.push(item);
}

/** Every domain the document declares, by name, with the hosts it may run on. */
export function declaredDomains(document: PlanDocument): DeclaredDomain[] {
  const byName = new Map<string, DeclaredDomain>();
  const entry = (name: string, kind: DomainKind): DeclaredDomain => {
    let found = byName.get(name);
    if (!found) byName.set(name, (found = { name, kind, migrations: [], hosts: [], vfs: [], ipmpGroups: [] }));
    return found;
  };
  for (const group of document.groups ?? []) {
    for (const mobile of group.domains) {
      const d = entry(mobile.name, "mobile");
      d.group = group;
      addUnique(d.hosts, ...group.hosts.map((h) => h.id));
      addUnique(d.vfs, ...mobile.vfs);
    }
  }
  for (const host of document.hosts) {
    for (const desired of host.desired.domains) {
      const d = entry(desired.name, desired.mobile ? "mobile" : "fixed");
      addUnique(d.hosts, host.id);
      addUnique(d.vfs, ...desired.vfs.map((v) => v.name));
      if (!d.ipmpGroups.length) d.ipmpGroups.push(...desired.ipmpGroups);
    }
  }
  for (const m of document.migrations) {
    const d = entry(m.domain, "migration");
    if (d.kind === "fixed") d.kind = "migration";
    d.migrations.push(m);
    addUnique(d.hosts, m.sourceHost, m.targetHost);
    addUnique(d.vfs, ...m.targetVfs.map((v) => v.name));
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function observedOf(input: StatusInput, host: string): ObservedHost | undefined {
  const read = input.hosts.get(host);
  return read && "observed" in read ? read.observed : undefined;
}

/** Where the domain was found among its hosts, and which of them could not be read. */
function placementOf(d: DeclaredDomain, input: StatusInput): Pick<DomainStatus, "placement" | "host" | "state" | "foundOn" | "unread"> {
  const foundOn: { host: string; state: string }[] = [];
  const unread: string[] = [];
  for (const host of d.hosts) {
    const observed = observedOf(input, host);
    if (!observed) unread.push(host);
    const domain = observed ? findDomain(observed, d.name) : undefined;
    if (domain) foundOn.push({ host, state: domain.state });
  }
  const one = foundOn.length === 1 ? foundOn[0] : undefined;
  if (one) return { placement: "on", host: one.host, state: one.state, foundOn, unread };
  const placement: Placement = foundOn.length > 1 ? "several" : unread.length ? "unknown" : "none";
  return { placement, foundOn, unread };
}

function vfStatus(d: DeclaredDomain, input: StatusInput, name: string): VfStatus {
  const hosts = d.hosts.map((host): VfOnHost => {
    const observed = observedOf(input, host);
    if (!observed) return { host, read: false };
    const vf = observed.vfs.find((v) => v.name === name);
    if (!vf) return { host, read: true, present: false };
    return { host, read: true, present: true, pseudonym: vf.alias, assignedTo: vf.domain ?? null, ...(vf.status ? { status: vf.status } : {}) };
  });
  return { name, hosts };
}

/** The guest's IPMP groups checked against the host the domain is on (rule 3 as observed). */
function guestStatus(d: DeclaredDomain, input: StatusInput, on: string | undefined): GuestStatus {
  if (!d.ipmpGroups.length) return { status: "no-groups", message: "no IPMP group declared", groups: [] };
  const read = input.guests.get(d.name);
  if (!read || read.kind === "no-access") {
    return { status: "no-access", message: `no guest access (GuestDomain access or inventory entry guest/${d.name})`, groups: [] };
  }
  if (read.kind === "unreadable") return { status: "not-reachable", guest: read.id, message: read.message, groups: [] };
  const observed = on !== undefined ? observedOf(input, on) : undefined;
  const domain = observed ? findDomain(observed, d.name) : undefined;
  if (!observed || !domain) {
    return { status: "unknown", guest: read.id, message: `${d.name} is not running on exactly one host read: its datalinks cannot be matched`, groups: [] };
  }
  const vfs = observed.vfs.filter((v) => v.domain === d.name);
  const groups = d.ipmpGroups.map((group) => {
    const links = mapGroupLinks(read.observation, domain, vfs, group);
    if ("problem" in links) return { name: group.name, ok: false, message: links.problem };
    const problems = ipmpProblems(read.observation, group, links);
    const holds = `${links.vfLink} (VF ${group.activeVf}) active, ${links.vnetLink} (vnet ${group.standbyVnet}) standby, both up`;
    return { name: group.name, ok: !problems.length, message: problems.length ? problems.join("; ") : holds };
  });
  const failing = groups.find((g) => !g.ok);
  return {
    status: failing ? "problems" : "ok",
    guest: read.id,
    message: failing ? `${failing.name}: ${failing.message}` : groups.map((g) => `${g.name} ok`).join(", "),
    groups,
  };
}

/** The migrations the domain could take from `on`, with the plan each would run. */
function possibleMigrations(document: PlanDocument, d: DeclaredDomain, on: string): { target: string; plan: MigrationPlan | string; done?: true }[] {
  const group = d.group;
  if (d.kind === "mobile" && group) {
    return group.hosts
      .filter((h) => h.id !== on)
      .map((h) => {
        try {
          return { target: h.id, plan: groupMigrationPlan(document, group, d.name, on, h.id) };
        } catch (error) {
          return { target: h.id, plan: error instanceof Error ? error.message : String(error) };
        }
      });
  }
  const from = d.migrations.filter((m) => m.sourceHost === on).map((m) => ({ target: m.targetHost, plan: m }));
  const done = d.migrations.filter((m) => m.targetHost === on && !from.length).map((m) => ({ target: m.targetHost, plan: m, done: true as const }));
  return [...from, ...done];
}

function migrateTarget(document: PlanDocument, d: DeclaredDomain, input: StatusInput, on: string, possible: ReturnType<typeof possibleMigrations>[number]): MigrateTarget {
  const { target, plan } = possible;
  if (typeof plan === "string") return { target, migration: `${d.name}-to-${target}`, status: "failed", message: plan };
  const base = { target, migration: plan.id };
  if (possible.done) return { ...base, status: "done", message: `${d.name} already runs on ${target} (migration ${plan.id})` };
  const source = observedOf(input, on);
  const observedTarget = observedOf(input, target);
  const sourcePlan = document.hosts.find((h) => h.id === on);
  const targetPlan = document.hosts.find((h) => h.id === target);
  if (!observedTarget || !source) return { ...base, status: "unknown", message: `${!source ? on : target} could not be read` };
  if (!sourcePlan || !targetPlan) return { ...base, status: "unknown", message: `${!sourcePlan ? on : target} is not a host of stack ${document.stack}` };
  const guest: GuestView = input.guests.get(d.name) ?? { kind: "no-access", script: "" };
  const checks = preflightChecks({ migration: plan, sourcePlan, targetPlan, source, target: observedTarget, guest });
  const first = checks.find((c) => c.status === "failed") ?? checks.find((c) => c.status === "unverified");
  if (!first) return { ...base, status: "ok", message: "rules 1-5 pass (dry run not run)" };
  return { ...base, status: first.status === "failed" ? "failed" : "unverified", rule: first.rule, message: first.message };
}

/** On two hosts, the guest's datalinks are those of the one copy that runs, when only one does. */
function onlyActive(foundOn: readonly { host: string; state: string }[]): string | undefined {
  const active = foundOn.filter((f) => f.state === "active");
  return active.length === 1 ? active[0]?.host : undefined;
}

function domainStatus(document: PlanDocument, d: DeclaredDomain, input: StatusInput): DomainStatus {
  const placed = placementOf(d, input);
  const on = placed.placement === "on" ? placed.host : undefined;
  const migrate = on === undefined ? [] : possibleMigrations(document, d, on).map((p) => migrateTarget(document, d, input, on, p));
  return {
    domain: d.name,
    kind: d.kind,
    ...(d.group ? { group: d.group.id } : {}),
    ...(d.migrations.length ? { migrations: d.migrations.map((m) => m.id) } : {}),
    hosts: d.hosts,
    ...placed,
    vfs: d.vfs.map((name) => vfStatus(d, input, name)),
    guest: guestStatus(d, input, on ?? onlyActive(placed.foundOn)),
    migrate,
  };
}

/** The status of every declared domain from what was read of its hosts and guest. */
export function statusReport(document: PlanDocument, input: StatusInput): StatusReport {
  const hosts = document.hosts.map((h): HostStatus => {
    const read = input.hosts.get(h.id);
    if (read && "observed" in read) return { id: h.id, read: true };
    return { id: h.id, read: false, error: read ? read.error : "not read" };
  });
  return { stack: document.stack, hosts, domains: declaredDomains(document).map((d) => domainStatus(document, d, input)) };
}

/** True when every host of the report was read. */
export function statusComplete(report: StatusReport): boolean {
  return report.hosts.every((h) => h.read);
}
