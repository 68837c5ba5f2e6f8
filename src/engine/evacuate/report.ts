/** What `ldoms evacuate` reports: per domain where it went (or why not), and one outcome. */
import type { MigrationReport } from "../migration/report";

export type EvacuatedStatus =
  /** Moved by this run. */
  | "migrated"
  /** Found on the target already (a run that continues an interrupted one). */
  | "already-migrated"
  /** `--dry-run`: preflight and `ldm migrate-domain -n` passed. */
  | "dry-run-passed"
  /** No target can hold it, or its preflight failed: the reason says which. */
  | "refused"
  /** Gone from the host before its move was proven (another run moved it): nothing to do for it. */
  | "left"
  /** Left in place because another domain was refused (nothing moves unless --skip-failing). */
  | "not-run"
  /** Its migration ran and failed, or was interrupted. */
  | "failed";

export interface EvacuatedDomain {
  readonly domain: string;
  readonly target?: string;
  readonly status: EvacuatedStatus;
  readonly reason?: string;
  /** The migration's own report (its preflight, progress and post-verify). */
  readonly migration?: MigrationReport;
}

export type EvacuationOutcome = "evacuated" | "nothing-to-move" | "dry-run-passed" | "refused" | "failed" | "interrupted";

export interface EvacuationReport {
  readonly host: string;
  readonly outcome: EvacuationOutcome;
  readonly domains: readonly EvacuatedDomain[];
  /** Domains on the host that are in no MigrationGroup: they stay (the control domain aside). */
  readonly stays: readonly string[];
  readonly summary: string;
}

/** True for the outcomes a pipeline counts as success. */
export function evacuationSucceeded(report: EvacuationReport): boolean {
  return report.outcome === "evacuated" || report.outcome === "nothing-to-move" || report.outcome === "dry-run-passed";
}
