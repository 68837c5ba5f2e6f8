/**
 * `ldoms force-unlock HOST LOCK-ID`: removes a lock left behind by a run that no longer exists.
 * One exec removes the lock only if it carries LOCK-ID (see lock.ts), so a typo, or a lock
 * taken by another run between the user's look and this command, is never removed.
 */
import { ApplyError } from "../model";
import { HostSession, type ConnectHost, type HostTarget } from "./host-session";
import { releaseHostLock } from "./host-lock";
import { DEFAULT_LOCK_DIR, describeLockHolder, newLockInfo, type LockInfo } from "./lock";

export async function forceUnlock(target: HostTarget, lockId: string, connect: ConnectHost, lockDir = DEFAULT_LOCK_DIR): Promise<LockInfo> {
  const session = new HostSession(target, connect);
  try {
    const info: LockInfo = { ...newLockInfo("ldoms force-unlock"), id: lockId };
    const outcome = await releaseHostLock(session, lockDir, info);
    switch (outcome.kind) {
      case "released":
        return outcome.holder ?? { id: lockId, owner: "unknown", pid: "?", time: "?", operation: "?" };
      case "absent":
        throw new ApplyError(`${target.id}: there is no lock (${lockDir} does not exist); nothing to release: run the refused command again`, target.id);
      case "other":
        if (!outcome.holder) {
          throw new ApplyError(
            `${target.id}: ${lockDir} exists but holds no owner information, so its id cannot be checked; remove it on the host (rm -r ${lockDir}) once you are sure no run is active`,
            target.id,
          );
        }
        if (outcome.holder.id === lockId) {
          throw new ApplyError(
            `${target.id}: the lock carries id ${lockId} but no id marker (it was taken by an older version of ldoms, or is damaged); remove it on the host (rm -r ${lockDir}) once you are sure no run is active`,
            target.id,
          );
        }
        throw new ApplyError(
          `${target.id}: the lock is ${describeLockHolder(outcome.holder)}, not ${lockId}; refusing to remove a lock whose id was not given. ` +
            `Wait for that run if it is still active; if it is gone, run ldoms force-unlock ${target.id} ${outcome.holder.id}`,
          target.id,
        );
    }
  } finally {
    await session.close();
  }
}
