/**
 * What `apply` takes and gives back: its options, and per host and per run its result (actions
 * with their status, counters, the lock left behind if any, notes).
 */
import type { LdomsError } from "../model";
import type { PlannedAction } from "./actions";
import type { HostCounters } from "./host-session";
import type { ObservedHost } from "./observed-state";
import type { EngineOptions, PlanRunResult } from "./plan-run";
import type { MigratedDomainNote, MigrationTargetRead } from "./migrated-domains";

/** A saved plan's view of one host: apply refuses to run when the host no longer matches. */
export interface PinnedHost {
  readonly fingerprint: string;
  readonly observed: ObservedHost;
}

export interface ApplyOptions extends EngineOptions {
  /** Lock directory on each control domain. Default /var/tmp/ldoms.lock. */
  readonly lockDir?: string;
  /** Longest wait for another run's lock on a host; 0 (the default) fails at once. */
  readonly lockTimeoutMs?: number;
  /** Written into the lock so a waiting user sees what holds it. */
  readonly operation?: string;
  /** Longest wait for a device to leave `INV`. Default 180 s (Oracle documents ~45 s). */
  readonly invTimeoutMs?: number;
  /** Saved plan: host id -> observation the plan was made on. */
  readonly pinned?: ReadonlyMap<string, PinnedHost>;
  /** Asked once every host is read, locked and planned; false cancels without changes. */
  readonly confirm?: (plan: PlanRunResult) => Promise<boolean>;
  /** Injected for tests; default setTimeout. */
  readonly sleep?: (ms: number) => Promise<void>;
  /**
   * Stop request (SIGINT/SIGTERM at the CLI): no new command is sent; the exec in flight
   * finishes, every lock this run holds is released, and the hosts report what remains.
   */
  readonly signal?: AbortSignal;
  /** How long to wait for a command still running on the host after its exec was lost. */
  readonly runawayWaitMs?: number;
}

export type ActionStatus = "done" | "failed" | "not-run";
export interface AppliedAction extends PlannedAction {
  readonly status: ActionStatus;
}

export type HostApplyStatus = "applied" | "unchanged" | "failed" | "stopped" | "cancelled";

export interface HostApplyResult {
  readonly id: string;
  readonly status: HostApplyStatus;
  readonly actions: readonly AppliedAction[];
  readonly unchanged: number;
  readonly mutatingCommands: number;
  readonly counters: HostCounters;
  readonly problems: readonly string[];
  readonly error?: LdomsError;
  /** Why the host stopped early, when it did. */
  readonly stopReason?: string;
  /** Domains that migrated away as configured: their steps here were skipped (notes). */
  readonly migrated?: readonly MigratedDomainNote[];
  /** This run's lock may still be on the host (it could not be released): how to release it. */
  readonly lockLeft?: { readonly dir: string; readonly id: string; readonly hint: string; readonly reason: string };
  /** Things the run noticed about the lock, e.g. another run's lock found where ours was. */
  readonly lockNotes?: readonly string[];
}

export interface ApplyRunResult {
  readonly hosts: readonly HostApplyResult[];
  readonly cancelled: boolean;
  /** The run was stopped by `signal` (its reason). */
  readonly interrupted?: string;
  /** Migration targets outside the run read to decide whether a domain migrated there. */
  readonly migrationTargetReads?: readonly MigrationTargetRead[];
}

