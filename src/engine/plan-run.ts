/**
 * `plan`: one connection and one read per host, guards evaluated, actions and preconditions
 * reported. Nothing is changed and no lock is taken (reads need only "LDoms Review").
 */
import type { HostPlan, LdomsError } from "../model";
import { PlanError } from "../model";
import { planHostActions, stepById, type PlannedAction } from "./actions";
import type { EngineEventSink } from "./events";
import { outcomeUnknownError } from "./connection-errors";
import { HostSession, isOutcomeUnknown, type ConnectHost, type HostCounters, type HostTarget } from "./host-session";
import { emitListingWarnings } from "./listing-checks";
import { readHost } from "./observe";
import { canonicalObservedHost, fingerprintObservedHost, type ObservedHost } from "./observed-state";
import { mapWithLimit } from "./pool";
import { checkPreconditions, problemText } from "./preconditions";
import type { CommandTimeouts } from "./timeouts";
import { findMigratedDomains, withoutMigratedSteps, type MigratedDomain, type MigratedDomainNote, type MigrationAwareness, type MigrationFindings, type MigrationTargetRead } from "./migrated-domains";

export const DEFAULT_PARALLELISM = 10;

/** A host of the plan document with the connection to use (inventory applied). */
export interface EngineHost {
  readonly plan: HostPlan;
  readonly target: HostTarget;
}

export interface EngineOptions {
  readonly connect: ConnectHost;
  /** Hosts worked on at once. Default 10. */
  readonly parallelism?: number;
  readonly onEvent?: EngineEventSink;
  /**
   * Time limit of each remote command: per kind (reads, mutations), or one number for every
   * command. Defaults and the `migrate-domain` exception: timeouts.ts.
   */
  readonly commandTimeoutMs?: number | CommandTimeouts;
  /** Accept disruptive steps (apply refuses them otherwise; plan lists them as problems). */
  readonly allowDisruptive?: boolean;
  /**
   * The document's migrations: a domain found moved as configured is not undone (its steps on
   * the source are reported as a note). Without it, every step is planned as written.
   */
  readonly migrations?: MigrationAwareness;
}

export interface HostPlanResult {
  readonly id: string;
  /** Absent when the host could not be read. */
  readonly fingerprint?: string;
  readonly observed?: ObservedHost;
  readonly actions: readonly PlannedAction[];
  readonly unchanged: number;
  /** Preconditions that would stop apply. */
  readonly problems: readonly string[];
  readonly error?: LdomsError;
  readonly counters: HostCounters;
  /** Domains this host's configuration names that have migrated away as configured (notes). */
  readonly migrated?: readonly MigratedDomainNote[];
  /** What the host's listings showed that is readable but unusual (an unknown VERSION); absent when nothing. */
  readonly warnings?: readonly string[];
}

export interface PlanRunResult {
  readonly hosts: readonly HostPlanResult[];
  /** Migration targets outside the run read to decide whether a domain migrated there. */
  readonly migrationTargetReads?: readonly MigrationTargetRead[];
}

/** What is known about the migrations of a source host (see migrated-domains.ts). */
export interface HostMigrationContext {
  readonly migrated: readonly MigratedDomain[];
  /** Migrations that could not be decided, added to the problems the host already has. */
  readonly undecided: readonly string[];
  /** Mobile domains placed on no host of their group, or on two: problems of this host. */
  readonly placement?: readonly string[];
}

/** Actions and precondition problems of one host on one observation. */
export function evaluateHost(plan: HostPlan, observed: ObservedHost, allowDisruptive: boolean, migration?: HostMigrationContext) {
  const { plan: planned, notes } = withoutMigratedSteps(plan, migration?.migrated ?? []);
  const { actions, unchanged } = planHostActions(planned, observed);
  const needed = actions.map((a) => stepById(planned, a.stepId));
  const problems = checkPreconditions(planned, observed, needed, { allowDisruptive }).map(problemText);
  if (problems.length && migration?.undecided.length) problems.push(...migration.undecided);
  if (migration?.placement?.length) problems.push(...migration.placement);
  return { actions, unchanged, problems, ...(notes.length ? { migrated: notes } : {}) };
}

/** The migration context of one host from the run's findings. */
export function migrationContextOf(findings: MigrationFindings, hostId: string): HostMigrationContext {
  const placement = findings.problems?.get(hostId);
  return { migrated: findings.migrated.get(hostId) ?? [], undecided: findings.undecided.get(hostId) ?? [], ...(placement ? { placement } : {}) };
}

/** One host's read in a plan run. */
interface HostRead {
  readonly host: EngineHost;
  readonly session: HostSession;
  readonly observed?: ObservedHost;
  readonly error?: LdomsError;
  readonly warnings?: readonly string[];
}

export async function planHosts(hosts: readonly EngineHost[], options: EngineOptions): Promise<PlanRunResult> {
  // Read every host first: a source host's plan may depend on what its migration target shows.
  const reads = await mapWithLimit(hosts, options.parallelism ?? DEFAULT_PARALLELISM, async (host): Promise<HostRead> => {
    const session = new HostSession(host.target, options.connect, options.commandTimeoutMs);
    const warned = (): { warnings?: readonly string[] } => {
      const warnings = emitListingWarnings(session, options.onEvent);
      return warnings.length ? { warnings } : {};
    };
    try {
      options.onEvent?.({ type: "host-reading", host: host.target.id });
      const { observed } = await readHost(session);
      return { host, session, observed, ...warned() };
    } catch (error) {
      const typed = asLdomsError(error, host.target.id);
      const warnings = warned();
      options.onEvent?.({ type: "host-failed", host: host.target.id, message: typed.message });
      return { host, session, error: typed, ...warnings };
    } finally {
      await session.close();
    }
  });
  const findings = await findMigratedDomains(new Map(reads.map((r) => [r.host.target.id, r.observed])), options.migrations, options);
  const results = reads.map((read): HostPlanResult => {
    const id = read.host.target.id;
    const warnings = read.warnings ? { warnings: read.warnings } : {};
    if (!read.observed) return { id, actions: [], unchanged: 0, problems: [], error: read.error as LdomsError, counters: read.session.counters, ...warnings };
    try {
      const evaluated = evaluateHost(read.host.plan, read.observed, options.allowDisruptive ?? false, migrationContextOf(findings, id));
      options.onEvent?.({ type: "host-planned", host: id, changes: evaluated.actions.length, unchanged: evaluated.unchanged });
      return {
        id,
        fingerprint: fingerprintObservedHost(read.observed),
        observed: canonicalObservedHost(read.observed),
        ...evaluated,
        counters: read.session.counters,
        ...warnings,
      };
    } catch (error) {
      const typed = asLdomsError(error);
      options.onEvent?.({ type: "host-failed", host: id, message: typed.message });
      return { id, actions: [], unchanged: 0, problems: [], error: typed, counters: read.session.counters, ...warnings };
    }
  });
  return { hosts: results, ...(findings.targetReads.length ? { migrationTargetReads: findings.targetReads } : {}) };
}

/**
 * Typed errors pass through; a command whose outcome is unknown (time limit, lost connection,
 * output limit) becomes a ConnectionError saying so and what to do; anything else is a bug,
 * wrapped so one host's bug does not hide the others.
 */
export function asLdomsError(error: unknown, host?: string): LdomsError {
  if (typeof error === "object" && error !== null && "exitCode" in error && "kind" in error && error instanceof Error) return error as LdomsError;
  if (isOutcomeUnknown(error)) return outcomeUnknownError(error, host);
  if (error instanceof Error) {
    const wrapped = new PlanError(`unexpected failure: ${error.message}`);
    wrapped.stack = error.stack;
    return wrapped;
  }
  return new PlanError(`unexpected failure: ${String(error)}`);
}
