/**
 * Running one group of steps in one journaled exec (see journaled-exec.ts), and deciding what
 * became of it when the exec's outcome was lost: never started (sent again, once the engine has
 * claimed its journal), finished (its recorded result is used), or still running (waited for,
 * never sent again; past the wait the host fails and keeps its lock on purpose).
 */
import { ApplyError, type Step } from "../model";
import type { PlannedAction } from "./actions";
import { actionOf } from "./apply-steps";
import type { EngineEventSink } from "./events";
import { isOutcomeUnknown, type HostSession } from "./host-session";
import { journaledCommandLine, readJournal, type JournalState } from "./journaled-exec";
import { describeLockHolder, parseLockInfo, readLockPart, type LockInfo } from "./lock";
import { observeDevices } from "./observed-from-listings";
import type { ObservedHost } from "./observed-state";
import { parseListIo } from "../ldm/parse-list-io";
import type { EngineHost } from "./plan-run";
import { batchCommandLine, ldmParts, splitBatchOutput, type BatchSection } from "./read-batch";
import { retryUnknown } from "./retry-unknown";

/**
 * Longest wait for a command that outlived its exec (timeout or lost connection) to end on the
 * host before apply gives up on it, keeping the lock. Default 10 minutes.
 */
export const DEFAULT_RUNAWAY_WAIT_MS = 600_000;

/** The host a batch runs on: its session, this run's lock, the journal's next sequence number. */
export interface BatchHost {
  readonly host: EngineHost;
  readonly session: HostSession;
  readonly lock: LockInfo;
  readonly lockDir: string;
  readonly actions: readonly PlannedAction[];
  nextSeq: number;
  lockHeld: boolean;
}

export interface BatchOptions {
  readonly onEvent?: EngineEventSink;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly signal?: AbortSignal;
  readonly runawayWaitMs?: number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function ldmOptions(host: EngineHost) {
  return { ldmPath: host.target.connection.ldmPath, pfexec: host.target.connection.pfexec };
}

/**
 * A command's outcome is still unknown and it may still run on the host: the lock is kept (so
 * no other run touches the host while it may run) and nothing is sent again.
 */
export class RunawayCommand extends ApplyError {}

export interface RanStep {
  readonly exitStatus: number | null;
  readonly stdout: string;
}

export interface BatchOutcome {
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
 * in its own section, and the first failing command stops the rest. With `listAfter` (a create-vf
 * a later step depends on) the same exec lists the devices: that confirms the printed pseudonym
 * and shows INV without a round trip.
 * When the exec's outcome is lost (connection cut, timeout), the host's journal decides: never
 * started (sent again), ended (its record is used), or still running (waited for, never resent).
 */
export async function runBatch(p: BatchHost, batch: readonly Step[], lines: readonly string[], view: ObservedHost, options: BatchOptions & { readonly listAfter: boolean }): Promise<BatchOutcome> {
  const after = options.listAfter ? batchCommandLine(ldmParts(["list-io"], ldmOptions(p.host))) : undefined;
  if (after !== undefined) p.session.counters.settleReads++;
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
        for (const step of batch) options.onEvent?.({ type: "outcome-unknown", host: id, action: actionOf(p.actions, step), decision: "the host's journal shows it never started; sending it again" });
        continue;
      }
      sections = state.sections;
      stderr = state.stderr;
      for (const step of batch.slice(0, ranSteps(sections, batch.length).length)) {
        options.onEvent?.({ type: "outcome-unknown", host: id, action: actionOf(p.actions, step), decision: "the host's journal shows it ran; using its recorded result" });
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
async function settleJournal(p: BatchHost, seq: number, lines: readonly string[], options: BatchOptions): Promise<Exclude<JournalState, { kind: "running" } | { kind: "lock-lost" }>> {
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
async function lockLostError(p: BatchHost, commandLine: string, options: BatchOptions): Promise<ApplyError> {
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

/**
 * The devices listed in one read exec, for a create-vf whose pseudonym could not be learned
 * from its output and whose exec listed nothing after it.
 */
export async function listDevices(p: BatchHost, view: ObservedHost): Promise<ObservedHost | undefined> {
  const result = await p.session.exec(batchCommandLine(ldmParts(["list-io"], ldmOptions(p.host))), "read");
  const section = splitBatchOutput(result.stdout).find((x) => x.name === "list-io");
  const devices = section?.exitStatus === 0 ? devicesOrUndefined(section.output) : undefined;
  return devices ? { ...view, ...devices } : undefined;
}

function devicesOrUndefined(listIo: string): Pick<ObservedHost, "buses" | "pfs" | "vfs"> | undefined {
  try {
    return observeDevices(parseListIo(listIo));
  } catch {
    return undefined;
  }
}
