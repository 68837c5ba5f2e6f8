/**
 * Where a domain runs is observed, not declared, for the domains that move.
 *
 * A domain moved by a configured SriovMigration is not drift. When a MigrationPlan's domain is
 * gone from its observed source host and present on its observed target host, the source host's
 * steps about that domain (assign its VFs, add or set its vnets, VF changes that need it stopped)
 * are neither actions nor precondition problems: plan and apply report them as one note per
 * domain. Steps that do not depend on the domain (the source VF that stays behind, named and
 * unassigned) keep their normal guards.
 *
 * A mobile domain of a MigrationGroup is declared on every host of its group. On a host where it
 * is not observed, its steps that need it there (assign its VFs, its vnets) are left out and the
 * rest (its VFs, kept ready unassigned) stay, without the disruption a running domain would give
 * them. A mobile domain found on no host of its group, or on two, is a problem of each host of the
 * run in that group.
 */
import type { Condition, HostPlan, MigrationGroupPlan, MigrationPlan, Step } from "../model";
import { HostSession, type ConnectHost, type HostCounters, type HostTarget } from "./host-session";
import { readHost } from "./observe";
import { findDomain, type ObservedHost } from "./observed-state";
import type { CommandTimeouts } from "./timeouts";

/** What plan/apply need to recognise a migration that already happened. */
export interface MigrationAwareness {
  /** The document's migrations. */
  readonly migrations: readonly MigrationPlan[];
  /**
   * Every host of the document with its connection: a target outside the run (`--host`
   * restricted to the source) is still read once, read-only, to decide.
   */
  readonly hosts: readonly HostTarget[];
  /** Hosts of the document that cannot be reached (not in the inventory given), with why. */
  readonly unreachable?: ReadonlyMap<string, string>;
  /** The document's MigrationGroups: their mobile domains' placement is observed. */
  readonly groups?: readonly MigrationGroupPlan[];
}

/** A migrated domain as seen from its source host (for a group: a host it does not run on). */
export interface MigratedDomain {
  /** The SriovMigration's id, or the MigrationGroup's. */
  readonly migration: string;
  /** Set for a mobile domain of this MigrationGroup. */
  readonly group?: string;
  readonly domain: string;
  readonly sourceHost: string;
  readonly targetHost: string;
}

/** The note plan/apply report for a migrated domain on its source host. */
export interface MigratedDomainNote extends MigratedDomain {
  /** Ids of the source host's steps skipped because they concern the migrated domain. */
  readonly skippedSteps: readonly string[];
  readonly note: string;
}

/** A target host read outside the run, to decide whether a domain migrated there. */
export interface MigrationTargetRead {
  readonly id: string;
  readonly counters: HostCounters;
  readonly error?: string;
}

/** Per source host: migrated domains, and why a migration could not be decided. */
export interface MigrationFindings {
  readonly migrated: ReadonlyMap<string, readonly MigratedDomain[]>;
  readonly undecided: ReadonlyMap<string, readonly string[]>;
  /** Per host: mobile domains found on no host of their group, or on two. */
  readonly problems?: ReadonlyMap<string, readonly string[]>;
  readonly targetReads: readonly MigrationTargetRead[];
}

/** The awareness plan/apply need, from the whole document (not only the hosts of the run). */
export function migrationAwareness(
  from: readonly MigrationPlan[] | { readonly migrations: readonly MigrationPlan[]; readonly groups?: readonly MigrationGroupPlan[] },
  hosts: readonly { readonly target: HostTarget }[],
  unreachable?: ReadonlyMap<string, string>,
): MigrationAwareness {
  const document = Array.isArray(from) ? { migrations: from as readonly MigrationPlan[] } : (from as { readonly migrations: readonly MigrationPlan[]; readonly groups?: readonly MigrationGroupPlan[] });
  return {
    migrations: document.migrations,
    hosts: hosts.map((h) => h.target),
    ...(unreachable?.size ? { unreachable } : {}),
    ...(document.groups?.length ? { groups: document.groups } : {}),
  };
}

export const NO_MIGRATION_FINDINGS: MigrationFindings = { migrated: new Map(), undecided: new Map(), targetReads: [] };

export function migratedNoteText(m: MigratedDomain): string {
  if (m.group !== undefined) return `${m.domain} runs on ${m.targetHost} (group ${m.group}): here its VFs are kept ready, unassigned`;
  return `${m.domain} has migrated to ${m.targetHost} (migration ${m.migration}): its steps on ${m.sourceHost} are skipped; declare the domain on ${m.targetHost} to manage it there`;
}

function conditionNames(condition: Condition, domain: string): boolean {
  switch (condition.kind) {
    case "not":
      return conditionNames(condition.condition, domain);
    case "all":
    case "any":
      return condition.conditions.some((c) => conditionNames(c, domain));
    case "vf-assigned":
    case "vnet-exists":
    case "vnet-property":
      return condition.domain === domain;
    case "vf-exists":
    case "vf-pseudonym-named":
    case "vf-unassigned":
    case "vf-property":
    case "vswitch-exists":
      return false;
  }
}

/** Whether a step needs `domain` on its host: it assigns to it, touches its vnets, or needs it stopped. */
export function stepConcernsDomain(step: Step, domain: string): boolean {
  return step.domain === domain || conditionNames(step.guard, domain) || conditionNames(step.postcondition, domain);
}

/** Whether a step needs a mobile domain on its host: it assigns to it or touches its vnets. */
function stepNeedsDomainHere(step: Step, domain: string): boolean {
  return conditionNames(step.guard, domain) || conditionNames(step.postcondition, domain);
}

/** A step about a mobile domain's VF, on a host where the VF is unassigned: nothing runs there to disturb. */
function withoutDisruption(step: Step, domain: string): Step {
  if (step.domain !== domain) return step;
  const { disruption: _disruption, domain: _domain, ...rest } = step;
  return rest as Step;
}

/** Splits a host's steps into those still planned and the notes of its migrated domains. */
export function withoutMigratedSteps(plan: HostPlan, migrated: readonly MigratedDomain[]): { plan: HostPlan; notes: MigratedDomainNote[] } {
  const relevant = migrated.filter((m) => m.sourceHost === plan.id);
  if (!relevant.length) return { plan, notes: [] };
  const notes: MigratedDomainNote[] = [];
  let steps = plan.steps;
  for (const m of relevant) {
    if (m.group !== undefined) {
      const skipped = steps.filter((s) => stepNeedsDomainHere(s, m.domain));
      steps = steps.filter((s) => !skipped.includes(s)).map((s) => withoutDisruption(s, m.domain));
      notes.push({ ...m, skippedSteps: skipped.map((s) => s.id), note: migratedNoteText(m) });
      continue;
    }
    const skipped = steps.filter((s) => stepConcernsDomain(s, m.domain));
    const declared = plan.desired.domains.some((d) => d.name === m.domain);
    if (!skipped.length && !declared) continue;
    steps = steps.filter((s) => !skipped.includes(s));
    notes.push({ ...m, skippedSteps: skipped.map((s) => s.id), note: migratedNoteText(m) });
  }
  return { plan: { ...plan, steps }, notes };
}

type HostRead = { observed?: ObservedHost; error?: string };

/** A mobile domain the run must place: it is absent from every host of its group in the run. */
function unplacedInRun(group: MigrationGroupPlan, domain: string, observed: ReadonlyMap<string, ObservedHost | undefined>): boolean {
  const inRun = group.hosts.filter((h) => observed.has(h.id));
  return inRun.length > 0 && inRun.every((h) => { const o = observed.get(h.id); return o !== undefined && findDomain(o, domain) === undefined; });
}

/** Hosts outside the run whose domain listing decides something: migration targets and group hosts. */
function hostsToRead(
  candidates: readonly MigrationPlan[],
  observed: ReadonlyMap<string, ObservedHost | undefined>,
  groups: readonly MigrationGroupPlan[],
): string[] {
  const ids = new Set(candidates.map((m) => m.targetHost));
  for (const g of groups) {
    if (g.domains.some((d) => unplacedInRun(g, d.name, observed))) for (const h of g.hosts) ids.add(h.id);
  }
  return [...ids].filter((id) => !observed.has(id)).sort();
}

/** Reads the domain listing of hosts (outside a run): one connection, one read exec, no lock each. */
export async function readDomainListings(
  ids: readonly string[],
  awareness: MigrationAwareness,
  connection: { readonly connect: ConnectHost; readonly commandTimeoutMs?: number | CommandTimeouts },
): Promise<{ extra: Map<string, HostRead>; targetReads: MigrationTargetRead[] }> {
  const extra = new Map<string, HostRead>();
  const targetReads: MigrationTargetRead[] = [];
  await Promise.all(
    ids.map(async (id) => {
      const target = awareness.hosts.find((h) => h.id === id);
      if (!target) {
        extra.set(id, { error: awareness.unreachable?.get(id) ?? `${id} is not a host of this stack` });
        return;
      }
      const session = new HostSession(target, connection.connect, connection.commandTimeoutMs);
      try {
        // Only the domain listing decides; the rest of the observation is left empty.
        const empty: ObservedHost = { buses: [], pfs: [], vfs: [], domains: [], vswitches: [] };
        const read = await readHost(session, { listings: ["list-domains"], previous: empty });
        extra.set(id, { observed: read.observed });
        targetReads.push({ id, counters: session.counters });
      } catch (error) {
        const message = error instanceof Error ? error.message.split("\n")[0] ?? "" : String(error);
        extra.set(id, { error: message });
        targetReads.push({ id, counters: session.counters, error: message });
      } finally {
        await session.close();
      }
    }),
  );
  targetReads.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { extra, targetReads };
}

function push<T>(map: Map<string, T[]>, key: string, item: T): void {
  const list = map.get(key) ?? [];
  list.push(item);
  map.set(key, list);
}

/** Where each mobile domain of the groups runs, as seen by the hosts of the run. */
function placeGroupDomains(
  groups: readonly MigrationGroupPlan[],
  observed: ReadonlyMap<string, ObservedHost | undefined>,
  extra: ReadonlyMap<string, HostRead>,
  migrated: Map<string, MigratedDomain[]>,
  problems: Map<string, string[]>,
): void {
  const readOf = (id: string): HostRead => (observed.has(id) ? { observed: observed.get(id) } : extra.get(id) ?? { error: "not read" });
  for (const g of groups) {
    const inRun = g.hosts.map((h) => h.id).filter((id) => observed.get(id) !== undefined);
    if (!inRun.length) continue;
    for (const { name } of g.domains) {
      const found = g.hosts.flatMap((h) => {
        const o = readOf(h.id).observed;
        const d = o ? findDomain(o, name) : undefined;
        return d ? [{ host: h.id, state: d.state }] : [];
      });
      if (found.length > 1) {
        const where = found.map((f) => `${f.host} (${f.state})`).join(" and ");
        for (const id of inRun) push(problems, id, `domain ${name} of group ${g.id} is on ${where}; a domain runs on one host of its group: finish or roll back the migration, or remove the stale copy (ldm unbind-domain/destroy ${name} on the host where it must not be)`);
      }
      const unread = g.hosts.filter((h) => !readOf(h.id).observed).map((h) => `${h.id} (${readOf(h.id).error ?? "not read"})`);
      if (!found.length && !unread.length) {
        for (const id of inRun) push(problems, id, `domain ${name} of group ${g.id} is on none of its hosts (${g.hosts.map((h) => h.id).join(", ")}); create it on one of them, or remove it from the group`);
      }
      const runsOn = found.length === 1 ? (found[0] as { host: string }).host : found.length ? found.map((f) => f.host).join(" and ") : `no host that could be read (${unread.join(", ")})`;
      for (const id of inRun) {
        if (found.some((f) => f.host === id)) continue;
        push(migrated, id, { migration: g.id, group: g.id, domain: name, sourceHost: id, targetHost: runsOn });
      }
    }
  }
}

/**
 * Decides, for every migration whose source host is in the run and whose domain is absent there,
 * whether the domain is on the target, and where each mobile domain of a group runs. Hosts in the
 * run are not read again; a host outside it is read once (one connection, one read exec, no lock),
 * and only when its listing decides something.
 */
export async function findMigratedDomains(
  observed: ReadonlyMap<string, ObservedHost | undefined>,
  awareness: MigrationAwareness | undefined,
  connection: { readonly connect: ConnectHost; readonly commandTimeoutMs?: number | CommandTimeouts },
): Promise<MigrationFindings> {
  if (!awareness) return NO_MIGRATION_FINDINGS;
  const groups = awareness.groups ?? [];
  const candidates = awareness.migrations.filter((m) => {
    if (!observed.has(m.sourceHost)) return false;
    const source = observed.get(m.sourceHost);
    return source !== undefined && findDomain(source, m.domain) === undefined;
  });
  if (!candidates.length && !groups.length) return NO_MIGRATION_FINDINGS;
  const { extra, targetReads } = await readDomainListings(hostsToRead(candidates, observed, groups), awareness, connection);

  const migrated = new Map<string, MigratedDomain[]>();
  const undecided = new Map<string, string[]>();
  const problems = new Map<string, string[]>();
  for (const m of candidates) {
    const target = observed.has(m.targetHost) ? { observed: observed.get(m.targetHost) } : extra.get(m.targetHost);
    if (target?.observed) {
      if (findDomain(target.observed, m.domain)) {
        push(migrated, m.sourceHost, { migration: m.id, domain: m.domain, sourceHost: m.sourceHost, targetHost: m.targetHost });
      }
      continue;
    }
    const why = target?.error ?? `${m.targetHost} could not be read`;
    push(undecided, m.sourceHost, `could not read ${m.targetHost} to check whether ${m.domain} migrated there (migration ${m.id}): ${why}`);
  }
  placeGroupDomains(groups, observed, extra, migrated, problems);
  return { migrated, undecided, ...(problems.size ? { problems } : {}), targetReads };
}
