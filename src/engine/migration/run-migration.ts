/**
 * `ldoms migrate`: prove, dry-run, migrate, prove again (DESIGN §5).
 *
 * One connection per control domain (and one to the guest, when it has access). Both control
 * domains are locked for the whole run. Order: read both hosts (lock in the same exec); a domain
 * already on the target is verified, never migrated twice; preparation must be converged (or is
 * converged with `apply`); the guest's IPMP group is read (and configured with `apply`); rules
 * 1-5 are checked; `ldm migrate-domain -n` is rule 6; then, unless dry run, a fresh read proves
 * nothing moved meanwhile, `ldm migrate-domain` runs while a second channel polls progress, and
 * the result is proven by a re-read of both hosts and the guest.
 */
import { ApplyError, MigrationError, ValidationError, type Inventory, type MigrationPlan, type PlanDocument } from "../../model";
import { MIGRATION_STATUS_PROGRESS_KEY } from "../../ldm/assumptions";
import { ldmCommandLine } from "../../ldm/quote";
import { applyHosts, type ApplyOptions } from "../apply-run";
import { engineHosts } from "../inventory-file";
import { HostSession, isOutcomeUnknown, type ConnectHost } from "../host-session";
import { acquireHostLock, lockMayRemain, releaseHostLock } from "../host-lock";
import { DEFAULT_LOCK_DIR, newLockInfo, type LockInfo } from "../lock";
import { readHost } from "../observe";
import { retryUnknown } from "../retry-unknown";
import type { CommandTimeouts } from "../timeouts";
import { findDomain, findVfByName, fingerprintObservedHost, type ObservedHost } from "../observed-state";
import { asLdomsError, evaluateHost, type EngineHost } from "../plan-run";
import type { MigrationControl } from "./control";
import type { MigrationEventSink } from "./events";
import { guestTarget, type GuestTarget } from "./guest-access";
import { GuestReadError, observeGuest, type GuestObservation } from "./guest-ipmp";
import { convergeGuestIpmp } from "./guest-ipmp-apply";
import { desiredDomainOf, postGuestProblems, preflightChecks, type GuestView, type PreflightInput } from "./preflight";
import type { MigrationCheck, MigrationOutcome, MigrationReport, MigrationRunInfo } from "./report";

export interface MigrateOptions {
  readonly connect: ConnectHost;
  readonly document: PlanDocument;
  readonly migrationId: string;
  readonly inventory?: Inventory;
  /** Stop after the dry run (rule 6). */
  readonly dryRun?: boolean;
  /** Converge the preparation (both hosts, and the guest's IPMP group when it has access) first. */
  readonly apply?: boolean;
  /** Proceed although a rule could not be verified (no guest access). */
  readonly acceptUnverified?: boolean;
  /** Asked after the dry run, before the real migration; absent = approved (--auto-approve). */
  readonly confirm?: (question: string) => Promise<boolean>;
  /** Asked before --apply changes hosts; absent = approved. */
  readonly confirmApply?: ApplyOptions["confirm"];
  /** Asked before --apply runs `ipadm` in the guest (the command lines); absent = approved. */
  readonly confirmGuest?: (commandLines: readonly string[]) => Promise<boolean>;
  readonly onEvent?: MigrationEventSink;
  readonly control?: MigrationControl;
  /** Interval of the progress poll (`ldm list -o status -p`). Default 500 ms. */
  readonly pollIntervalMs?: number;
  /** How long post-verify waits for the guest's IPMP group to fail back to the VF. Default 15 s. */
  readonly guestSettleMs?: number;
  /** Limits per exec kind (or one number for every command); defaults in timeouts.ts. */
  readonly commandTimeoutMs?: number | CommandTimeouts;
  /** Lock directory on each control domain (default /var/tmp/ldoms.lock), or one per host id. */
  readonly lockDir?: string | ((hostId: string) => string);
  readonly invTimeoutMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Ctx {
  readonly options: MigrateOptions;
  readonly migration: MigrationPlan;
  readonly sourceHost: EngineHost;
  readonly targetHost: EngineHost;
  readonly source: HostSession;
  readonly target: HostSession;
  readonly guest?: { readonly session: HostSession; readonly plan: GuestTarget };
  readonly lock: LockInfo;
  readonly lockDir: (hostId: string) => string;
  readonly held: Set<HostSession>;
  /** Locks that could not be released (host unreachable): host id -> lock id. */
  readonly locksLeft: Map<string, string>;
  /** State of the domain on the source when the preflight read it. */
  sourceState?: string;
  readonly report: Mutable;
  readonly applyMutating: Record<string, number>;
}

type Mutable = {
  -readonly [K in keyof MigrationReport]: MigrationReport[K] extends readonly (infer T)[] ? T[] : MigrationReport[K];
};

/** Finds the migration by id, with the fix when it is not there. */
export function findMigration(document: PlanDocument, id: string): MigrationPlan {
  const migration = document.migrations.find((m) => m.id === id);
  if (!migration) {
    const ids = document.migrations.map((m) => m.id);
    throw new ValidationError(`no migration ${id} in stack ${document.stack}; ${ids.length ? `migrations: ${ids.join(", ")}` : "declare one with SriovMigration"}`);
  }
  return migration;
}

export function targetOperand(m: MigrationPlan): string {
  return `${m.targetUser ? `${m.targetUser}@` : ""}${m.targetAddress}`;
}

/** `migrate-domain` arguments: `-c` or `-p FILE` (a path on the source, never a password). */
export function migrateArgv(m: MigrationPlan, dryRun: boolean): string[] {
  const auth = m.auth.kind === "certificate" ? ["-c"] : ["-p", m.auth.path];
  return ["migrate-domain", ...(dryRun ? ["-n"] : []), ...auth, m.domain, targetOperand(m)];
}

function ldmLine(session: HostSession, argv: readonly string[]): string {
  const c = session.target.connection;
  return ldmCommandLine(argv, { ldmPath: c.ldmPath, pfexec: c.pfexec });
}

export async function runMigration(options: MigrateOptions): Promise<MigrationReport> {
  const migration = findMigration(options.document, options.migrationId);
  const hosts = engineHosts(options.document, { ...(options.inventory ? { inventory: options.inventory } : {}), hostIds: [migration.sourceHost, migration.targetHost] });
  const pick = (id: string, role: string): EngineHost => {
    const host = hosts.find((h) => h.target.id === id);
    if (!host) throw new ValidationError(`migration ${migration.id}: ${role} host ${id} is not a host of stack ${options.document.stack}`);
    return host;
  };
  const sourceHost = pick(migration.sourceHost, "source");
  const targetHost = pick(migration.targetHost, "target");
  const guestPlan = guestTarget(options.document, migration.sourceHost, migration.domain, options.inventory);
  const ctx: Ctx = {
    options,
    migration,
    sourceHost,
    targetHost,
    source: new HostSession(sourceHost.target, options.connect, options.commandTimeoutMs),
    target: new HostSession(targetHost.target, options.connect, options.commandTimeoutMs),
    ...(guestPlan ? { guest: { session: new HostSession(guestPlan.target, options.connect, options.commandTimeoutMs), plan: guestPlan } } : {}),
    lock: newLockInfo(`ldoms migrate ${migration.id}`),
    lockDir: lockDirOf(options.lockDir),
    held: new Set(),
    locksLeft: new Map(),
    applyMutating: {},
    report: {
      migration: migration.id,
      domain: migration.domain,
      source: migration.sourceHost,
      target: migration.targetHost,
      targetOperand: targetOperand(migration),
      outcome: "preflight-failed",
      summary: "",
      missingPreparation: [],
      applied: [],
      guestActions: [],
      preflight: [],
      postVerify: [],
      mutatingCommands: {},
    },
  };
  try {
    await run(ctx);
  } catch (error) {
    if (!(error instanceof Interrupted)) throw error;
    finish(ctx, "interrupted", `Interrupted before the migration started; nothing was migrated: ${migration.domain} stays on ${migration.sourceHost}.`);
  } finally {
    for (const session of [...ctx.held]) await release(ctx, session);
    await Promise.all([ctx.source.close(), ctx.target.close(), ctx.guest?.session.close()]);
  }
  for (const [host, lockId] of ctx.locksLeft) {
    ctx.report.summary += ` The lock on ${host} could not be released; once it is reachable: ldoms force-unlock ${host} ${lockId}`;
  }
  ctx.report.mutatingCommands = {
    [migration.sourceHost]: ctx.source.counters.mutatingExecs + (ctx.applyMutating[migration.sourceHost] ?? 0),
    [migration.targetHost]: ctx.target.counters.mutatingExecs + (ctx.applyMutating[migration.targetHost] ?? 0),
  };
  return ctx.report as MigrationReport;
}

function lockDirOf(option: MigrateOptions["lockDir"]): (hostId: string) => string {
  if (typeof option === "function") return option;
  const dir = option ?? DEFAULT_LOCK_DIR;
  return () => dir;
}

/** Thrown at a phase boundary after Ctrl-C (before the migration command runs). */
class Interrupted extends Error {}

function phase(ctx: Ctx, message: string): void {
  if (ctx.options.control?.interrupted) throw new Interrupted();
  ctx.options.onEvent?.({ type: "phase", message });
}

function finish(ctx: Ctx, outcome: MigrationOutcome, summary: string): void {
  ctx.report.outcome = outcome;
  ctx.report.summary = summary;
}

/**
 * Reads a control domain, taking the lock in the same exec the first time. Both are retried
 * after an unknown outcome (finding this run's id in the lock means an earlier attempt took it);
 * a read that fails after taking the lock releases it again.
 */
async function read(ctx: Ctx, session: HostSession, previous?: ObservedHost): Promise<ObservedHost> {
  const retry = ctx.options.sleep ? { sleep: ctx.options.sleep } : {};
  if (ctx.held.has(session)) {
    return (await retryUnknown(() => readHost(session, previous ? { previous } : {}), retry, true)).observed;
  }
  try {
    const held = await acquireHostLock(session, ctx.lock, ctx.lockDir(session.id), retry);
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

/** Releases this run's lock (id-checked: never another run's); a failure is reported in the summary. */
async function release(ctx: Ctx, session: HostSession): Promise<void> {
  ctx.held.delete(session);
  try {
    await releaseHostLock(session, ctx.lockDir(session.id), ctx.lock, ctx.options.sleep ? { sleep: ctx.options.sleep } : {});
    ctx.options.onEvent?.({ type: "engine", event: { type: "lock-released", host: session.id, dir: ctx.lockDir(session.id), lockId: ctx.lock.id } });
  } catch {
    // Unreachable now: the lock stays and names this run; the report says how to remove it.
    ctx.locksLeft.set(session.id, ctx.lock.id);
  }
}

function unreachableSummary(ctx: Ctx, error: unknown, when: string, migrated: boolean): string {
  const message = asLdomsError(error).message.split("\n")[0];
  const where = migrated ? "" : ` Nothing was migrated: ${ctx.migration.domain} still runs on ${ctx.migration.sourceHost}.`;
  return `${when}: ${message}${where} Run ldoms migrate ${ctx.migration.id} again once the host is reachable.`;
}

async function run(ctx: Ctx): Promise<void> {
  const m = ctx.migration;
  phase(ctx, `reading ${m.sourceHost} and ${m.targetHost}`);
  let source: ObservedHost;
  let target: ObservedHost;
  try {
    [source, target] = await Promise.all([read(ctx, ctx.source), read(ctx, ctx.target)]);
  } catch (error) {
    if (error instanceof MigrationError) throw error;
    return finish(ctx, "unreachable", unreachableSummary(ctx, error, "reading the control domains failed", false));
  }

  if (!findDomain(source, m.domain) && findDomain(target, m.domain)) {
    phase(ctx, `${m.domain} is already on ${m.targetHost}: verifying instead of migrating`);
    await postVerify(ctx, source, target);
    const ok = verified(ctx);
    return finish(
      ctx,
      ok ? "already-migrated" : "verify-failed",
      ok
        ? `${m.domain} had already migrated to ${m.targetHost}; nothing was migrated again, and every check of the result passed.`
        : `${m.domain} is on ${m.targetHost}, but the result does not check out: ${failedSummary(ctx.report.postVerify)}`,
    );
  }

  // Preparation: both hosts converged (zero planned actions, no precondition problems).
  let missing = missingPreparation(ctx, source, target);
  if (missing.length && ctx.options.apply) {
    phase(ctx, `preparing: ${missing.length} change(s) to converge (ldoms apply)`);
    for (const session of [...ctx.held]) await release(ctx, session);
    const applyOptions = (lockDir: string): ApplyOptions => ({
      connect: ctx.options.connect,
      operation: `ldoms migrate ${m.id} --apply`,
      lockDir,
      ...(ctx.options.invTimeoutMs ? { invTimeoutMs: ctx.options.invTimeoutMs } : {}),
      ...(ctx.options.commandTimeoutMs ? { commandTimeoutMs: ctx.options.commandTimeoutMs } : {}),
      ...(ctx.options.confirmApply ? { confirm: ctx.options.confirmApply } : {}),
      ...(ctx.options.onEvent ? { onEvent: (event) => ctx.options.onEvent?.({ type: "engine", event }) } : {}),
    });
    const sourceLock = ctx.lockDir(m.sourceHost);
    const targetLock = ctx.lockDir(m.targetHost);
    // One apply for both hosts (one approval); two only when their lock directories differ.
    const applied =
      sourceLock === targetLock
        ? await applyHosts([ctx.sourceHost, ctx.targetHost], applyOptions(sourceLock))
        : { hosts: [...(await applyHosts([ctx.sourceHost], applyOptions(sourceLock))).hosts, ...(await applyHosts([ctx.targetHost], applyOptions(targetLock))).hosts] };
    for (const h of applied.hosts) {
      ctx.applyMutating[h.id] = h.mutatingCommands;
      ctx.report.applied.push(`${h.id}: ${h.status}, ${h.mutatingCommands} change(s)`);
    }
    const failed = applied.hosts.find((h) => h.status !== "applied" && h.status !== "unchanged");
    if (failed) {
      ctx.report.missingPreparation = missing;
      return finish(ctx, "not-prepared", `Preparation failed on ${failed.id} (${failed.error?.message.split("\n")[0] ?? failed.stopReason ?? failed.status}); nothing was migrated: ${m.domain} still runs on ${m.sourceHost}.`);
    }
    try {
      [source, target] = await Promise.all([read(ctx, ctx.source), read(ctx, ctx.target)]);
    } catch (error) {
      if (error instanceof MigrationError) throw error;
      return finish(ctx, "unreachable", unreachableSummary(ctx, error, "re-reading after preparation failed", false));
    }
    missing = missingPreparation(ctx, source, target);
  }
  ctx.report.missingPreparation = missing;

  ctx.sourceState = findDomain(source, m.domain)?.state;
  const guest = await guestView(ctx, source);
  const input: PreflightInput = { migration: m, sourcePlan: ctx.sourceHost.plan, targetPlan: ctx.targetHost.plan, source, target, guest };
  phase(ctx, "preflight: rules 1-5 of the migration contract");
  ctx.report.preflight = preflightChecks(input);
  for (const c of ctx.report.preflight) ctx.options.onEvent?.({ type: "check", check: c });

  if (missing.length) {
    return finish(ctx, "not-prepared", `The preparation is not converged (${missing.length} change(s) missing); nothing was changed. Run ldoms apply, or ldoms migrate ${m.id} --apply.`);
  }
  const failed = ctx.report.preflight.filter((c) => c.status === "failed");
  const unverified = ctx.report.preflight.filter((c) => c.status === "unverified");
  if (failed.length) {
    return finish(ctx, "preflight-failed", `Preflight failed (${failed.map((c) => `rule ${c.rule}`).join(", ")}); nothing was changed: ${m.domain} stays on ${m.sourceHost}.`);
  }
  if (unverified.length && !ctx.options.acceptUnverified) {
    return finish(ctx, "preflight-failed", `Rule ${unverified.map((c) => c.rule).join(", ")} could not be verified; nothing was changed. Verify it by hand and pass --accept-unverified to proceed.`);
  }

  // Rule 6: the dry run, by ldm itself.
  const dryLine = ldmLine(ctx.source, migrateArgv(m, true));
  phase(ctx, "rule 6: dry run (ldm migrate-domain -n)");
  let dry;
  try {
    dry = await ctx.source.exec(dryLine, "read");
  } catch (error) {
    return finish(ctx, "unreachable", unreachableSummary(ctx, error, `the dry run on ${m.sourceHost} could not complete`, false));
  }
  const dryOutput = `${dry.stdout}${dry.stderr}`.trim();
  ctx.report.dryRun = { commandLine: dryLine, exitStatus: dry.exitStatus, output: dryOutput };
  const dryCheck: MigrationCheck =
    dry.exitStatus === 0
      ? { id: "preflight/6-dry-run", rule: 6, status: "passed", message: `ldm migrate-domain -n succeeded on ${m.sourceHost}` }
      : {
          id: "preflight/6-dry-run",
          rule: 6,
          status: "failed",
          message: `ldm migrate-domain -n refused (exit status ${dry.exitStatus}): ${dryOutput.split("\n").join(" / ") || "(no output)"}`,
          fix: "correct what ldm names (on the target: virtual disk volumes, firmware, ldmd reachability and certificates) and run again",
        };
  ctx.report.preflight.push(dryCheck);
  ctx.options.onEvent?.({ type: "check", check: dryCheck });
  if (dryCheck.status === "failed") {
    return finish(ctx, "dry-run-refused", `ldm refused the dry run; nothing was changed: ${m.domain} stays on ${m.sourceHost}.`);
  }
  if (ctx.options.dryRun) {
    return finish(ctx, "dry-run-passed", `Every preflight check and the dry run passed; nothing was changed (--dry-run). Migrate with: ldoms migrate ${m.id}`);
  }
  if (ctx.options.confirm && !(await ctx.options.confirm(`Migrate ${m.domain} from ${m.sourceHost} to ${m.targetHost} now?`))) {
    return finish(ctx, "declined", `Not confirmed; nothing was changed: ${m.domain} stays on ${m.sourceHost}.`);
  }

  // A fresh read of both hosts: nothing may have moved since the preflight.
  try {
    const [s2, t2] = await Promise.all([read(ctx, ctx.source, undefined), read(ctx, ctx.target, undefined)]);
    const changed = [
      fingerprintObservedHost(s2) !== fingerprintObservedHost(source) ? m.sourceHost : undefined,
      fingerprintObservedHost(t2) !== fingerprintObservedHost(target) ? m.targetHost : undefined,
    ].filter(Boolean);
    if (changed.length) {
      return finish(ctx, "preflight-failed", `${changed.join(" and ")} changed since the preflight; nothing was migrated. Run ldoms migrate ${m.id} again.`);
    }
  } catch (error) {
    if (error instanceof MigrationError) throw error;
    return finish(ctx, "unreachable", unreachableSummary(ctx, error, "a host became unreachable after the preflight", false));
  }

  if (ctx.options.control?.interrupted) throw new Interrupted();
  const runInfo = await migrate(ctx);
  ctx.report.run = runInfo;
  if (runInfo.exitStatus !== 0) {
    let after: ObservedHost | undefined;
    try {
      after = await read(ctx, ctx.source);
    } catch {
      after = undefined;
    }
    const stillOnSource = after ? findDomain(after, m.domain) : undefined;
    // The connection dropped while ldm ran (outcome unknown): ldm goes on without its shell, so
    // a domain gone from the source may have arrived; prove it instead of guessing.
    const unknownButGone = runInfo.exitStatus === null && after !== undefined && !stillOnSource;
    if (!unknownButGone) {
      const where = after
        ? stillOnSource
          ? `${m.domain} is still on ${m.sourceHost} (${stillOnSource.state})`
          : `${m.domain} is no longer on ${m.sourceHost}: run ldoms migrate ${m.id} again to verify it on ${m.targetHost}`
        : `${m.sourceHost} could not be re-read; run ldoms migrate ${m.id} again to find out where ${m.domain} is`;
      const why = runInfo.stderr.trim().split("\n").join(" / ") || `exit status ${runInfo.exitStatus ?? "unknown"}`;
      return finish(ctx, runInfo.cancelRequested ? "cancelled" : "migration-failed", `${runInfo.cancelRequested ? "Cancelled" : "The migration failed"}: ${why}. ${where}.`);
    }
    phase(ctx, `the outcome of ldm migrate-domain is unknown (${runInfo.stderr}), and ${m.domain} is no longer on ${m.sourceHost}: verifying`);
  }

  phase(ctx, "post-verify");
  let s3: ObservedHost;
  let t3: ObservedHost;
  try {
    [s3, t3] = await Promise.all([read(ctx, ctx.source), read(ctx, ctx.target)]);
  } catch (error) {
    return finish(ctx, "unreachable", unreachableSummary(ctx, error, "ldm reported success, but the hosts could not be re-read to prove it", true));
  }
  await postVerify(ctx, s3, t3);
  const ok = verified(ctx);
  finish(
    ctx,
    ok ? "migrated" : "verify-failed",
    ok
      ? `${m.domain} migrated from ${m.sourceHost} to ${m.targetHost} in ${(runInfo.durationMs / 1000).toFixed(1)} s; every check of the result passed.`
      : `ldm reported success, but the result does not check out: ${failedSummary(ctx.report.postVerify)}`,
  );
}

/** Every post-verify check passed (an unverified one counts when the user accepted that). */
function verified(ctx: Ctx): boolean {
  return ctx.report.postVerify.every((c) => c.status === "passed" || (c.status === "unverified" && ctx.options.acceptUnverified === true));
}

function failedSummary(checks: readonly MigrationCheck[]): string {
  return checks.filter((c) => c.status !== "passed").map((c) => c.message).join("; ");
}

function missingPreparation(ctx: Ctx, source: ObservedHost, target: ObservedHost): string[] {
  const out: string[] = [];
  for (const [host, observed] of [[ctx.sourceHost, source], [ctx.targetHost, target]] as const) {
    const evaluated = evaluateHost(host.plan, observed, false);
    for (const a of evaluated.actions) out.push(`${host.target.id}: ${a.symbol} ${a.summary}`);
    for (const p of evaluated.problems) out.push(`${host.target.id}: ${p}`);
  }
  return out;
}

/** Reads the guest (and configures its IPMP group with --apply). */
async function guestView(ctx: Ctx, source: ObservedHost): Promise<GuestView> {
  const m = ctx.migration;
  if (!ctx.guest) return { kind: "no-access", script: "" };
  const { session, plan } = ctx.guest;
  phase(ctx, `reading guest ${m.domain} (IPMP)`);
  let observation: GuestObservation;
  try {
    observation = await observeGuest(session);
  } catch (error) {
    return { kind: "unreadable", id: session.id, message: error instanceof GuestReadError ? error.message : asLdomsError(error).message.split("\n")[0]! };
  }
  if (!ctx.options.apply) return { kind: "observed", id: session.id, observation };
  let changed = false;
  try {
    const result = await convergeGuestIpmp(session, m.domain, source, plan.ipmpGroups, {
      before: observation,
      ...(ctx.options.confirmGuest ? { confirm: ctx.options.confirmGuest } : {}),
      onCommand: (action) => {
        if (!changed) phase(ctx, `configuring IPMP in guest ${m.domain}`);
        changed = true;
        ctx.report.guestActions.push(action);
        ctx.options.onEvent?.({ type: "command", host: session.id, commandLine: action.commandLine, exitStatus: action.exitStatus });
      },
    });
    if (!result.actions.length) return { kind: "observed", id: session.id, observation: result.before };
  } catch (error) {
    if (error instanceof Interrupted) throw error;
    return { kind: "unreadable", id: session.id, message: error instanceof GuestReadError ? error.message : asLdomsError(error).message.split("\n")[0]! };
  }
  try {
    return { kind: "observed", id: session.id, observation: await observeGuest(session) };
  } catch (error) {
    return { kind: "unreadable", id: session.id, message: error instanceof GuestReadError ? error.message : asLdomsError(error).message.split("\n")[0]! };
  }
}

/** Runs `ldm migrate-domain` while a second channel polls `ldm list -o status -p DOMAIN`. */
async function migrate(ctx: Ctx): Promise<MigrationRunInfo> {
  const m = ctx.migration;
  const line = ldmLine(ctx.source, migrateArgv(m, false));
  const statusLine = ldmLine(ctx.source, ["list", "-o", "status", "-p", m.domain]);
  const sleep = ctx.options.sleep ?? defaultSleep;
  const interval = ctx.options.pollIntervalMs ?? 500;
  const started = Date.now();
  let done = false;
  let lastProgress: number | undefined;
  let cancelRequested = false;
  phase(ctx, `migrating ${m.domain} to ${m.targetHost}`);
  ctx.options.control?.attach(async () => {
    cancelRequested = true;
    const cancelLine = ldmLine(ctx.source, ["cancel-operation", "migration", m.domain]);
    try {
      const r = await ctx.source.exec(cancelLine, "mutating");
      ctx.options.onEvent?.({ type: "command", host: m.sourceHost, commandLine: cancelLine, exitStatus: r.exitStatus });
      return r.exitStatus === 0 ? `cancel requested: ${cancelLine}` : `cancel refused (exit status ${r.exitStatus}): ${`${r.stdout}${r.stderr}`.trim()}`;
    } catch (error) {
      return `cancel could not be sent: ${asLdomsError(error).message.split("\n")[0]}`;
    }
  });
  const poll = (async () => {
    while (!done) {
      await sleep(interval);
      if (done) break;
      try {
        const r = await ctx.source.exec(statusLine, "read");
        const match = new RegExp(`${MIGRATION_STATUS_PROGRESS_KEY}=(\\d+)`).exec(r.stdout);
        if (r.exitStatus === 0 && match) {
          const percent = Number(match[1]);
          if (lastProgress === undefined || percent >= lastProgress) {
            lastProgress = percent;
            ctx.options.onEvent?.({ type: "progress", percent, elapsedMs: Date.now() - started });
          }
        }
      } catch {
        // A lost poll is not the migration's failure; the migration exec decides.
        return;
      }
    }
  })();
  let exitStatus: number | null;
  let stdout = "";
  let stderr = "";
  try {
    const r = await ctx.source.exec(line, "migration");
    exitStatus = r.exitStatus;
    stdout = r.stdout;
    stderr = r.stderr;
  } catch (error) {
    exitStatus = null;
    stderr = isOutcomeUnknown(error)
      ? `the connection to ${m.sourceHost} was lost while ldm migrate-domain ran (outcome unknown)`
      : asLdomsError(error).message.split("\n")[0]!;
  } finally {
    done = true;
    ctx.options.control?.attach(undefined);
  }
  await poll;
  if (exitStatus === 0) ctx.options.onEvent?.({ type: "progress", percent: 100, elapsedMs: Date.now() - started });
  ctx.options.onEvent?.({ type: "command", host: m.sourceHost, commandLine: line, exitStatus });
  return {
    commandLine: line,
    exitStatus,
    stdout,
    stderr,
    durationMs: Date.now() - started,
    ...(lastProgress !== undefined ? { lastProgress: exitStatus === 0 ? 100 : lastProgress } : {}),
    cancelRequested: cancelRequested || ctx.options.control?.cancelRequested === true,
  };
}

/** Proves the result: where the domain and both VFs are, the vnets' switches, the guest's IPMP. */
async function postVerify(ctx: Ctx, source: ObservedHost, target: ObservedHost): Promise<void> {
  const m = ctx.migration;
  const checks: MigrationCheck[] = [];
  const push = (c: MigrationCheck) => {
    checks.push(c);
    ctx.options.onEvent?.({ type: "check", check: c });
  };
  const desired = desiredDomainOf(ctx.sourceHost.plan, m.domain);
  const arrived = findDomain(target, m.domain);
  // A bound domain migrates as bound; otherwise (active, or not seen before) it must run.
  const expected = ctx.sourceState === "bound" ? "bound" : "active";
  push(
    arrived?.state === expected
      ? { id: "post/domain-active-on-target", status: "passed", message: `${m.domain} is ${expected} on ${m.targetHost}` }
      : { id: "post/domain-active-on-target", status: "failed", message: arrived ? `${m.domain} is ${arrived.state} on ${m.targetHost}, not ${expected}` : `${m.domain} is not on ${m.targetHost}`, fix: `check ldm list on ${m.targetHost}` },
  );
  const left = findDomain(source, m.domain);
  push(
    !left
      ? { id: "post/domain-gone-from-source", status: "passed", message: `${m.domain} is no longer on ${m.sourceHost}` }
      : { id: "post/domain-gone-from-source", status: "failed", message: `${m.domain} is still on ${m.sourceHost} (${left.state})`, fix: `check ldm list on ${m.sourceHost}` },
  );
  for (const wanted of m.targetVfs) {
    const vf = findVfByName(target, wanted.name);
    push(
      vf?.domain === m.domain
        ? { id: `post/target-vf-assigned/${wanted.name}`, status: "passed", message: `VF ${wanted.name} (${vf.alias}) is assigned to ${m.domain} on ${m.targetHost}` }
        : { id: `post/target-vf-assigned/${wanted.name}`, status: "failed", message: vf ? `VF ${wanted.name} (${vf.alias}) on ${m.targetHost} is ${vf.domain ? `assigned to ${vf.domain}` : "unassigned"}` : `${m.targetHost} has no VF named ${wanted.name}`, fix: `assign it: ldm add-io ${vf?.alias ?? "VF"} ${m.domain} on ${m.targetHost}` },
    );
    const old = findVfByName(source, wanted.name);
    push(
      old && !old.domain
        ? { id: `post/source-vf-released/${wanted.name}`, status: "passed", message: `VF ${wanted.name} (${old.alias}) on ${m.sourceHost} is unassigned and keeps its name` }
        : { id: `post/source-vf-released/${wanted.name}`, status: "failed", message: old ? `VF ${wanted.name} (${old.alias}) on ${m.sourceHost} is still assigned to ${old.domain}` : `${m.sourceHost} has no VF named ${wanted.name} any more`, fix: `check ldm list-io -l on ${m.sourceHost}` },
    );
  }
  for (const vnet of desired?.vnets ?? []) {
    const observed = arrived?.vnets.find((v) => v.ifName === vnet.ifName);
    const ok = observed?.vswitch === vnet.vswitch && target.vswitches.includes(vnet.vswitch);
    push(
      ok
        ? { id: `post/vnet-bound/${vnet.ifName}`, status: "passed", message: `vnet ${vnet.ifName} is bound to virtual switch ${vnet.vswitch} on ${m.targetHost}` }
        : { id: `post/vnet-bound/${vnet.ifName}`, status: "failed", message: observed ? `vnet ${vnet.ifName} is on switch ${observed.vswitch || "(none)"} on ${m.targetHost}, expected ${vnet.vswitch}` : `vnet ${vnet.ifName} is missing from ${m.domain} on ${m.targetHost}`, fix: `check ldm list -o network ${m.domain} on ${m.targetHost}` },
    );
  }
  const groups = desired?.ipmpGroups ?? [];
  if (groups.length) push(await postGuestCheck(ctx, groups, source, target));
  ctx.report.postVerify = checks;
}

async function postGuestCheck(ctx: Ctx, groups: NonNullable<ReturnType<typeof desiredDomainOf>>["ipmpGroups"], source: ObservedHost, target: ObservedHost): Promise<MigrationCheck> {
  const m = ctx.migration;
  const id = "post/guest-ipmp-on-vf";
  if (!ctx.guest) {
    return { id, status: "unverified", message: `no guest access for ${m.domain}: whether IPMP is back on the VF was not checked`, fix: `check in the guest: ipmpstat -i (the VF's link active, the vnet's standby)` };
  }
  const input: PreflightInput = { migration: m, sourcePlan: ctx.sourceHost.plan, targetPlan: ctx.targetHost.plan, source, target, guest: { kind: "no-access", script: "" } };
  const sleep = ctx.options.sleep ?? defaultSleep;
  const deadline = Date.now() + (ctx.options.guestSettleMs ?? 15_000);
  let last = "";
  // IPMP fails back a moment after the target VF is added: poll until it did.
  for (;;) {
    try {
      const observation = await observeGuest(ctx.guest.session);
      const result = postGuestProblems(input, groups, observation);
      if (!result.failed.length) return { id, status: "passed", message: `${result.passed.join("; ")} on ${m.targetHost}` };
      last = result.failed.join("; ");
    } catch (error) {
      last = error instanceof GuestReadError ? error.message : asLdomsError(error).message.split("\n")[0]!;
    }
    if (Date.now() >= deadline) break;
    await sleep(500);
  }
  return { id, status: "failed", message: last, fix: `check in the guest: ipmpstat -i; ipadm set-ifprop -p standby=on -m ip <vnet link>` };
}

