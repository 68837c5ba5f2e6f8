/**
 * Reading a control domain under this run's lock, and releasing the lock. The first read of a
 * host takes its lock in the same exec; a release never removes another run's lock, and one
 * that fails leaves a note for the report (`locksLeft`) with the force-unlock command.
 */
import { ApplyError, MigrationError } from "../../model";
import type { HostSession } from "../host-session";
import { acquireHostLock, lockMayRemain, releaseHostLock } from "../host-lock";
import { DEFAULT_LOCK_DIR } from "../lock";
import type { EngineEvent } from "../events";
import { readHost } from "../observe";
import type { ObservedHost } from "../observed-state";
import { retryUnknown } from "../retry-unknown";
import type { Ctx } from "./context";
import type { MigrateOptions } from "./options";

/** The lock directory of each host id, from the `lockDir` option. */
export function lockDirOf(option: MigrateOptions["lockDir"]): (hostId: string) => string {
  if (typeof option === "function") return option;
  const dir = option ?? DEFAULT_LOCK_DIR;
  return () => dir;
}

/**
 * Reads a control domain, taking the lock in the same exec the first time. Both are retried
 * after an unknown outcome (finding this run's id in the lock means an earlier attempt took it);
 * a read that fails after taking the lock releases it again.
 */
export async function read(ctx: Ctx, session: HostSession, previous?: ObservedHost): Promise<ObservedHost> {
  const retry = ctx.options.sleep ? { sleep: ctx.options.sleep } : {};
  if (ctx.held.has(session)) {
    return (await retryUnknown(() => readHost(session, previous ? { previous } : {}), retry, true)).observed;
  }
  try {
    const dir = ctx.lockDir(session.id);
    const onEvent = (event: EngineEvent) => ctx.options.onEvent?.({ type: "engine", event });
    const held = await acquireHostLock(session, ctx.lock, dir, { ...retry, lockTimeoutMs: ctx.options.lockTimeoutMs ?? 0, onEvent });
    ctx.held.add(session);
    ctx.options.onEvent?.({ type: "engine", event: { type: "lock-taken", host: session.id, dir: ctx.lockDir(session.id), lockId: ctx.lock.id } });
    return held.observed;
  } catch (error) {
    if (lockMayRemain(error)) ctx.locksLeft.set(session.id, ctx.lock.id);
    // Another run's lock: the migration stops here with its owner and the release command.
    if (error instanceof ApplyError) throw new MigrationError(error.message);
    throw error;
  }
}

/**
 * Reads both control domains (locking each the first time). Locks are taken one after the other
 * in host-id order, so two runs waiting for each other's hosts cannot deadlock; once held, both
 * are read at once.
 */
export async function readBoth(ctx: Ctx): Promise<[ObservedHost, ObservedHost]> {
  if (ctx.held.has(ctx.source) && ctx.held.has(ctx.target)) return Promise.all([read(ctx, ctx.source), read(ctx, ctx.target)]);
  const [first, second] = ctx.source.id <= ctx.target.id ? [ctx.source, ctx.target] : [ctx.target, ctx.source];
  const firstRead = await read(ctx, first);
  const secondRead = await read(ctx, second);
  return first === ctx.source ? [firstRead, secondRead] : [secondRead, firstRead];
}

/** Releases this run's lock (id-checked: never another run's); a failure is reported in the summary. */
export async function release(ctx: Ctx, session: HostSession): Promise<void> {
  ctx.held.delete(session);
  try {
    await releaseHostLock(session, ctx.lockDir(session.id), ctx.lock, ctx.options.sleep ? { sleep: ctx.options.sleep } : {});
    ctx.options.onEvent?.({ type: "engine", event: { type: "lock-released", host: session.id, dir: ctx.lockDir(session.id), lockId: ctx.lock.id } });
  } catch {
    // Unreachable now: the lock stays and names this run; the report says how to remove it.
    ctx.locksLeft.set(session.id, ctx.lock.id);
  }
}
