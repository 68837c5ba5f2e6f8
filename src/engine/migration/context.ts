/**
 * What every phase of a migration run shares: the context (options, plan, sessions, locks, the
 * report being filled), the state the phases learn in order, what a phase returns (stop with an
 * outcome, or continue), and the few helpers each of them uses.
 */
import { migrateCommand } from "./group-migration";
import type { MigrationPlan } from "../../model";
import { ldmCommandLine } from "../../ldm/quote";
import type { HostSession } from "../host-session";
import type { LockInfo } from "../lock";
import type { ObservedHost } from "../observed-state";
import { asLdomsError, type EngineHost } from "../plan-run";
import type { GuestTarget } from "./guest-access";
import type { MigrateOptions } from "./options";
import type { GuestView } from "./preflight";
import type { MigrationOutcome, MigrationReport } from "./report";

/** The report while it is filled: the same fields, writable, lists as arrays. */
export type Mutable = {
  -readonly [K in keyof MigrationReport]: MigrationReport[K] extends readonly (infer T)[] ? T[] : MigrationReport[K];
};

export interface Ctx {
  readonly options: MigrateOptions;
  readonly migration: MigrationPlan;
  readonly sourceHost: EngineHost;
  readonly targetHost: EngineHost;
  readonly source: HostSession;
  readonly target: HostSession;
  readonly guest?: { readonly session: HostSession; readonly plan: GuestTarget };
  readonly lock: LockInfo;
  readonly lockDir: (hostId: string) => string;
  readonly held: Set<HostSession>;
  /** Locks that could not be released (host unreachable): host id -> lock id. */
  readonly locksLeft: Map<string, string>;
  readonly report: Mutable;
  /** Mutating commands `--apply` ran, per host id (added to the sessions' own counts). */
  readonly applyMutating: Record<string, number>;
}

/** What the phases learn, in order; each phase reads what the earlier ones set. */
export interface RunState {
  /** Both control domains as last read (after preparation, when `--apply` converged it). */
  source: ObservedHost;
  target: ObservedHost;
  /** What the preparation still lacks (`host: action`); empty when converged. */
  missing: string[];
  /** State of the domain on the source when the preflight read it. */
  sourceState?: string;
  /** The guest as read (no access until the guest phase reads it). */
  guest: GuestView;
}

/** The run stops here: its outcome and the summary for the report. */
export interface Finish {
  readonly kind: "finish";
  readonly outcome: MigrationOutcome;
  readonly summary: string;
}

/** The run goes on to the next phase, with what this one produced. */
export interface Continue<T> {
  readonly kind: "continue";
  readonly value: T;
}

export type PhaseResult<T = undefined> = Finish | Continue<T>;

/** Stop the run with this outcome. */
export function stop(outcome: MigrationOutcome, summary: string): Finish {
  return { kind: "finish", outcome, summary };
}

/** Go on to the next phase. */
export const CONTINUE: Continue<undefined> = { kind: "continue", value: undefined };

/** Go on to the next phase with a value. */
export function proceed<T>(value: T): Continue<T> {
  return { kind: "continue", value };
}

/** Thrown at a phase boundary after Ctrl-C (before the migration command runs). */
export class Interrupted extends Error {
  /** Where the domain was read to be when it is not on the source (the summary says so). */
  domainOn?: string;
}

/**
 * Starts a phase: stops first when Ctrl-C asked to (see `Interrupted`), then reports it. Once the
 * migration command has run, the domain may have moved: the result is verified whatever comes.
 */
export function phase(ctx: Ctx, message: string): void {
  if (ctx.options.control?.interrupted && ctx.report.run === undefined) throw new Interrupted();
  ctx.options.onEvent?.({ type: "phase", message });
}

export const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The first line of an error's message: reports hold one line per problem. */
export function errorLine(error: unknown): string {
  return asLdomsError(error).message.split("\n")[0]!;
}

/** The `ldm` command line for a session's host (its `ldm` path, with or without pfexec). */
export function ldmLine(session: HostSession, argv: readonly string[]): string {
  const c = session.target.connection;
  return ldmCommandLine(argv, { ldmPath: c.ldmPath, pfexec: c.pfexec });
}

/** The summary when a host could not be reached: when, why, where the domain is, what to run. */
export function unreachableSummary(ctx: Ctx, error: unknown, when: string, migrated: boolean): string {
  const where = migrated ? "" : ` Nothing was migrated: ${ctx.migration.domain} still runs on ${ctx.migration.sourceHost}.`;
  return `${when}: ${errorLine(error)}${where} Run ${migrateCommand(ctx.migration)} again once the host is reachable.`;
}
