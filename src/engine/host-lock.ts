/**
 * Taking and releasing the per-host lock over a session, for every operation that changes a
 * host (apply, migrate, force-unlock). Taking is done in the same exec as a full read; releasing
 * is one exec that removes the lock only while it carries this run's id (see lock.ts), so a
 * release retried after a lost connection is safe and never removes another run's lock.
 */
import { isOutcomeUnknown, type HostSession } from "./host-session";
import { batchCommandLine, splitBatchOutput } from "./read-batch";
import type { EngineEventSink } from "./events";
import { describeLockHolder, lockHeldError, releaseOutcomeOf, releaseParts, type LockInfo, type ReleaseOutcome } from "./lock";
import { readFailedHoldingLock, readHost } from "./observe";
import type { ObservedHost } from "./observed-state";
import { retryUnknown, type RetryOptions } from "./retry-unknown";

/** Errors of an acquire whose lock may have been taken and could not be released. */
const mayRemain = new WeakSet<object>();

/** True when `acquireHostLock` failed in a way that may leave this run's lock on the host. */
export function lockMayRemain(error: unknown): boolean {
  return typeof error === "object" && error !== null && mayRemain.has(error);
}

export interface HeldLock {
  readonly info: LockInfo;
  readonly dir: string;
  /** The host as read in the same exec that took the lock. */
  readonly observed: ObservedHost;
}

/** Waiting for another run's lock instead of failing at once (like Terraform's -lock-timeout). */
export interface LockWaitOptions extends RetryOptions {
  /** Longest wait for another run's lock to go; 0 (the default) fails at once. */
  readonly lockTimeoutMs?: number;
  /** Gets a `lock-waiting` event each time the lock is found held while there is time left to wait. */
  readonly onEvent?: EngineEventSink;
  /** A stop request ends the wait with the lock-held error. */
  readonly signal?: AbortSignal;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Takes the lock and reads the host in one exec, retried after an unknown outcome (finding our
 * own id in the lock means an earlier attempt took it). While another run holds it, tries again
 * with backoff (250 ms doubling to 5 s) until `lockTimeoutMs`; then throws the lock-held error
 * (owner, whether it is stale, how to release, how long it waited). When the read fails after the
 * lock was taken (authorization, unparsable listing), the lock is released before the error is
 * rethrown: nothing was changed, so nothing should stay locked.
 */
export async function acquireHostLock(session: HostSession, info: LockInfo, dir: string, options: LockWaitOptions = {}): Promise<HeldLock> {
  const timeout = options.lockTimeoutMs ?? 0;
  const sleep = options.sleep ?? defaultSleep;
  const started = Date.now();
  for (let delay = 250; ; delay = Math.min(delay * 2, 5_000)) {
    const attempt = await tryHostLock(session, info, dir, options);
    if (attempt.held) return attempt.held;
    const waited = Date.now() - started;
    if (waited >= timeout || options.signal?.aborted) throw lockHeldError(session.id, dir, attempt.holder, timeout > 0 ? waited : undefined);
    const holder = attempt.holder ? describeLockHolder(attempt.holder) : "held by another run (no owner information)";
    options.onEvent?.({ type: "lock-waiting", host: session.id, dir, holder, waitedMs: waited });
    await sleep(Math.min(delay, timeout - waited));
  }
}

/** One attempt: the lock taken with the host's reading, or the run that holds it. */
async function tryHostLock(session: HostSession, info: LockInfo, dir: string, options: RetryOptions): Promise<{ held?: HeldLock; holder?: LockInfo }> {
  let outcome;
  let unknown = false;
  try {
    outcome = await retryUnknown(async () => {
      try {
        return await readHost(session, { lock: { dir, info, acquire: true } });
      } catch (error) {
        if (isOutcomeUnknown(error)) unknown = true;
        throw error;
      }
    }, options);
  } catch (error) {
    let released = !unknown;
    if (readFailedHoldingLock(error) || unknown) {
      released = await releaseHostLock(session, dir, info, options).then(
        () => true,
        () => false,
      );
    }
    if (!released && typeof error === "object" && error !== null) mayRemain.add(error);
    throw error;
  }
  if (!outcome.lock?.held) return outcome.lock?.holder ? { holder: outcome.lock.holder } : {};
  return { held: { info, dir, observed: outcome.observed } };
}

/**
 * Releases this run's lock in one exec, retried after an unknown outcome: a retry that finds no
 * lock (the first attempt removed it) or another run's lock (taken since) leaves it alone and
 * says so in the outcome. Rejects only when the host cannot be reached.
 */
export async function releaseHostLock(session: HostSession, dir: string, info: LockInfo, options: RetryOptions = {}): Promise<ReleaseOutcome> {
  return retryUnknown(async () => {
    const result = await session.exec(batchCommandLine(releaseParts(dir, info.id)), "lock");
    return releaseOutcomeOf(new Map(splitBatchOutput(result.stdout).map((s) => [s.name, s])));
  }, options);
}
