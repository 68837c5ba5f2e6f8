/**
 * `apply`: for every host, take the lock and read in one exec, plan, check every precondition;
 * only when no host has a problem (and the user agreed), run the needed steps host by host in
 * order, wait out `INV` by polling, and prove every postcondition by a final re-read that also
 * releases the lock. Hosts run in parallel; when one fails, the others finish their current step
 * and stop.
 */
import { ApplyError, PlanError, type LdomsError, type Step } from "../model";
import { ldmCommandLine } from "../ldm/quote";
import { stepById, type PlannedAction } from "./actions";
import { ldmOptions, listDevices, RunawayCommand, runBatch, type BatchOutcome, type RanStep } from "./apply-batch";
import { createdVfPseudonyms } from "./created-vfs";
import { actionOf, failureMessage, formBatch, laterStepsNeed, learnFromOutput, listingsProving, unprovenParts, vfNameMadeBy, withVf } from "./apply-steps";
import { HostSession, type HostCounters } from "./host-session";
import { acquireHostLock, lockMayRemain, releaseHostLock } from "./host-lock";
import { StopRequested, waitSettled } from "./inv-wait";
import { emitListingWarnings } from "./listing-checks";
import { DEFAULT_LOCK_DIR, describeLockHolder, newLockInfo, releaseHint, type LockInfo, type ReleaseOutcome } from "./lock";
import { readHost, type LockRequest } from "./observe";
import { describeObservedChanges, fingerprintObservedHost, findVfByName, type ObservedHost } from "./observed-state";
import { resolveArgv } from "./operands";
import { retryUnknown } from "./retry-unknown";
import { mapWithLimit } from "./pool";
import { asLdomsError, DEFAULT_PARALLELISM, evaluateHost, migrationContextOf, type EngineHost, type EngineOptions, type HostMigrationContext, type HostPlanResult, type PlanRunResult } from "./plan-run";
import { findMigratedDomains, type MigratedDomainNote, type MigrationTargetRead } from "./migrated-domains";

export { DEFAULT_RUNAWAY_WAIT_MS } from "./apply-batch";
export { DEFAULT_INV_TIMEOUT_MS } from "./inv-wait";

/** A saved plan's view of one host: apply refuses to run when the host no longer matches. */
export interface PinnedHost {
  readonly fingerprint: string;
  readonly observed: ObservedHost;
}

export interface ApplyOptions extends EngineOptions {
  /** Lock directory on each control domain. Default /var/tmp/ldoms.lock. */
  readonly lockDir?: string;
  /** Written into the lock so a waiting user sees what holds it. */
  readonly operation?: string;
  /** Longest wait for a device to leave `INV`. Default 180 s (Oracle documents ~45 s). */
  readonly invTimeoutMs?: number;
  /** Saved plan: host id -> observation the plan was made on. */
  readonly pinned?: ReadonlyMap<string, PinnedHost>;
  /** Asked once every host is read, locked and planned; false cancels without changes. */
  readonly confirm?: (plan: PlanRunResult) => Promise<boolean>;
  /** Injected for tests; default setTimeout. */
  readonly sleep?: (ms: number) => Promise<void>;
  /**
   * Stop request (SIGINT/SIGTERM at the CLI): no new command is sent; the exec in flight
   * finishes, every lock this run holds is released, and the hosts report what remains.
   */
  readonly signal?: AbortSignal;
  /** How long to wait for a command still running on the host after its exec was lost. */
  readonly runawayWaitMs?: number;
}

export type ActionStatus = "done" | "failed" | "not-run";
export interface AppliedAction extends PlannedAction {
  readonly status: ActionStatus;
}

export type HostApplyStatus = "applied" | "unchanged" | "failed" | "stopped" | "cancelled";

export interface HostApplyResult {
  readonly id: string;
  readonly status: HostApplyStatus;
  readonly actions: readonly AppliedAction[];
  readonly unchanged: number;
  readonly mutatingCommands: number;
  readonly counters: HostCounters;
  readonly problems: readonly string[];
  readonly error?: LdomsError;
  /** Why the host stopped early, when it did. */
  readonly stopReason?: string;
  /** Domains that migrated away as configured: their steps here were skipped (notes). */
  readonly migrated?: readonly MigratedDomainNote[];
  /** This run's lock may still be on the host (it could not be released): how to release it. */
  readonly lockLeft?: { readonly dir: string; readonly id: string; readonly hint: string; readonly reason: string };
  /** Things the run noticed about the lock, e.g. another run's lock found where ours was. */
  readonly lockNotes?: readonly string[];
}

export interface ApplyRunResult {
  readonly hosts: readonly HostApplyResult[];
  readonly cancelled: boolean;
  /** The run was stopped by `signal` (its reason). */
  readonly interrupted?: string;
  /** Migration targets outside the run read to decide whether a domain migrated there. */
  readonly migrationTargetReads?: readonly MigrationTargetRead[];
}

interface Prepared {
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

interface Shared {
  stopReason?: string;
}

export async function applyHosts(hosts: readonly EngineHost[], options: ApplyOptions): Promise<ApplyRunResult> {
  const parallelism = options.parallelism ?? DEFAULT_PARALLELISM;
  const lockDir = options.lockDir ?? DEFAULT_LOCK_DIR;
  const prepared = await mapWithLimit(hosts, parallelism, (host) => prepareHost(host, lockDir, options));
  const findings = await findMigratedDomains(new Map(prepared.map((p) => [p.host.target.id, p.error ? undefined : p.observed])), options.migrations, options);
  for (const p of prepared) evaluatePrepared(p, migrationContextOf(findings, p.host.target.id), options);
  const failedEarly = prepared.filter((p) => p.error || p.problems.length);
  const anyChange = prepared.some((p) => p.actions.length > 0);
  const planView: PlanRunResult = { hosts: prepared.map(toPlanResult), ...(findings.targetReads.length ? { migrationTargetReads: findings.targetReads } : {}) };
  const targetReads = findings.targetReads.length ? { migrationTargetReads: findings.targetReads } : {};

  let stopReason: string | undefined;
  let cancelled = false;
  if (failedEarly.length) {
    stopReason = `nothing was changed: ${failedEarly.map((p) => p.host.target.id).join(", ")} failed before any change`;
  } else if (options.signal?.aborted) {
    stopReason = `${interruptReason(options.signal)} before any change: nothing was changed`;
  } else if (anyChange && options.confirm && !(await options.confirm(planView))) {
    cancelled = true;
    stopReason = options.signal?.aborted ? `${interruptReason(options.signal)} before any change: nothing was changed` : "cancelled: nothing was changed";
  }
  if (stopReason !== undefined) {
    await mapWithLimit(prepared, parallelism, (p) => releaseQuietly(p, options));
    await Promise.all(prepared.map((p) => p.session.close()));
    const interrupted = options.signal?.aborted && !failedEarly.length ? { interrupted: interruptReason(options.signal) } : {};
    return {
      cancelled: cancelled && !interrupted.interrupted,
      ...interrupted,
      hosts: prepared.map((p) => ({
        id: p.host.target.id,
        status: p.error || p.problems.length ? "failed" : interrupted.interrupted ? "stopped" : cancelled ? "cancelled" : "stopped",
        actions: p.actions.map((a) => ({ ...a, status: "not-run" as const })),
        unchanged: p.unchanged,
        mutatingCommands: 0,
        counters: p.session.counters,
        problems: p.problems,
        ...(p.error ? { error: p.error } : p.problems.length ? { error: preconditionError(p) } : {}),
        ...(p.error || p.problems.length ? {} : { stopReason }),
        ...(p.migrated ? { migrated: p.migrated } : {}),
        ...lockReport(p),
      })),
      ...targetReads,
    };
  }

  const shared: Shared = {};
  const results = await mapWithLimit(prepared, parallelism, async (p) => {
    try {
      return await executeHost(p, shared, options);
    } finally {
      await p.session.close();
    }
  });
  const interrupted = options.signal?.aborted ? { interrupted: interruptReason(options.signal) } : {};
  return { hosts: results, cancelled: false, ...interrupted, ...targetReads };
}

/** The words for a stop request: the signal's reason when it is a string, else "interrupted". */
export function interruptReason(signal: AbortSignal): string {
  return typeof signal.reason === "string" ? signal.reason : "interrupted";
}

/** The lock fields of a host result: a lock that may remain (with its release command), notes. */
function lockReport(p: Prepared): Pick<HostApplyResult, "lockLeft" | "lockNotes"> {
  return {
    ...(p.lockLeftReason !== undefined
      ? { lockLeft: { dir: p.lockDir, id: p.lock.id, hint: releaseHint(p.host.target.id, p.lockDir, p.lock), reason: p.lockLeftReason } }
      : {}),
    ...(p.lockNotes.length ? { lockNotes: [...p.lockNotes] } : {}),
  };
}

function toPlanResult(p: Prepared): HostPlanResult {
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

function preconditionError(p: Prepared): PlanError {
  return new PlanError(
    `${p.host.target.id}: apply would fail, so nothing was changed:\n${p.problems.map((x) => `  - ${x}`).join("\n")}`,
  );
}

async function prepareHost(host: EngineHost, lockDir: string, options: ApplyOptions): Promise<Prepared> {
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
function evaluatePrepared(prepared: Prepared, migration: HostMigrationContext, options: ApplyOptions): void {
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
async function releaseQuietly(p: Prepared, options: ApplyOptions): Promise<void> {
  if (!p.lockHeld) return;
  try {
    noteRelease(p, await releaseHostLock(p.session, p.lockDir, p.lock, options), options);
  } catch (error) {
    p.lockLeftReason = `it could not be released: ${asLdomsError(error).message.split("\n")[0]}`;
  }
  p.lockHeld = false;
}

/** Records what a release found; "another run's lock" means ours was removed while we held it. */
function noteRelease(p: Prepared, outcome: ReleaseOutcome | undefined, options: ApplyOptions): void {
  const id = p.host.target.id;
  if (outcome?.kind === "other") {
    // After a retried release this is the normal case (the first attempt removed ours).
    p.lockNotes.push(`${id}: the lock now on the host belongs to another run: ${outcome.holder ? describeLockHolder(outcome.holder) : "(no owner file)"}; it was left alone`);
  }
  options.onEvent?.({ type: "lock-released", host: id, dir: p.lockDir, lockId: p.lock.id });
}


/** One host's progress through its steps: statuses, what is done, pseudonyms learned, its view. */
interface HostRun {
  readonly p: Prepared;
  readonly statuses: Map<string, ActionStatus>;
  readonly done: PlannedAction[];
  /** VF user-assigned name -> pseudonym, learned from `create-vf` output or a listing. */
  readonly known: Map<string, string>;
  view: ObservedHost;
  mutatingCommands: number;
  /** The step and command line being run, for the error when it cannot complete. */
  failing?: { readonly action: PlannedAction; readonly line: string };
}

async function executeHost(p: Prepared, shared: Shared, options: ApplyOptions): Promise<HostApplyResult> {
  const id = p.host.target.id;
  const run: HostRun = { p, statuses: new Map(p.actions.map((a) => [a.stepId, "not-run"])), done: [], known: new Map(), view: p.observed as ObservedHost, mutatingCommands: 0 };
  const result = (status: HostApplyStatus, extra: Partial<HostApplyResult> = {}): HostApplyResult => ({
    id,
    status,
    actions: p.actions.map((a) => ({ ...a, status: run.statuses.get(a.stepId) ?? "not-run" })),
    unchanged: p.unchanged,
    mutatingCommands: run.mutatingCommands,
    counters: p.session.counters,
    problems: [],
    ...(p.migrated ? { migrated: p.migrated } : {}),
    ...extra,
    ...lockReport(p),
  });

  if (p.actions.length === 0) {
    await releaseQuietly(p, options);
    options.onEvent?.({ type: "host-done", host: id, mutatingCommands: 0 });
    return result("unchanged");
  }
  let next = 0;
  while (next < p.actions.length) {
    if (options.signal?.aborted) shared.stopReason ??= interruptReason(options.signal);
    let error: unknown;
    if (shared.stopReason === undefined) {
      try {
        next += await runGroup(run, next, options);
        continue;
      } catch (caught) {
        error = caught;
      }
    }
    if (error === undefined || error instanceof StopRequested) {
      const reason = shared.stopReason ?? interruptReason(options.signal as AbortSignal);
      await releaseQuietly(p, options);
      options.onEvent?.({ type: "host-stopped", host: id, reason });
      return result("stopped", { stopReason: reason });
    }
    shared.stopReason ??= `${id} failed`;
    return result("failed", { error: await failHost(run, error, options) });
  }
  try {
    await proveHost(run, options);
  } catch (error) {
    const typed = asLdomsError(error);
    shared.stopReason ??= `${id} failed`;
    await releaseQuietly(p, options);
    options.onEvent?.({ type: "host-failed", host: id, message: typed.message });
    return result("failed", { error: typed });
  }
  options.onEvent?.({ type: "host-done", host: id, mutatingCommands: run.mutatingCommands });
  return result("applied");
}

/**
 * Runs the group of steps starting at `next` in one exec (after waiting out `INV` for its first
 * step) and records each step's outcome; returns how many steps ran. Throws on the first failure.
 */
async function runGroup(run: HostRun, next: number, options: ApplyOptions): Promise<number> {
  const { p, known } = run;
  const plan = p.host.plan;
  run.failing = { action: p.actions[next] as PlannedAction, line: "" };
  run.view = await waitSettled(p, stepById(plan, run.failing.action.stepId), run.view, known, options);
  const batch = formBatch(plan, p.actions, next, run.view, known);
  const lines = batch.map((step) => ldmCommandLine(resolveArgv(step, run.view, known), ldmOptions(p.host)));
  batch.forEach((step, i) =>
    options.onEvent?.({ type: "step-started", host: p.host.target.id, action: actionOf(p.actions, step), commandLine: lines[i] as string, index: next + i + 1, total: p.actions.length }),
  );
  const last = batch[batch.length - 1] as Step;
  const later = p.actions.slice(next + batch.length).map((a) => stepById(plan, a.stepId));
  let outcome = await runBatch(p, batch, lines, run.view, { ...options, listAfter: laterStepsNeed(last, later) });
  if (last.kind === "create-vf" && !outcome.fresh && outcome.ran.length === batch.length && createdVfPseudonyms(outcome.ran[batch.length - 1]?.stdout ?? "").length !== 1) {
    // Nothing printed the new VF's pseudonym: only a listing can show it.
    const listed = await listDevices(p, outcome.view);
    if (listed) outcome = { ...outcome, view: listed, fresh: true };
  }
  run.view = outcome.view;
  run.mutatingCommands += outcome.ran.length;
  for (const [i, ran] of outcome.ran.entries()) recordStep(run, batch[i] as Step, lines[i] as string, ran, outcome, options);
  return outcome.ran.length;
}

/** Records one step of a group that came back: done (learning its pseudonym), or the failure. */
function recordStep(run: HostRun, step: Step, line: string, ran: RanStep, outcome: BatchOutcome, options: ApplyOptions): void {
  const id = run.p.host.target.id;
  const action = actionOf(run.p.actions, step);
  run.failing = { action, line };
  const fail = (exitStatus: number | null, message: string): never => {
    run.statuses.set(action.stepId, "failed");
    options.onEvent?.({ type: "step-finished", host: id, action, ok: false, exitStatus });
    throw new ApplyError(message, id, line, exitStatus, outcome.stderr);
  };
  if (ran.exitStatus !== 0) fail(ran.exitStatus, failureMessage(id, step, line, ran.exitStatus, outcome.stderr || ran.stdout, run.done));
  learnFromOutput(step, ran.stdout, run.known, (vf) => {
    // Without a fresh listing, assume the new VF (and its PF) settle like Oracle's do.
    if (!outcome.fresh || !run.view.vfs.some((v) => v.alias === vf.alias)) run.view = withVf(run.view, vf);
  });
  const made = step.kind === "create-vf" ? vfNameMadeBy(step) : undefined;
  if (made !== undefined && !run.known.has(made)) {
    // No pseudonym printed: only the listing taken in the same exec can show the new VF.
    const listed = outcome.fresh ? findVfByName(run.view, made) : undefined;
    if (!listed) {
      fail(
        0,
        `${id}: step ${step.id}: ${line} exited 0 but printed no VF pseudonym (${ran.stdout.trim() ? `it printed: ${ran.stdout.trim().split("\n")[0]}` : "it printed nothing"}), and ${outcome.fresh ? `the listing taken right after shows no VF named "${made}"` : "no listing could be read after it"}. Nothing after it was run. Check the host (ldm list-io -l) and run apply again: it re-reads and continues.`,
      );
    }
    run.known.set(made, (listed as { alias: string }).alias);
  }
  run.statuses.set(action.stepId, "done");
  run.done.push(action);
  options.onEvent?.({ type: "step-finished", host: id, action, ok: true, exitStatus: 0 });
}

/**
 * The error of a host that could not complete a step; releases its lock, unless a command may
 * still be running there (then the lock is kept on purpose and the report says so).
 */
async function failHost(run: HostRun, error: unknown, options: ApplyOptions): Promise<ApplyError> {
  const { p } = run;
  const id = p.host.target.id;
  const action = run.failing?.action ?? (p.actions[0] as PlannedAction);
  if (run.statuses.get(action.stepId) !== "failed") run.statuses.set(action.stepId, "failed");
  const step = stepById(p.host.plan, action.stepId);
  const typed = error instanceof ApplyError ? error : asLdomsError(error);
  const final =
    typed instanceof ApplyError
      ? typed
      : new ApplyError(
          `${id}: step ${step.id} (${step.summary}) could not complete: ${typed.message}\n  done before it on ${id}: ${run.done.map((d) => d.stepId).join(", ") || "nothing"}\n  Run apply again: it re-reads the host and continues where it stopped.`,
          id,
          run.failing?.line || undefined,
        );
  if (error instanceof RunawayCommand) {
    p.lockHeld = false;
    p.lockLeftReason = "kept on purpose: a command may still be running on the host";
  } else {
    await releaseQuietly(p, options);
  }
  options.onEvent?.({ type: "host-failed", host: id, message: final.message });
  return final;
}

/** Proves every postcondition of the steps done on a fresh read; the same exec releases the lock. */
async function proveHost(run: HostRun, options: ApplyOptions): Promise<void> {
  const { p } = run;
  const id = p.host.target.id;
  options.onEvent?.({ type: "host-verifying", host: id });
  const request: LockRequest = { dir: p.lockDir, info: p.lock, release: true };
  const steps = run.done.map((a) => stepById(p.host.plan, a.stepId));
  const final = await retryUnknown(() => readHost(p.session, { previous: run.view, lock: request, listings: listingsProving(steps) }), options, true);
  p.lockHeld = false;
  noteRelease(p, final.lock?.release, options);
  emitListingWarnings(p.session, options.onEvent);
  const unmet = unprovenParts(steps, run.known, final.observed);
  if (unmet.length) {
    throw new ApplyError(`${id}: the commands succeeded but a re-read does not show the expected result:\n${unmet.map((u) => `  - ${u}`).join("\n")}`, id);
  }
}
