/**
 * The migration report: every check `ldoms migrate` made, with its outcome, what ran, and what
 * happened. Plain JSON (`--json` prints it as is); the CLI renders the same object as text.
 */

import type { Check } from "../check";

// Kept exported from here: the package root re-exports it from the migration barrel.
export type { CheckStatus } from "../check";

/** A preflight or post-verify check of a migration: a `Check`, with its DESIGN §5 rule number. */
export interface MigrationCheck extends Check {
  /** Rule number of DESIGN §5 (1-6) for preflight checks. */
  readonly rule?: number;
}

export type MigrationOutcome =
  /** Preparation not converged: nothing was checked further, nothing changed. */
  | "not-prepared"
  /** A preflight rule failed (or was unverified without --accept-unverified): nothing changed. */
  | "preflight-failed"
  /** `ldm migrate-domain -n` refused: nothing changed. */
  | "dry-run-refused"
  /** --dry-run: every check and the dry run passed; nothing changed. */
  | "dry-run-passed"
  /** The user declined at the prompt: nothing changed. */
  | "declined"
  /** Ctrl-C before the migration started: stopped at the next safe point. */
  | "interrupted"
  /** The migration ran and every post-verify check passed. */
  | "migrated"
  /** The domain was already on the target: post-verify only, nothing migrated twice. */
  | "already-migrated"
  /** `ldm migrate-domain` failed or was cancelled; the domain stays on the source. */
  | "migration-failed"
  | "cancelled"
  /** The domain moved (or seems to) but a post-verify check failed or could not run. */
  | "verify-failed"
  /** A host could not be reached or read; the report says at which point. */
  | "unreachable";

export interface GuestIpmpAction {
  readonly commandLine: string;
  readonly exitStatus: number | null;
  readonly stderr?: string;
  /**
   * The connection dropped while the command ran (exit status unknown); the guest was read
   * again: the command had taken effect, or had not (then it ran again if still needed).
   */
  readonly lost?: "took-effect" | "not-applied";
}

/** A command that failed: a non-zero exit status, or an unknown one the re-read did not settle. */
export function guestActionFailed(action: GuestIpmpAction): boolean {
  return action.lost === undefined && action.exitStatus !== 0;
}

export interface MigrationRunInfo {
  /** The `ldm` command line run on the source (a password file path at most, never a password). */
  readonly commandLine: string;
  readonly exitStatus: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
  /** Highest progress percentage seen while polling. */
  readonly lastProgress?: number;
  readonly cancelRequested: boolean;
}

export interface MigrationReport {
  readonly migration: string;
  readonly domain: string;
  readonly source: string;
  readonly target: string;
  /** Operand of `ldm migrate-domain` naming the target. */
  readonly targetOperand: string;
  readonly outcome: MigrationOutcome;
  /** One-paragraph summary for humans: what happened, where the domain is now. */
  readonly summary: string;
  /** What preparation still needs (host: action), when not converged. */
  readonly missingPreparation: readonly string[];
  /** Preparation run by --apply, as `host: N change(s)`. */
  readonly applied: readonly string[];
  readonly guestActions: readonly GuestIpmpAction[];
  /** Synthesized guest script, printed for the admin when there is no guest access. */
  readonly guestScript?: string;
  readonly preflight: readonly MigrationCheck[];
  readonly dryRun?: { readonly commandLine: string; readonly exitStatus: number | null; readonly output: string };
  readonly run?: MigrationRunInfo;
  readonly postVerify: readonly MigrationCheck[];
  /** Mutating commands run on each control domain (migrate-domain, cancel, prep steps). */
  readonly mutatingCommands: Readonly<Record<string, number>>;
}

/** True for the outcomes a pipeline counts as success. */
export function migrationSucceeded(report: MigrationReport): boolean {
  return report.outcome === "migrated" || report.outcome === "already-migrated" || report.outcome === "dry-run-passed";
}
