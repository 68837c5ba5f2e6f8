/**
 * `ldoms force-unlock HOST LOCK-ID`: removes a lock left behind by a run that no longer exists.
 * The id must match the lock's, so a typo or a lock taken since by another run is not removed.
 */
import { ApplyError } from "../model";
import { HostSession, type ConnectHost, type HostTarget } from "./host-session";
import { DEFAULT_LOCK_DIR, describeLockHolder, parseLockInfo, readLockPart, releaseLockPart, type LockInfo } from "./lock";
import { batchCommandLine, splitBatchOutput } from "./read-batch";

export async function forceUnlock(target: HostTarget, lockId: string, connect: ConnectHost, lockDir = DEFAULT_LOCK_DIR): Promise<LockInfo> {
  const session = new HostSession(target, connect);
  try {
    const read = await session.exec(batchCommandLine([readLockPart(lockDir), { name: "exists", commandLine: `test -d '${lockDir.replace(/'/g, `'\\''`)}'` }]), "lock");
    const sections = splitBatchOutput(read.stdout);
    const holder = parseLockInfo(sections.find((s) => s.name === "lock-info")?.output ?? "");
    const exists = sections.find((s) => s.name === "exists")?.exitStatus === 0;
    if (!exists) throw new ApplyError(`${target.id}: there is no lock (${lockDir} does not exist); nothing to release`, target.id);
    if (!holder) {
      throw new ApplyError(`${target.id}: ${lockDir} exists but holds no owner information, so its id cannot be checked; remove it on the host (rm -r ${lockDir}) once you are sure no run is active`, target.id);
    }
    if (holder.id !== lockId) {
      throw new ApplyError(`${target.id}: the lock is ${describeLockHolder(holder)}, not ${lockId}; refusing to remove a lock whose id was not given`, target.id);
    }
    const released = await session.exec(batchCommandLine([releaseLockPart(lockDir)]), "lock");
    if (splitBatchOutput(released.stdout).find((s) => s.name === "unlock")?.exitStatus !== 0) {
      throw new ApplyError(`${target.id}: could not remove ${lockDir}: ${released.stderr.trim() || "(no message)"}`, target.id);
    }
    return holder;
  } finally {
    await session.close();
  }
}
