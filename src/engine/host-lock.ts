/**
 * The per-host lock for other operations than apply (e.g. a migration locks its source and
 * target): taken together with a full read in one exec, released on its own or with a final read.
 */
import { isOutcomeUnknown, type HostSession } from "./host-session";
import { DEFAULT_LOCK_DIR, lockHeldError, newLockInfo, releaseLockPart, type LockInfo } from "./lock";
import { readHost } from "./observe";
import type { ObservedHost } from "./observed-state";
import { batchCommandLine } from "./read-batch";

export interface HeldLock {
  readonly info: LockInfo;
  readonly dir: string;
  /** The host as read in the same exec that took the lock. */
  readonly observed: ObservedHost;
}

/**
 * Takes the lock and reads the host in one exec; throws the lock-held ApplyError (naming the
 * owner and the force-unlock command) when another run holds it. A lost connection is retried:
 * finding our own id in the lock means the first attempt took it.
 */
export async function acquireHostLock(session: HostSession, operation: string, dir: string = DEFAULT_LOCK_DIR): Promise<HeldLock> {
  const info = newLockInfo(operation);
  for (let attempt = 0; ; attempt++) {
    try {
      const outcome = await readHost(session, { lock: { dir, info, acquire: true } });
      if (!outcome.lock?.held) throw lockHeldError(session.id, dir, outcome.lock?.holder);
      return { info, dir, observed: outcome.observed };
    } catch (error) {
      if (!isOutcomeUnknown(error) || attempt >= 3) throw error;
    }
  }
}

/** Releases a lock this run holds (idempotent: removing a missing directory succeeds). */
export async function releaseHostLock(session: HostSession, lock: Pick<HeldLock, "dir">): Promise<void> {
  await session.exec(batchCommandLine([releaseLockPart(lock.dir)]), "lock");
}
