import { randomBytes } from "node:crypto";
import { closeSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";

/**
 * An exclusive lock between processes on one machine: a lock file created with O_EXCL (atomic
 * on every local filesystem), holding who owns it. Waiting is a synchronous sleep with growing
 * back-off, because the lab's store updates are synchronous and short.
 */
export interface FileLockOptions {
  /** Give up waiting after this long. Default 30 s. */
  readonly timeoutMs?: number;
  /** A lock older than this is stale whatever its owner. Default 10 s (updates take milliseconds). */
  readonly staleMs?: number;
}

interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly at: number;
  readonly token: string;
}

export class LockTimeoutError extends Error {
  constructor(readonly lockPath: string, owner: string) {
    super(`could not lock ${lockPath} within the time allowed (held by ${owner}); remove the file if no lab ldm is running`);
    this.name = "LockTimeoutError";
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

export function withFileLock<T>(lockPath: string, fn: () => T, options: FileLockOptions = {}): T {
  const token = acquire(lockPath, options.timeoutMs ?? 30_000, options.staleMs ?? 10_000);
  try {
    return fn();
  } finally {
    release(lockPath, token);
  }
}

function acquire(lockPath: string, timeoutMs: number, staleMs: number): string {
  const owner: LockOwner = { pid: process.pid, host: hostname(), at: Date.now(), token: randomBytes(8).toString("hex") };
  const deadline = Date.now() + timeoutMs;
  let delay = 1;
  for (;;) {
    try {
      const fd = openSync(lockPath, "wx", 0o644);
      try {
        writeSync(fd, JSON.stringify({ ...owner, at: Date.now() }));
      } finally {
        closeSync(fd);
      }
      return owner.token;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const current = readOwner(lockPath);
    if (current !== undefined && isStale(lockPath, current, staleMs)) {
      breakStaleLock(lockPath, current);
      continue;
    }
    if (Date.now() > deadline) throw new LockTimeoutError(lockPath, describe(current));
    sleepSync(delay + Math.random() * delay);
    delay = Math.min(delay * 2, 50);
  }
}

/** The owner recorded in the lock file; `null` if it is empty or unreadable; undefined if gone. */
function readOwner(lockPath: string): LockOwner | null | undefined {
  let text: string;
  try {
    text = readFileSync(lockPath, "utf8");
  } catch {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as LockOwner;
    return typeof parsed.pid === "number" && typeof parsed.token === "string" ? parsed : null;
  } catch {
    return null; // created, not yet written (or its writer died in between)
  }
}

function isStale(lockPath: string, owner: LockOwner | null, staleMs: number): boolean {
  if (owner === null) {
    // No content: judge by the file's age, since its owner may be writing it right now.
    try {
      return Date.now() - statSync(lockPath).mtimeMs > staleMs;
    } catch {
      return false;
    }
  }
  if (Date.now() - owner.at > staleMs) return true;
  if (owner.host !== hostname()) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/**
 * Moves a stale lock aside (rename is atomic, so of several breakers one wins), then checks it
 * moved the lock it judged: if a fresh lock slipped in between, it is put back.
 */
function breakStaleLock(lockPath: string, judged: LockOwner | null): void {
  const aside = `${lockPath}.stale-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    renameSync(lockPath, aside);
  } catch {
    return; // someone else broke or released it
  }
  const moved = readOwner(aside);
  const sameLock = judged === null ? moved === null : moved?.token === judged.token;
  if (!sameLock) {
    try {
      linkSync(aside, lockPath);
    } catch {
      // A newer lock is already in place: the one we moved had been released meanwhile.
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    // already gone
  }
}

function release(lockPath: string, token: string): void {
  const owner = readOwner(lockPath);
  if (owner && owner.token === token) unlinkSync(lockPath);
}

function describe(owner: LockOwner | null | undefined): string {
  if (!owner) return "an unknown process";
  return `pid ${owner.pid} on ${owner.host} since ${new Date(owner.at).toISOString()}`;
}
