/**
 * The per-host lock on the control domain: an atomic `mkdir` of a lock directory, with a small
 * file inside saying who holds it. Two pipelines cannot both create the directory, so only one
 * changes a machine at a time. A lock left behind (a killed run) is reported with its owner,
 * never stolen; `ldoms force-unlock HOST LOCK-ID` removes it explicitly.
 */
import { randomBytes } from "node:crypto";
import { hostname, userInfo } from "node:os";
import { ApplyError } from "../model";
import { shellQuote } from "../ldm/quote";
import type { BatchPart } from "./read-batch";

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

/** Takes the lock (mkdir + info file); the section's status is 0 only when this call took it. */
export function acquireLockPart(lockDir: string, info: LockInfo): BatchPart {
  const printf = [
    "printf",
    shellQuote("id=%s\\nowner=%s\\npid=%s\\ntime=%s\\noperation=%s\\n"),
    ...[info.id, info.owner, info.pid, info.time, info.operation].map(shellQuote),
  ].join(" ");
  return {
    name: "lock",
    commandLine: `mkdir ${shellQuote(lockDir)} 2>/dev/null && ${printf} > ${shellQuote(infoFile(lockDir))}`,
  };
}

/** Prints the holder's info file (empty output when there is no lock). */
export function readLockPart(lockDir: string): BatchPart {
  return { name: "lock-info", commandLine: `cat ${shellQuote(infoFile(lockDir))} 2>/dev/null` };
}

export function releaseLockPart(lockDir: string): BatchPart {
  return { name: "unlock", commandLine: `rm -rf ${shellQuote(lockDir)}` };
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

/** The error for a lock held by another run: who holds it, and how to release it if stale. */
export function lockHeldError(hostId: string, lockDir: string, holder: LockInfo | undefined): ApplyError {
  return new ApplyError(
    `${hostId}: another run holds the lock ${lockDir} on this host${holder ? `: ${describeLockHolder(holder)}` : " (no owner information)"}. Wait for it to finish. If no run is active (a killed pipeline), release it with: ldoms force-unlock ${hostId} ${holder?.id ?? "<lock id>"}`,
    hostId,
  );
}
