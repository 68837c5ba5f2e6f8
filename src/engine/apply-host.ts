/**
 * The second half of `apply` for one host: run its needed steps group by group (one journaled
 * exec each, after waiting out `INV`), learn pseudonyms, stop on the first failure or a stop
 * request, and prove every postcondition by a final re-read that also releases the lock.
 */
import { ApplyError, type Step } from "../model";
import { ldmCommandLine } from "../ldm/quote";
import { stepById, type PlannedAction } from "./actions";
import { ldmOptions, listDevices, RunawayCommand, runBatch, type BatchOutcome, type RanStep } from "./apply-batch";
import { createdVfPseudonyms } from "./created-vfs";
import { actionOf, failureMessage, formBatch, laterStepsNeed, learnFromOutput, listingsProving, unprovenParts, vfNameMadeBy, withoutVf, withVf } from "./apply-steps";
import { StopRequested, waitSettled } from "./inv-wait";
import { emitListingWarnings } from "./listing-checks";
import { readHost, type LockRequest } from "./observe";
import { findVfByName, type ObservedHost } from "./observed-state";
import { resolveArgv } from "./operands";
import { retryUnknown } from "./retry-unknown";
import { asLdomsError } from "./plan-run";
import type { ActionStatus, ApplyOptions, HostApplyResult, HostApplyStatus } from "./apply-types";
import { interruptReason, lockReport, noteRelease, releaseQuietly, type Prepared } from "./apply-prepare";

export interface Shared {
  stopReason?: string;
}


/** One host's progress through its steps: statuses, what is done, pseudonyms learned, its view. */
interface HostRun {
  readonly p: Prepared;
  /** The step of each planned action, in the same order (looked up once per host). */
  readonly steps: readonly Step[];
  readonly statuses: Map<string, ActionStatus>;
  readonly done: PlannedAction[];
  /** VF user-assigned name -> pseudonym, learned from `create-vf` output or a listing. */
  readonly known: Map<string, string>;
  view: ObservedHost;
  mutatingCommands: number;
  /** The step and command line being run, for the error when it cannot complete. */
  failing?: { readonly action: PlannedAction; readonly line: string };
}

export async function executeHost(p: Prepared, shared: Shared, options: ApplyOptions): Promise<HostApplyResult> {
  const id = p.host.target.id;
  const run: HostRun = { p, steps: p.actions.map((a) => stepById(p.host.plan, a.stepId)), statuses: new Map(p.actions.map((a) => [a.stepId, "not-run"])), done: [], known: new Map(), view: p.observed as ObservedHost, mutatingCommands: 0 };
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
    // The steps did run: a proof read that fails must not read as "nothing was changed".
    const typed = error instanceof ApplyError ? error : new ApplyError(`${id}: every step ran (${run.done.map((d) => d.stepId).join(", ")}), but the re-read that proves them failed: ${asLdomsError(error).message}`, id);
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
  run.view = await waitSettled(p, run.steps[next] as Step, run.view, known, options);
  const batch = formBatch(plan, p.actions, next, run.view, known);
  const lines = batch.map((step) => ldmCommandLine(resolveArgv(step, run.view, known), ldmOptions(p.host)));
  batch.forEach((step, i) =>
    options.onEvent?.({ type: "step-started", host: p.host.target.id, action: actionOf(p.actions, step), commandLine: lines[i] as string, index: next + i + 1, total: p.actions.length }),
  );
  const last = batch[batch.length - 1] as Step;
  const later = run.steps.slice(next + batch.length);
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
  if (step.kind === "destroy-vf") {
    const alias = run.known.get(step.object.vf) ?? findVfByName(run.view, step.object.vf)?.alias;
    run.known.delete(step.object.vf);
    // A listing taken in the same exec already shows it gone; otherwise assume it.
    if (alias !== undefined && !outcome.fresh) run.view = withoutVf(run.view, alias);
  }
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
    throw new ApplyError(
      `${id}: the commands succeeded but a re-read does not show the expected result:\n${unmet.map((u) => `  - ${u}`).join("\n")}\n` +
        `Something else may have changed ${id} while apply ran (an admin, another tool): run ldoms plan to see what differs, then ldoms apply again.`,
      id,
    );
  }
}

