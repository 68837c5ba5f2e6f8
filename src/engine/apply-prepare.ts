/**
 * The first half of `apply` for one host: take the lock and read in one exec, refuse a stale
 * saved plan, plan and check preconditions; and the lock's release and report afterwards.
 */
import { PlanError, type LdomsError } from "../model";
import type { PlannedAction } from "./actions";
import { HostSession } from "./host-session";
import { acquireHostLock, lockMayRemain, releaseHostLock } from "./host-lock";
import { emitListingWarnings } from "./listing-checks";
import { describeLockHolder, newLockInfo, releaseHint, type LockInfo, type ReleaseOutcome } from "./lock";
import { describeObservedChanges, fingerprintObservedHost, type ObservedHost } from "./observed-state";
import { asLdomsError, evaluateHost, type EngineHost, type HostMigrationContext, type HostPlanResult } from "./plan-run";
import type { MigratedDomainNote } from "./migrated-domains";
import type { ApplyOptions, HostApplyResult } from "./apply-types";

export interface Prepared {
  readonly host: EngineHost;
  readonly session: HostSession;
  readonly lock: LockInfo;
  readonly lockDir: string;
  lockHeld: boolean;
  /** Why the lock may remain on the host, once a release could not be confirmed. */
  lockLeftReason?: string;
  readonly lockNotes: string[];
  /** Journal sequence of the next mutating exec. */
  nextSeq: number;
  observed?: ObservedHost;
  actions: readonly PlannedAction[];
  unchanged: number;
  problems: readonly string[];
  error?: LdomsError;
  migrated?: readonly MigratedDomainNote[];
}


/** The words for a stop request: the signal's reason when it is a string, else "interrupted". */
export function interruptReason(signal: AbortSignal): string {
  return typeof signal.reason === "string" ? signal.reason : "interrupted";
}

/** The lock fields of a host result: a lock that may remain (with its release command), notes. */
export function lockReport(p: Prepared): Pick<HostApplyResult, "lockLeft" | "lockNotes"> {
  return {
    ...(p.lockLeftReason !== undefined
      ? { lockLeft: { dir: p.lockDir, id: p.lock.id, hint: releaseHint(p.host.target.id, p.lockDir, p.lock), reason: p.lockLeftReason } }
      : {}),
    ...(p.lockNotes.length ? { lockNotes: [...p.lockNotes] } : {}),
  };
}

export function toPlanResult(p: Prepared): HostPlanResult {
  return {
    id: p.host.target.id,
    ...(p.observed ? { fingerprint: fingerprintObservedHost(p.observed), observed: p.observed } : {}),
    actions: p.actions,
    unchanged: p.unchanged,
    problems: p.problems,
    ...(p.error ? { error: p.error } : {}),
    counters: p.session.counters,
    ...(p.migrated ? { migrated: p.migrated } : {}),
  };
}

export function preconditionError(p: Prepared): PlanError {
  return new PlanError(
    `${p.host.target.id}: apply would fail, so nothing was changed:\n${p.problems.map((x) => `  - ${x}`).join("\n")}`,
  );
}

export async function prepareHost(host: EngineHost, lockDir: string, options: ApplyOptions): Promise<Prepared> {
  const session = new HostSession(host.target, options.connect, options.commandTimeoutMs);
  const lock = newLockInfo(options.operation ?? "ldoms apply");
  const prepared: Prepared = { host, session, lock, lockDir, lockHeld: false, lockNotes: [], nextSeq: 1, actions: [], unchanged: 0, problems: [] };
  const id = host.target.id;
  try {
    options.onEvent?.({ type: "host-reading", host: id });
    const held = await acquireHostLock(session, lock, lockDir, options);
    emitListingWarnings(session, options.onEvent);
    prepared.lockHeld = true;
    options.onEvent?.({ type: "lock-taken", host: id, dir: lockDir, lockId: lock.id });
    prepared.observed = held.observed;
    const pinned = options.pinned?.get(id);
    if (options.pinned && !pinned) {
      throw new PlanError(`${id}: the saved plan does not cover this host; run ldoms plan --out FILE again`);
    }
    if (pinned && pinned.fingerprint !== fingerprintObservedHost(held.observed)) {
      const changes = describeObservedChanges(pinned.observed, held.observed);
      throw new PlanError(
        `${id}: the saved plan is stale: the host changed since the plan was made:\n${(changes.length ? changes : ["(state differs)"]).map((c) => `  - ${c}`).join("\n")}\nRun ldoms plan --out FILE again, review it, and apply the new plan.`,
      );
    }
  } catch (error) {
    if (lockMayRemain(error)) prepared.lockLeftReason = "the connection was lost while the lock was being taken, and it could not be released";
    prepared.error = asLdomsError(error);
    options.onEvent?.({ type: "host-failed", host: id, message: prepared.error.message });
  }
  return prepared;
}

/** Plans a locked and read host (once every host is read: migrations may span two of them). */
export function evaluatePrepared(prepared: Prepared, migration: HostMigrationContext, options: ApplyOptions): void {
  if (prepared.error || !prepared.observed) return;
  const id = prepared.host.target.id;
  try {
    const evaluated = evaluateHost(prepared.host.plan, prepared.observed, options.allowDisruptive ?? false, migration);
    prepared.actions = evaluated.actions;
    prepared.unchanged = evaluated.unchanged;
    prepared.problems = evaluated.problems;
    if (evaluated.migrated) prepared.migrated = evaluated.migrated;
    options.onEvent?.({ type: "host-planned", host: id, changes: evaluated.actions.length, unchanged: evaluated.unchanged });
    if (evaluated.problems.length) options.onEvent?.({ type: "host-failed", host: id, message: preconditionError(prepared).message });
  } catch (error) {
    prepared.error = asLdomsError(error);
    options.onEvent?.({ type: "host-failed", host: id, message: prepared.error.message });
  }
}

/** Releases this run's lock on the host (id-checked, retried); a failure is reported, not thrown. */
export async function releaseQuietly(p: Prepared, options: ApplyOptions): Promise<void> {
  if (!p.lockHeld) return;
  try {
    noteRelease(p, await releaseHostLock(p.session, p.lockDir, p.lock, options), options);
  } catch (error) {
    p.lockLeftReason = `it could not be released: ${asLdomsError(error).message.split("\n")[0]}`;
  }
  p.lockHeld = false;
}

/** Records what a release found; "another run's lock" means ours was removed while we held it. */
export function noteRelease(p: Prepared, outcome: ReleaseOutcome | undefined, options: ApplyOptions): void {
  const id = p.host.target.id;
  if (outcome?.kind === "other") {
    // After a retried release this is the normal case (the first attempt removed ours).
    p.lockNotes.push(`${id}: the lock now on the host belongs to another run: ${outcome.holder ? describeLockHolder(outcome.holder) : "(no owner file)"}; it was left alone`);
  }
  options.onEvent?.({ type: "lock-released", host: id, dir: p.lockDir, lockId: p.lock.id });
}

