/**
 * The one shape of a check in the engine: migration preflight and post-verify checks use it,
 * and apply-time preconditions can return it too. Plain JSON, so reports print it as is.
 */

/** passed; failed (reason + fix); unverified (could not be checked: needs --accept-unverified). */
export type CheckStatus = "passed" | "failed" | "unverified";

/** One proven (or refuted, or uncheckable) fact, with what to do when it is not `passed`. */
export interface Check {
  /** Stable id, e.g. `preflight/1-vf-names`, `post/target-vf-assigned/net0`. */
  readonly id: string;
  readonly status: CheckStatus;
  /** One line: what was proven, or why not. */
  readonly message: string;
  /** What to do about a failed or unverified check. */
  readonly fix?: string;
}
