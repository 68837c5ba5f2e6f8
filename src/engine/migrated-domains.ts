/**
 * A domain moved by a configured SriovMigration is not drift. When a MigrationPlan's domain is
 * gone from its observed source host and present on its observed target host, the source host's
 * steps about that domain (assign its VFs, add or set its vnets, VF changes that need it stopped)
 * are neither actions nor precondition problems: plan and apply report them as one note per
 * domain. Steps that do not depend on the domain (the source VF that stays behind, named and
 * unassigned) keep their normal guards.
 */
import type { Condition, HostPlan, MigrationPlan, Step } from "../model";
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
}

/** A migrated domain as seen from its source host. */
export interface MigratedDomain {
  readonly migration: string;
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
  readonly targetReads: readonly MigrationTargetRead[];
}

/** The awareness plan/apply need, from the whole document (not only the hosts of the run). */
export function migrationAwareness(
  migrations: readonly MigrationPlan[],
  hosts: readonly { readonly target: HostTarget }[],
  unreachable?: ReadonlyMap<string, string>,
): MigrationAwareness {
  return { migrations, hosts: hosts.map((h) => h.target), ...(unreachable?.size ? { unreachable } : {}) };
}

export const NO_MIGRATION_FINDINGS: MigrationFindings = { migrated: new Map(), undecided: new Map(), targetReads: [] };

export function migratedNoteText(m: MigratedDomain): string {
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

/** Splits a host's steps into those still planned and the notes of its migrated domains. */
export function withoutMigratedSteps(plan: HostPlan, migrated: readonly MigratedDomain[]): { plan: HostPlan; notes: MigratedDomainNote[] } {
  const relevant = migrated.filter((m) => m.sourceHost === plan.id);
  if (!relevant.length) return { plan, notes: [] };
  const notes: MigratedDomainNote[] = [];
  let steps = plan.steps;
  for (const m of relevant) {
    const skipped = steps.filter((s) => stepConcernsDomain(s, m.domain));
    const declared = plan.desired.domains.some((d) => d.name === m.domain);
    if (!skipped.length && !declared) continue;
    steps = steps.filter((s) => !skipped.includes(s));
    notes.push({ ...m, skippedSteps: skipped.map((s) => s.id), note: migratedNoteText(m) });
  }
  return { plan: { ...plan, steps }, notes };
}

/**
 * Decides, for every migration whose source host is in the run and whose domain is absent there,
 * whether the domain is on the target. Targets in the run are not read again; a target outside
 * it is read once (one connection, one read exec, no lock).
 */
export async function findMigratedDomains(
  observed: ReadonlyMap<string, ObservedHost | undefined>,
  awareness: MigrationAwareness | undefined,
  connection: { readonly connect: ConnectHost; readonly commandTimeoutMs?: number | CommandTimeouts },
): Promise<MigrationFindings> {
  if (!awareness) return NO_MIGRATION_FINDINGS;
  const candidates = awareness.migrations.filter((m) => {
    if (!observed.has(m.sourceHost)) return false;
    const source = observed.get(m.sourceHost);
    return source !== undefined && findDomain(source, m.domain) === undefined;
  });
  if (!candidates.length) return NO_MIGRATION_FINDINGS;

  const outside = [...new Set(candidates.map((m) => m.targetHost).filter((id) => !observed.has(id)))].sort();
  const extra = new Map<string, { observed?: ObservedHost; error?: string }>();
  const targetReads: MigrationTargetRead[] = [];
  await Promise.all(
    outside.map(async (id) => {
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

  const migrated = new Map<string, MigratedDomain[]>();
  const undecided = new Map<string, string[]>();
  for (const m of candidates) {
    const target = observed.has(m.targetHost) ? { observed: observed.get(m.targetHost) } : extra.get(m.targetHost);
    if (target?.observed) {
      if (findDomain(target.observed, m.domain)) {
        const list = migrated.get(m.sourceHost) ?? [];
        list.push({ migration: m.id, domain: m.domain, sourceHost: m.sourceHost, targetHost: m.targetHost });
        migrated.set(m.sourceHost, list);
      }
      continue;
    }
    const why = target?.error ?? `${m.targetHost} could not be read`;
    const list = undecided.get(m.sourceHost) ?? [];
    list.push(`could not read ${m.targetHost} to check whether ${m.domain} migrated there (migration ${m.id}): ${why}`);
    undecided.set(m.sourceHost, list);
  }
  targetReads.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { migrated, undecided, targetReads };
}
