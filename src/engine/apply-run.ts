/**
 * `apply`: for every host, take the lock and read in one exec, plan, check every precondition;
 * only when no host has a problem (and the user agreed), run the needed steps host by host in
 * order, wait out `INV` by polling, and prove every postcondition by a final re-read that also
 * releases the lock. Hosts run in parallel; when one fails, the others finish their current step
 * and stop.
 */
import { ApplyError, PlanError, type HostPlan, type LdomsError, type Step } from "../model";
import { ldmCommandLine, shellQuote } from "../ldm/quote";
import { stepById, type PlannedAction } from "./actions";
import { evaluateCondition, unmetParts } from "./conditions";
import { createdVfPseudonyms } from "./created-vfs";
import { HostSession, isOutcomeUnknown, type HostCounters } from "./host-session";
import { DEFAULT_LOCK_DIR, lockHeldError, newLockInfo, releaseLockPart, type LockInfo } from "./lock";
import { readHost, type LockRequest } from "./observe";
import { observeDevices, pfOfVf } from "./observed-from-listings";
import { parseListIo } from "../ldm/parse-list-io";
import { describeObservedChanges, fingerprintObservedHost, findVfByName, type ObservedHost, type ObservedVf } from "./observed-state";
import { resolveArgv } from "./operands";
import { retryUnknown } from "./retry-unknown";
import { mapWithLimit } from "./pool";
import { asLdomsError, DEFAULT_PARALLELISM, evaluateHost, migrationContextOf, type EngineHost, type EngineOptions, type HostMigrationContext, type HostPlanResult, type PlanRunResult } from "./plan-run";
import { findMigratedDomains, type MigratedDomainNote, type MigrationTargetRead } from "./migrated-domains";
import { batchCommandLine, DELIMITER, ldmParts, splitBatchOutput, type ListingName } from "./read-batch";

export const DEFAULT_INV_TIMEOUT_MS = 180_000;

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
}

export interface ApplyRunResult {
  readonly hosts: readonly HostApplyResult[];
  readonly cancelled: boolean;
  /** Migration targets outside the run read to decide whether a domain migrated there. */
  readonly migrationTargetReads?: readonly MigrationTargetRead[];
}

interface Prepared {
  readonly host: EngineHost;
  readonly session: HostSession;
  readonly lock: LockInfo;
  lockHeld: boolean;
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

  let stopReason: string | undefined;
  let cancelled = false;
  if (failedEarly.length) {
    stopReason = `nothing was changed: ${failedEarly.map((p) => p.host.target.id).join(", ")} failed before any change`;
  } else if (anyChange && options.confirm && !(await options.confirm(planView))) {
    cancelled = true;
    stopReason = "cancelled: nothing was changed";
  }
  if (stopReason !== undefined) {
    await mapWithLimit(prepared, parallelism, (p) => releaseQuietly(p, lockDir));
    await Promise.all(prepared.map((p) => p.session.close()));
    return {
      cancelled,
      hosts: prepared.map((p) => ({
        id: p.host.target.id,
        status: p.error || p.problems.length ? "failed" : cancelled ? "cancelled" : "stopped",
        actions: p.actions.map((a) => ({ ...a, status: "not-run" as const })),
        unchanged: p.unchanged,
        mutatingCommands: 0,
        counters: p.session.counters,
        problems: p.problems,
        ...(p.error ? { error: p.error } : p.problems.length ? { error: preconditionError(p) } : {}),
        ...(p.error || p.problems.length ? {} : { stopReason }),
        ...(p.migrated ? { migrated: p.migrated } : {}),
      })),
      ...(findings.targetReads.length ? { migrationTargetReads: findings.targetReads } : {}),
    };
  }

  const shared: Shared = {};
  const results = await mapWithLimit(prepared, parallelism, async (p) => {
    try {
      return await executeHost(p, shared, lockDir, options);
    } finally {
      await p.session.close();
    }
  });
  return { hosts: results, cancelled: false, ...(findings.targetReads.length ? { migrationTargetReads: findings.targetReads } : {}) };
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
  const prepared: Prepared = { host, session, lock, lockHeld: false, actions: [], unchanged: 0, problems: [] };
  const id = host.target.id;
  try {
    options.onEvent?.({ type: "host-reading", host: id });
    const request: LockRequest = { dir: lockDir, info: lock, acquire: true };
    const outcome = await retryUnknown(() => readHost(session, { lock: request }), options);
    if (!outcome.lock?.held) throw lockHeldError(id, lockDir, outcome.lock?.holder);
    prepared.lockHeld = true;
    prepared.observed = outcome.observed;
    const pinned = options.pinned?.get(id);
    if (options.pinned && !pinned) {
      throw new PlanError(`${id}: the saved plan does not cover this host; run ldoms plan --out FILE again`);
    }
    if (pinned && pinned.fingerprint !== fingerprintObservedHost(outcome.observed)) {
      const changes = describeObservedChanges(pinned.observed, outcome.observed);
      throw new PlanError(
        `${id}: the saved plan is stale: the host changed since the plan was made:\n${(changes.length ? changes : ["(state differs)"]).map((c) => `  - ${c}`).join("\n")}\nRun ldoms plan --out FILE again, review it, and apply the new plan.`,
      );
    }
  } catch (error) {
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

async function releaseQuietly(p: Prepared, lockDir: string): Promise<void> {
  if (!p.lockHeld) return;
  try {
    await p.session.exec(batchCommandLine([releaseLockPart(lockDir)]), "lock");
    p.lockHeld = false;
  } catch {
    // Reported by the caller's error already; a lock left behind names its owner.
  }
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

async function executeHost(p: Prepared, shared: Shared, lockDir: string, options: ApplyOptions): Promise<HostApplyResult> {
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
  });

  if (p.actions.length === 0) {
    await releaseQuietly(p, lockDir);
    options.onEvent?.({ type: "host-done", host: id, mutatingCommands: 0 });
    return result("unchanged");
  }

  let mutatingCommands = 0;
  const retried = new Set<string>();
  let next = 0;
  while (next < p.actions.length) {
    if (shared.stopReason !== undefined) {
      await releaseQuietly(p, lockDir);
      options.onEvent?.({ type: "host-stopped", host: id, reason: shared.stopReason });
      return result("stopped", { stopReason: shared.stopReason, mutatingCommands });
    }
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
        statuses.set(action.stepId, "done");
        done.push(action);
        options.onEvent?.({ type: "step-finished", host: id, action, ok: true, exitStatus: 0 });
      }
      if (outcome.lost) {
        // The connection dropped mid-exec: the re-read decided which steps are done.
        for (const step of batch.slice(0, outcome.doneAfterLoss)) {
          const action = actionOf(p, step);
          learnFromState(step, view, known);
          statuses.set(action.stepId, "done");
          done.push(action);
          mutatingCommands++;
          options.onEvent?.({ type: "outcome-unknown", host: id, action, decision: "the re-read shows it done" });
        }
        const pending = batch[outcome.doneAfterLoss];
        if (pending) {
          const action = actionOf(p, pending);
          failing = action;
          failingLine = lines[outcome.doneAfterLoss] as string;
          if (retried.has(pending.id) || !evaluateCondition(pending.guard, view)) {
            throw new ApplyError(
              `${id}: the connection was lost while running step ${pending.id}, and a re-read shows it neither done nor still needed:\n${unmetParts(pending.postcondition, view).map((u) => `  - ${u}`).join("\n")}`,
              id,
              failingLine,
              null,
            );
          }
          retried.add(pending.id);
          options.onEvent?.({ type: "outcome-unknown", host: id, action, decision: "the re-read shows it not done; running it again" });
        }
        next += outcome.doneAfterLoss;
        continue;
      }
      next += batch.length;
    } catch (error) {
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
      await releaseQuietly(p, lockDir);
      options.onEvent?.({ type: "host-failed", host: id, message: final.message });
      return result("failed", { error: final, mutatingCommands });
    }
  }

  // Prove every postcondition on a fresh read; the same exec releases the lock.
  try {
    options.onEvent?.({ type: "host-verifying", host: id });
    const request: LockRequest = { dir: lockDir, info: p.lock, release: true };
    const listings = listingsProving(done.map((a) => stepById(plan, a.stepId)));
    const final = await retryUnknown(() => readHost(session, { previous: view, lock: request, listings }), options, true);
    p.lockHeld = false;
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
    await releaseQuietly(p, lockDir);
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
      default:
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
  /** Steps that ran, in order (the last one may have failed); empty when the outcome was lost. */
  readonly ran: readonly RanStep[];
  readonly stderr: string;
  readonly view: ObservedHost;
  /** `view` was read after the commands (devices at least). */
  readonly fresh: boolean;
  /** The connection dropped: the outcome was decided by a re-read. */
  readonly lost: boolean;
  /** With `lost`: how many steps of the batch, from the start, the re-read shows done. */
  readonly doneAfterLoss: number;
}

/**
 * Runs a batch in one exec: `echo begin && CMD && echo rc=0 && ... || echo rc=$?`, so the
 * first failing command stops the rest and reports its own status. After a create-vf the same
 * exec lists the devices: that confirms the printed pseudonym and shows INV without a round trip.
 */
async function runBatch(p: Prepared, batch: readonly Step[], lines: readonly string[], view: ObservedHost, options: ApplyOptions): Promise<BatchOutcome> {
  const chain = `${lines
    .map((line, i) => `echo ${shellQuote(`${DELIMITER}begin s${i}`)} && ${line} && echo ${shellQuote(`${DELIMITER}rc=0`)}`)
    .join(" && ")} || echo "${DELIMITER}rc=$?"`;
  const listAfter = (batch[batch.length - 1] as Step).kind === "create-vf";
  const commandLine = listAfter ? `${chain}; ${batchCommandLine(ldmParts(["list-io"], ldmOptions(p.host)))}` : chain;
  try {
    const raw = await p.session.exec(commandLine, "mutating");
    const sections = splitBatchOutput(raw.stdout);
    const ran: RanStep[] = [];
    for (let i = 0; i < batch.length; i++) {
      const section = sections.find((x) => x.name === `s${i}`);
      if (!section) break;
      ran.push({ exitStatus: section.exitStatus, stdout: section.output });
      if (section.exitStatus !== 0) break;
    }
    const listing = sections.find((x) => x.name === "list-io");
    const devices = listAfter && listing?.exitStatus === 0 ? devicesOrUndefined(listing.output) : undefined;
    return { ran, stderr: raw.stderr, view: devices ? { ...view, ...devices } : view, fresh: devices !== undefined, lost: false, doneAfterLoss: 0 };
  } catch (error) {
    if (!isOutcomeUnknown(error)) throw error;
    // The commands may or may not have run: re-read and decide from the host's state.
    const reread = await retryUnknown(() => readHost(p.session, { previous: view }), options, true);
    let doneAfterLoss = 0;
    while (doneAfterLoss < batch.length && evaluateCondition((batch[doneAfterLoss] as Step).postcondition, reread.observed)) doneAfterLoss++;
    return { ran: [], stderr: "", view: reread.observed, fresh: true, lost: true, doneAfterLoss };
  }
}

/** After a lost connection showed a step done: learn the pseudonym it gave its VF. */
function learnFromState(step: Step, view: ObservedHost, known: Map<string, string>): void {
  const name = vfNameMadeBy(step);
  const vf = name === undefined ? undefined : findVfByName(view, name);
  if (vf?.name) known.set(vf.name, vf.alias);
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
