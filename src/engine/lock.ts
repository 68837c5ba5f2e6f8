/**
 * The per-host lock on the control domain: an atomic `mkdir` of a lock directory, with a small
 * file inside saying who holds it and an empty marker file named by the run's lock id. Two
 * pipelines cannot both create the directory, so only one changes a machine at a time.
 *
 * Release is one exec that removes the lock only while it still carries this run's marker:
 * check the marker, rename the directory aside (atomic), remove the renamed copy. A retried
 * release after a lost connection, or a force-unlock with a stale id, therefore never removes a
 * lock another run took meanwhile. A lock left behind (a killed run) is reported with its owner,
 * never stolen; `ldoms force-unlock HOST LOCK-ID` removes it explicitly.
 */
import { randomBytes } from "node:crypto";
import { hostname, userInfo } from "node:os";
import { ApplyError } from "../model";
import { shellQuote } from "../ldm/quote";
import type { BatchPart, BatchSection } from "./read-batch";

export const DEFAULT_LOCK_DIR = "/var/tmp/ldoms.lock";

export interface LockInfo {
  readonly id: string;
  readonly owner: string;
  readonly pid: string;
  readonly time: string;
  readonly operation: string;
}

export function newLockInfo(operation: string, now: Date = new Date()): LockInfo {
  let user = "unknown";
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (some containers): the owner still names the machine and pid.
  }
  return {
    id: randomBytes(8).toString("hex"),
    owner: `${user}@${hostname()}`,
    pid: String(process.pid),
    time: now.toISOString(),
    operation,
  };
}

function infoFile(lockDir: string): string {
  return `${lockDir}/info`;
}

/** The marker file that says "this lock is held by run `id`" (ids are hex: safe in a path). */
export function lockMarker(lockDir: string, id: string): string {
  return `${lockDir}/held-${id}`;
}

/** Takes the lock (mkdir + info + marker); the section's status is 0 only when this call took it. */
export function acquireLockPart(lockDir: string, info: LockInfo): BatchPart {
  const printf = [
    "printf",
    shellQuote("id=%s\\nowner=%s\\npid=%s\\ntime=%s\\noperation=%s\\n"),
    ...[info.id, info.owner, info.pid, info.time, info.operation].map(shellQuote),
  ].join(" ");
  return {
    name: "lock",
    commandLine: `mkdir ${shellQuote(lockDir)} 2>/dev/null && ${printf} > ${shellQuote(infoFile(lockDir))} && echo > ${shellQuote(lockMarker(lockDir, info.id))}`,
  };
}

/** Prints the holder's info file (empty output when there is no lock). */
export function readLockPart(lockDir: string): BatchPart {
  return { name: "lock-info", commandLine: `cat ${shellQuote(infoFile(lockDir))} 2>/dev/null` };
}

/**
 * Releases the lock only if it still carries `id`'s marker: status 0 when this exec removed it,
 * non-zero when there was no such lock (already released, or another run's). The aside name is
 * this run's own, so a copy left by a release cut short is removed first.
 */
export function releaseLockPart(lockDir: string, id: string): BatchPart {
  const aside = shellQuote(`${lockDir}.released-${id}`);
  return {
    name: "unlock",
    commandLine: `rm -rf ${aside}; test -f ${shellQuote(lockMarker(lockDir, id))} && mv ${shellQuote(lockDir)} ${aside} && rm -rf ${aside}`,
  };
}

/** What a release found: removed it, nothing to remove, or another run's lock (left alone). */
export type ReleaseOutcome =
  | { readonly kind: "released"; readonly holder?: LockInfo }
  | { readonly kind: "absent" }
  | { readonly kind: "other"; readonly holder?: LockInfo };

/**
 * One id-checked release with what its report needs, as batch parts: the holder before, the
 * release, whether a lock is left, and its holder. Read back with `releaseOutcomeOf`.
 */
export function releaseParts(lockDir: string, id: string): BatchPart[] {
  return [{ ...readLockPart(lockDir), name: "lock-before" }, releaseLockPart(lockDir, id), lockExistsPart(lockDir), readLockPart(lockDir)];
}

/** The outcome of the `releaseParts` of one exec, from its sections. */
export function releaseOutcomeOf(sections: ReadonlyMap<string, BatchSection>): ReleaseOutcome {
  const text = (name: string) => sections.get(name)?.output ?? "";
  return releaseOutcome(sections.get("unlock")?.exitStatus ?? null, text("lock-info"), sections.get("lock-exists")?.exitStatus === 0, text("lock-before"));
}

/** Decides a release from its section status and the lock-info read after it in the same exec. */
function releaseOutcome(unlockStatus: number | null, infoAfter: string, lockExistsAfter: boolean, infoBefore = ""): ReleaseOutcome {
  if (unlockStatus === 0) {
    const removed = parseLockInfo(infoBefore);
    return removed ? { kind: "released", holder: removed } : { kind: "released" };
  }
  if (!lockExistsAfter) return { kind: "absent" };
  const holder = parseLockInfo(infoAfter);
  return holder ? { kind: "other", holder } : { kind: "other" };
}

/** Tells whether the lock directory exists (section status 0 when it does). */
export function lockExistsPart(lockDir: string): BatchPart {
  return { name: "lock-exists", commandLine: `test -d ${shellQuote(lockDir)}` };
}

/** Parses the info file; undefined when it is absent or not ours to read. */
export function parseLockInfo(text: string): LockInfo | undefined {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const eq = line.indexOf("=");
    if (eq > 0) fields.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  const id = fields.get("id");
  if (!id) return undefined;
  return {
    id,
    owner: fields.get("owner") ?? "unknown",
    pid: fields.get("pid") ?? "?",
    time: fields.get("time") ?? "?",
    operation: fields.get("operation") ?? "?",
  };
}

export function describeLockHolder(info: LockInfo): string {
  return `held by ${info.owner} (pid ${info.pid}, ${info.operation}) since ${info.time}, lock id ${info.id}`;
}

/**
 * Whether the holder is a process of this machine that no longer runs: then the lock is stale
 * for certain. Undefined when it cannot be told (another machine, no pid, no permission).
 */
export function holderProcessGone(info: LockInfo, isAlive: (pid: number) => boolean = processAlive): boolean | undefined {
  const at = info.owner.lastIndexOf("@");
  if (at < 0 || info.owner.slice(at + 1) !== hostname()) return undefined;
  const pid = Number(info.pid);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return !isAlive(pid);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** How to release a lock left behind: by id, or by hand when it has no owner file. */
export function releaseHint(hostId: string, lockDir: string, holder: LockInfo | undefined): string {
  return holder
    ? `ldoms force-unlock ${hostId} ${holder.id}`
    : `rm -r ${lockDir} on ${hostId} (the lock has no owner file, so force-unlock cannot check its id; a run was killed while taking it)`;
}

/** The error for a lock held by another run: who holds it, whether it is stale, how to release it. */
export function lockHeldError(hostId: string, lockDir: string, holder: LockInfo | undefined, waitedMs?: number): ApplyError {
  const gone = holder ? holderProcessGone(holder) : undefined;
  const waited = waitedMs === undefined ? "" : ` (still, after waiting ${Math.round(waitedMs / 1000)} s: --lock-timeout)`;
  const who = `${waited}${holder ? `: ${describeLockHolder(holder)}` : " (no owner information)"}`;
  const advice = gone
    ? `Its owner process (pid ${holder?.pid} on this machine) is no longer running, so the lock is stale. Release it with: ${releaseHint(hostId, lockDir, holder)}`
    : `Wait for it to finish. If no run is active (a killed pipeline), release it with: ${releaseHint(hostId, lockDir, holder)}`;
  return new ApplyError(`${hostId}: another run holds the lock ${lockDir} on this host${who}. ${advice}`, hostId);
}
