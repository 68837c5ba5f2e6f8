/**
 * `apply`: for every host, take the lock and read in one exec, plan, check every precondition;
 * only when no host has a problem (and the user agreed), run the needed steps host by host in
 * order, wait out `INV` by polling, and prove every postcondition by a final re-read that also
 * releases the lock. Hosts run in parallel; when one fails, the others finish their current step
 * and stop.
 */
import { ApplyError, PlanError, type HostPlan, type LdomsError, type Step } from "../model";
import { INV_SETTLE_SECONDS } from "../ldm/assumptions";
import { ldmCommandLine } from "../ldm/quote";
import { stepById, type PlannedAction } from "./actions";
import { unmetParts } from "./conditions";
import { createdVfPseudonyms } from "./created-vfs";
import { HostSession, isOutcomeUnknown, type HostCounters } from "./host-session";
import { acquireHostLock, lockMayRemain, releaseHostLock } from "./host-lock";
import { journaledCommandLine, readJournal, type JournalState } from "./journaled-exec";
import { emitListingWarnings } from "./listing-checks";
import { DEFAULT_LOCK_DIR, describeLockHolder, newLockInfo, parseLockInfo, readLockPart, releaseHint, type LockInfo, type ReleaseOutcome } from "./lock";
import { readHost, type LockRequest } from "./observe";
import { observeDevices, pfOfVf } from "./observed-from-listings";
import { parseListIo } from "../ldm/parse-list-io";
import { describeObservedChanges, fingerprintObservedHost, findVfByName, type ObservedHost, type ObservedVf } from "./observed-state";
import { resolveArgv } from "./operands";
import { retryUnknown } from "./retry-unknown";
import { mapWithLimit } from "./pool";
import { asLdomsError, DEFAULT_PARALLELISM, evaluateHost, migrationContextOf, type EngineHost, type EngineOptions, type HostMigrationContext, type HostPlanResult, type PlanRunResult } from "./plan-run";
import { findMigratedDomains, type MigratedDomainNote, type MigrationTargetRead } from "./migrated-domains";
import { batchCommandLine, ldmParts, splitBatchOutput, type BatchSection, type ListingName } from "./read-batch";

/** Longest wait for a device to leave `INV`: four times the settle time real hosts show. */
export const DEFAULT_INV_TIMEOUT_MS = 4 * INV_SETTLE_SECONDS * 1000;
/**
 * Longest wait for a command that outlived its exec (timeout or lost connection) to end on the
 * host before apply gives up on it, keeping the lock. Default 10 minutes.
 */
export const DEFAULT_RUNAWAY_WAIT_MS = 600_000;

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

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

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

function ldmOptions(host: EngineHost) {
  return { ldmPath: host.target.connection.ldmPath, pfexec: host.target.connection.pfexec };
}

/** VF names a create-vf or naming step makes exist. */
function vfNameMadeBy(step: Step): string | undefined {
  const find = (c: Step["postcondition"]): string | undefined => {
    if (c.kind === "vf-exists" || c.kind === "vf-pseudonym-named") return c.name;
    if (c.kind === "all") for (const x of c.conditions) { const n = find(x); if (n) return n; }
    return undefined;
  };
  return find(step.postcondition);
}

/** Thrown inside a host's run when a stop was requested at a point where nothing is in flight. */
class StopRequested extends Error {}

/**
 * A command's outcome is still unknown and it may still run on the host: the lock is kept (so
 * no other run touches the host while it may run) and nothing is sent again.
 */
class RunawayCommand extends ApplyError {}

async function executeHost(p: Prepared, shared: Shared, options: ApplyOptions): Promise<HostApplyResult> {
  const id = p.host.target.id;
  const session = p.session;
  const plan: HostPlan = p.host.plan;
  const statuses = new Map<string, ActionStatus>(p.actions.map((a) => [a.stepId, "not-run"]));
  const done: PlannedAction[] = [];
  const known = new Map<string, string>();
  let view = p.observed as ObservedHost;
  const result = (status: HostApplyStatus, extra: Partial<HostApplyResult> = {}): HostApplyResult => ({
    id,
    status,
    actions: p.actions.map((a) => ({ ...a, status: statuses.get(a.stepId) ?? "not-run" })),
    unchanged: p.unchanged,
    mutatingCommands: session.counters.mutatingExecs,
    counters: session.counters,
    problems: [],
    ...(p.migrated ? { migrated: p.migrated } : {}),
    ...extra,
    ...lockReport(p),
  });
  const stopped = async (reason: string, mutatingCommands: number): Promise<HostApplyResult> => {
    await releaseQuietly(p, options);
    options.onEvent?.({ type: "host-stopped", host: id, reason });
    return result("stopped", { stopReason: reason, mutatingCommands });
  };

  if (p.actions.length === 0) {
    await releaseQuietly(p, options);
    options.onEvent?.({ type: "host-done", host: id, mutatingCommands: 0 });
    return result("unchanged");
  }

  let mutatingCommands = 0;
  let next = 0;
  while (next < p.actions.length) {
    if (options.signal?.aborted) shared.stopReason ??= interruptReason(options.signal);
    if (shared.stopReason !== undefined) return stopped(shared.stopReason, mutatingCommands);
    let failing: PlannedAction = p.actions[next] as PlannedAction;
    let failingLine = "";
    try {
      view = await waitSettled(p, stepById(plan, failing.stepId), view, known, options);
      const batch = formBatch(p, next, view, known);
      const lines = batch.map((step) => ldmCommandLine(resolveArgv(step, view, known), ldmOptions(p.host)));
      batch.forEach((step, i) =>
        options.onEvent?.({ type: "step-started", host: id, action: actionOf(p, step), commandLine: lines[i] as string, index: next + i + 1, total: p.actions.length }),
      );
      const outcome = await runBatch(p, batch, lines, view, options);
      view = outcome.view;
      mutatingCommands += outcome.ran.length;
      for (const [i, ran] of outcome.ran.entries()) {
        const step = batch[i] as Step;
        const action = actionOf(p, step);
        failing = action;
        failingLine = lines[i] as string;
        if (ran.exitStatus !== 0) {
          statuses.set(action.stepId, "failed");
          options.onEvent?.({ type: "step-finished", host: id, action, ok: false, exitStatus: ran.exitStatus });
          throw new ApplyError(
            failureMessage(id, step, failingLine, ran.exitStatus, outcome.stderr || ran.stdout, done),
            id,
            failingLine,
            ran.exitStatus,
            outcome.stderr,
          );
        }
        learnFromOutput(step, ran.stdout, known, (vf) => {
          // Without a fresh listing, assume the new VF (and its PF) settle like Oracle's do.
          if (!outcome.fresh || !view.vfs.some((v) => v.alias === vf.alias)) view = withVf(view, vf);
        });
        const made = step.kind === "create-vf" ? vfNameMadeBy(step) : undefined;
        if (made !== undefined && !known.has(made)) {
          // No pseudonym printed: only the listing taken in the same exec can show the new VF.
          const listed = outcome.fresh ? findVfByName(view, made) : undefined;
          if (listed) known.set(made, listed.alias);
          else {
            statuses.set(action.stepId, "failed");
            throw new ApplyError(
              `${id}: step ${step.id}: ${failingLine} exited 0 but printed no VF pseudonym (${ran.stdout.trim() ? `it printed: ${ran.stdout.trim().split("\n")[0]}` : "it printed nothing"}), and ${outcome.fresh ? `the listing taken right after shows no VF named "${made}"` : "no listing could be read after it"}. Nothing after it was run. Check the host (ldm list-io -l) and run apply again: it re-reads and continues.`,
              id,
              failingLine,
              0,
              outcome.stderr,
            );
          }
        }
        statuses.set(action.stepId, "done");
        done.push(action);
        options.onEvent?.({ type: "step-finished", host: id, action, ok: true, exitStatus: 0 });
      }
      next += outcome.ran.length;
    } catch (error) {
      if (error instanceof StopRequested) return stopped(shared.stopReason ?? interruptReason(options.signal as AbortSignal), mutatingCommands);
      const typed = error instanceof ApplyError ? error : asLdomsError(error);
      if (statuses.get(failing.stepId) !== "failed") statuses.set(failing.stepId, "failed");
      shared.stopReason ??= `${id} failed`;
      const step = stepById(plan, failing.stepId);
      const final =
        typed instanceof ApplyError
          ? typed
          : new ApplyError(
              `${id}: step ${step.id} (${step.summary}) could not complete: ${typed.message}\n  done before it on ${id}: ${done.map((d) => d.stepId).join(", ") || "nothing"}\n  Run apply again: it re-reads the host and continues where it stopped.`,
              id,
              failingLine || undefined,
            );
      if (error instanceof RunawayCommand) {
        // Keep the lock: the command may still change the host.
        p.lockHeld = false;
        p.lockLeftReason = "kept on purpose: a command may still be running on the host";
      } else {
        await releaseQuietly(p, options);
      }
      options.onEvent?.({ type: "host-failed", host: id, message: final.message });
      return result("failed", { error: final, mutatingCommands });
    }
  }

  // Prove every postcondition on a fresh read; the same exec releases the lock.
  try {
    options.onEvent?.({ type: "host-verifying", host: id });
    const request: LockRequest = { dir: p.lockDir, info: p.lock, release: true };
    const listings = listingsProving(done.map((a) => stepById(plan, a.stepId)));
    const final = await retryUnknown(() => readHost(session, { previous: view, lock: request, listings }), options, true);
    p.lockHeld = false;
    noteRelease(p, final.lock?.release, options);
    emitListingWarnings(session, options.onEvent);
    const unmet: string[] = [];
    for (const action of done) {
      const step = stepById(plan, action.stepId);
      for (const part of unmetParts(step.postcondition, final.observed)) unmet.push(`${step.id}: ${part}`);
    }
    for (const [name, alias] of known) {
      const vf = findVfByName(final.observed, name);
      if (vf && vf.alias !== alias) unmet.push(`VF "${name}" is ${vf.alias}, but create-vf printed ${alias}`);
    }
    if (unmet.length) {
      throw new ApplyError(`${id}: the commands succeeded but a re-read does not show the expected result:\n${unmet.map((u) => `  - ${u}`).join("\n")}`, id);
    }
  } catch (error) {
    const typed = asLdomsError(error);
    shared.stopReason ??= `${id} failed`;
    await releaseQuietly(p, options);
    options.onEvent?.({ type: "host-failed", host: id, message: typed.message });
    return result("failed", { error: typed, mutatingCommands });
  }
  options.onEvent?.({ type: "host-done", host: id, mutatingCommands });
  return result("applied", { mutatingCommands });
}

/** The listings whose output can prove these steps' postconditions. */
function listingsProving(steps: readonly Step[]): ListingName[] {
  const needed = new Set<ListingName>();
  const visit = (c: Step["postcondition"]): void => {
    switch (c.kind) {
      case "not":
        return visit(c.condition);
      case "all":
      case "any":
        return c.conditions.forEach(visit);
      case "vnet-exists":
      case "vnet-property":
        needed.add("list-domains");
        return;
      case "vswitch-exists":
        needed.add("list-services");
        return;
      case "vf-exists":
      case "vf-pseudonym-named":
      case "vf-assigned":
      case "vf-unassigned":
      case "vf-property":
        needed.add("list-io");
    }
  };
  steps.forEach((step) => visit(step.postcondition));
  if (steps.some((step) => step.kind === "create-vf")) needed.add("list-io");
  return (["list-io", "list-domains", "list-services"] as const).filter((l) => needed.has(l));
}

function failureMessage(host: string, step: Step, commandLine: string, exitStatus: number | null, stderr: string, done: readonly PlannedAction[]): string {
  return [
    `${host}: step ${step.id} (${step.summary}) failed.`,
    `  command: ${commandLine}`,
    `  exit status: ${exitStatus ?? "unknown"}`,
    `  stderr: ${stderr.trim().split(/\r?\n/).join("\n          ") || "(empty)"}`,
    `  done before it on ${host}: ${done.map((d) => d.stepId).join(", ") || "nothing"}`,
    `  Nothing else was changed on ${host}. Fix the cause and run apply again: it re-reads the host and continues where it stopped.`,
  ].join("\n");
}

/** Most steps sent in one exec. */
const MAX_BATCH = 8;

function actionOf(p: Prepared, step: Step): PlannedAction {
  return p.actions.find((a) => a.stepId === step.id) as PlannedAction;
}

/**
 * The steps sent together, starting at `start`: consecutive steps that need nothing from one
 * another. A batch ends after a create-vf (the next step may need its pseudonym or wait for
 * INV), and before a step whose operands cannot be resolved yet or that touches a device in INV.
 */
function formBatch(p: Prepared, start: number, view: ObservedHost, known: ReadonlyMap<string, string>): Step[] {
  const batch: Step[] = [];
  for (let i = start; i < p.actions.length && batch.length < MAX_BATCH; i++) {
    const step = stepById(p.host.plan, (p.actions[i] as PlannedAction).stepId);
    if (batch.length > 0) {
      const previous = batch[batch.length - 1] as Step;
      if (previous.kind === "create-vf" || previous.kind === "name-vf") break;
      try {
        resolveArgv(step, view, known);
      } catch {
        break;
      }
      if (unsettledDevices(step, view, known).length) break;
    }
    batch.push(step);
  }
  return batch;
}

interface RanStep {
  readonly exitStatus: number | null;
  readonly stdout: string;
}

interface BatchOutcome {
  /** Steps that ran, in order (the last one may have failed). */
  readonly ran: readonly RanStep[];
  readonly stderr: string;
  readonly view: ObservedHost;
  /** `view` was read after the commands (devices at least). */
  readonly fresh: boolean;
}

/** How many times a batch is sent again after its exec was lost before it could start. */
const MAX_RESENDS = 3;

/**
 * Runs a batch in one journaled exec (see journaled-exec.ts): each command's status comes back
 * in its own section, and the first failing command stops the rest. After a create-vf the same
 * exec lists the devices: that confirms the printed pseudonym and shows INV without a round trip.
 * When the exec's outcome is lost (connection cut, timeout), the host's journal decides: never
 * started (sent again), ended (its record is used), or still running (waited for, never resent).
 */
async function runBatch(p: Prepared, batch: readonly Step[], lines: readonly string[], view: ObservedHost, options: ApplyOptions): Promise<BatchOutcome> {
  const listAfter = (batch[batch.length - 1] as Step).kind === "create-vf";
  const after = listAfter ? batchCommandLine(ldmParts(["list-io"], ldmOptions(p.host))) : undefined;
  const id = p.host.target.id;
  for (let resend = 0; ; resend++) {
    const seq = p.nextSeq++;
    const commandLine = journaledCommandLine(p.lockDir, p.lock.id, seq, lines, after);
    let sections: readonly BatchSection[];
    let stderr: string;
    let listing: BatchSection | undefined;
    try {
      const raw = await p.session.exec(commandLine, "mutating");
      sections = splitBatchOutput(raw.stdout);
      stderr = raw.stderr;
      listing = sections.find((x) => x.name === "list-io");
    } catch (error) {
      if (!isOutcomeUnknown(error)) throw error;
      const state = await settleJournal(p, seq, lines, options);
      if (state.kind === "never-started") {
        if (resend >= MAX_RESENDS) throw new ApplyError(`${id}: the connection was lost ${resend + 1} times before the commands could start; nothing of them ran. Check the network to ${id} and run apply again.`, id);
        for (const step of batch) options.onEvent?.({ type: "outcome-unknown", host: id, action: actionOf(p, step), decision: "the host's journal shows it never started; sending it again" });
        continue;
      }
      sections = state.sections;
      stderr = state.stderr;
      for (const step of batch.slice(0, ranSteps(sections, batch.length).length)) {
        options.onEvent?.({ type: "outcome-unknown", host: id, action: actionOf(p, step), decision: "the host's journal shows it ran; using its recorded result" });
      }
    }
    const ran = ranSteps(sections, batch.length);
    if (ran.length === 0) throw await lockLostError(p, lines[0] as string, options);
    const devices = listing?.exitStatus === 0 ? devicesOrUndefined(listing.output) : undefined;
    return { ran, stderr, view: devices ? { ...view, ...devices } : view, fresh: devices !== undefined };
  }
}

/** The `s<i>` sections in order, up to and including the first failure. */
function ranSteps(sections: readonly BatchSection[], count: number): RanStep[] {
  const ran: RanStep[] = [];
  for (let i = 0; i < count; i++) {
    const section = sections.find((x) => x.name === `s${i}`);
    if (!section) break;
    ran.push({ exitStatus: section.exitStatus, stdout: section.output });
    if (section.exitStatus !== 0) break;
  }
  return ran;
}

/**
 * After a lost exec: reads the journal until the commands are known to have ended or never to
 * start; a command still running past the wait keeps the lock and fails the host.
 */
async function settleJournal(p: Prepared, seq: number, lines: readonly string[], options: ApplyOptions): Promise<Exclude<JournalState, { kind: "running" } | { kind: "lock-lost" }>> {
  const id = p.host.target.id;
  const sleep = options.sleep ?? defaultSleep;
  const limit = options.runawayWaitMs ?? DEFAULT_RUNAWAY_WAIT_MS;
  const started = Date.now();
  let delay = 200;
  for (;;) {
    const state = await retryUnknown(() => readJournal(p.session, p.lockDir, p.lock.id, seq), options, true);
    if (state.kind === "lock-lost") throw await lockLostError(p, lines[0] as string, options);
    if (state.kind !== "running") return state;
    const elapsed = Date.now() - started;
    options.onEvent?.({ type: "waiting-runaway", host: id, commandLine: lines.join("; "), elapsedMs: elapsed });
    if (elapsed >= limit || options.signal?.aborted) {
      throw new RunawayCommand(
        [
          `${id}: a command whose connection was lost (or that outlived its timeout) is still running on the host after ${Math.round(elapsed / 1000)} s:`,
          ...lines.map((l) => `    ${l}`),
          `  It is not sent again, and this run's lock ${p.lockDir} (id ${p.lock.id}) stays on ${id} so no other run changes the host meanwhile.`,
          `  Once it has ended (ps -ef | grep ldm on ${id}), release the lock with: ldoms force-unlock ${id} ${p.lock.id}, then run apply again: it re-reads and continues.`,
        ].join("\n"),
        id,
        lines.join("; "),
      );
    }
    await sleep(Math.min(delay, Math.max(0, limit - elapsed)));
    delay = Math.min(delay * 2, 5_000);
  }
}

/**
 * The error for a batch that reported no step: normally this run's lock is gone (the journal
 * refused to start), and the message says who holds it now; otherwise the host answered without
 * the commands' results.
 */
async function lockLostError(p: Prepared, commandLine: string, options: ApplyOptions): Promise<ApplyError> {
  const id = p.host.target.id;
  let holder: LockInfo | undefined;
  let known = false;
  try {
    const read = await retryUnknown(() => p.session.exec(batchCommandLine([readLockPart(p.lockDir)]), "read"), options, true);
    holder = parseLockInfo(splitBatchOutput(read.stdout).find((x) => x.name === "lock-info")?.output ?? "");
    known = true;
  } catch {
    // The message below stands without it.
  }
  if (holder?.id === p.lock.id) {
    return new ApplyError(
      `${id}: the host did not report the results of the commands it was sent (no framed output came back). Run apply again: it re-reads the host and continues; if this repeats, check the login shell of the account on ${id}.`,
      id,
      commandLine,
    );
  }
  p.lockHeld = false;
  const now = !known ? "" : holder ? ` The lock is now ${describeLockHolder(holder)}.` : " There is no lock on the host now.";
  return new ApplyError(
    `${id}: this run's lock ${p.lockDir} (id ${p.lock.id}) was removed while the run held it (force-unlock, or by hand), so the next command was not run.${now} Make sure no other run is changing ${id}, then run apply again: it re-reads the host and continues.`,
    id,
    commandLine,
  );
}

function devicesOrUndefined(listIo: string): Pick<ObservedHost, "buses" | "pfs" | "vfs"> | undefined {
  try {
    return observeDevices(parseListIo(listIo));
  } catch {
    return undefined;
  }
}

function namedBy(c: Step["postcondition"]): { vf: string; name: string } | undefined {
  if (c.kind === "vf-pseudonym-named") return { vf: c.vf, name: c.name };
  if (c.kind === "all") for (const x of c.conditions) { const n = namedBy(x); if (n) return n; }
  return undefined;
}

/** After create-vf: the printed pseudonym is remembered, and the new VF is expected in INV. */
function learnFromOutput(step: Step, stdout: string, known: Map<string, string>, addVf: (vf: ObservedVf) => void): void {
  if (step.kind === "name-vf") {
    const named = namedBy(step.postcondition);
    if (named) known.set(named.name, named.vf);
    return;
  }
  if (step.kind !== "create-vf") return;
  const name = vfNameMadeBy(step);
  const created = createdVfPseudonyms(stdout);
  if (name === undefined || created.length !== 1) return;
  const alias = created[0] as string;
  known.set(name, alias);
  addVf({ alias, pf: pfOfVf(alias), name, status: "INV", properties: {} });
}

function withVf(view: ObservedHost, vf: ObservedVf): ObservedHost {
  return {
    ...view,
    vfs: [...view.vfs.filter((v) => v.alias !== vf.alias), vf],
    pfs: view.pfs.map((pf) => (pf.alias === vf.pf ? { ...pf, status: "INV" } : pf)),
  };
}

/** Devices a step touches that are in `INV` now. */
function unsettledDevices(step: Step, view: ObservedHost, known: ReadonlyMap<string, string>): string[] {
  let argv: string[];
  try {
    argv = resolveArgv(step, view, known);
  } catch {
    return [];
  }
  const touched = new Set<string>();
  for (const token of argv) {
    const vf = view.vfs.find((v) => v.alias === token);
    if (vf) {
      touched.add(vf.alias);
      touched.add(vf.pf);
    }
    if (view.pfs.some((pf) => pf.alias === token)) touched.add(token);
  }
  const inv = (status?: string) => status === "INV";
  return [...touched].filter((alias) => inv(view.vfs.find((v) => v.alias === alias)?.status) || inv(view.pfs.find((pf) => pf.alias === alias)?.status)).sort();
}

/** Polls `list-io` with backoff until the devices a step touches leave `INV`, or times out. */
async function waitSettled(p: Prepared, step: Step, view: ObservedHost, known: ReadonlyMap<string, string>, options: ApplyOptions): Promise<ObservedHost> {
  let pending = unsettledDevices(step, view, known);
  if (pending.length === 0) return view;
  const sleep = options.sleep ?? defaultSleep;
  const timeout = options.invTimeoutMs ?? DEFAULT_INV_TIMEOUT_MS;
  const started = Date.now();
  let delay = 100;
  let current = view;
  for (;;) {
    if (options.signal?.aborted) throw new StopRequested();
    const read = await retryUnknown(() => readHost(p.session, { listings: ["list-io"], previous: current }), options, true);
    current = read.observed;
    pending = unsettledDevices(step, current, known);
    if (pending.length === 0) return current;
    const elapsed = Date.now() - started;
    options.onEvent?.({ type: "waiting-inv", host: p.host.target.id, devices: pending, elapsedMs: elapsed });
    if (elapsed >= timeout) {
      throw new ApplyError(
        `${p.host.target.id}: ${pending.join(", ")} still show INV after ${Math.round(elapsed / 1000)} s (Oracle documents about 45 s after create-vf/destroy-vf). A device that stays INV has a problem: check the root domain (ldm list-io, fmadm faulty) before running apply again.`,
        p.host.target.id,
      );
    }
    await sleep(Math.min(delay, Math.max(0, timeout - elapsed)));
    delay = Math.min(delay * 2, 5_000);
  }
}
