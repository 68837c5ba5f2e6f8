/**
 * SIGINT (Ctrl-C) and SIGTERM (how CI cancels a job) for commands that change hosts. The first
 * signal asks the run to stop at its next safe point: the command in flight finishes, no new one
 * is sent, every lock the run holds is released, and the command reports what was done and what
 * remains, then exits 130 (SIGINT) or 143 (SIGTERM). A second signal exits at once and names each
 * lock that may remain, with the command that releases it.
 */
import type { EngineEvent } from "../engine";

export type StopSignalName = "SIGINT" | "SIGTERM";

/** Exit codes by shell convention: 128 + the signal number. */
export const SIGNAL_EXIT_CODES: Readonly<Record<StopSignalName, number>> = { SIGINT: 130, SIGTERM: 143 };

/** Subscribes to stop signals for the duration of a run; returns the unsubscribe. */
export type SubscribeStop = (handler: (signal: StopSignalName) => void) => () => void;

export function processStopSignals(handler: (signal: StopSignalName) => void): () => void {
  const onInt = () => handler("SIGINT");
  const onTerm = () => handler("SIGTERM");
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);
  return () => {
    process.off("SIGINT", onInt);
    process.off("SIGTERM", onTerm);
  };
}

export interface HeldLockNote {
  readonly dir: string;
  readonly lockId: string;
}

/** Locks a run holds now, fed from engine events (taken, released). */
export class HeldLocks {
  private readonly held = new Map<string, HeldLockNote>();

  track(event: EngineEvent): void {
    if (event.type === "lock-taken") this.held.set(event.host, { dir: event.dir, lockId: event.lockId });
    if (event.type === "lock-released") this.held.delete(event.host);
  }

  /** The message of a second signal: exiting now, and each lock that may remain with its release. */
  exitMessage(signal: StopSignalName): string {
    const left = [...this.held].sort(([a], [b]) => a.localeCompare(b)).map(([host, lock]) => `  ${host}: ${lock.dir} (lock id ${lock.lockId}); once no ldoms command runs there: ldoms force-unlock ${host} ${lock.lockId}`);
    return `\nExiting at once (${signal} again).${left.length ? ` This run's lock may remain on:\n${left.join("\n")}\n` : " This run held no lock.\n"}`;
  }
}

export interface StopControl {
  /** Aborted on the first signal; its reason reads "interrupted by SIGTERM". */
  readonly signal: AbortSignal;
  /** The exit code of the first signal, once one came. */
  readonly exitCode: number | undefined;
  /** Feeds engine events: locks taken and released are tracked for the second signal's message. */
  track(event: EngineEvent): void;
  /** Resolves with "" once a stop is requested: races a pending question so it cannot block the stop. */
  readonly stopped: Promise<string>;
  dispose(): void;
}

export interface StopOptions {
  readonly stderr: { write(text: string): unknown };
  /** What the first signal does, for the message (e.g. "no new command is sent"). */
  readonly firstMessage: string;
  readonly subscribe?: SubscribeStop;
  /** Ends the process at once (second signal). Default process.exit. */
  readonly exit?: (code: number) => void;
}

export function listenForStop(options: StopOptions): StopControl {
  const controller = new AbortController();
  const held = new HeldLocks();
  let first: StopSignalName | undefined;
  let resolveStopped: (value: string) => void = () => undefined;
  const stopped = new Promise<string>((resolve) => (resolveStopped = resolve));
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const unsubscribe = (options.subscribe ?? processStopSignals)((signal) => {
    if (first === undefined) {
      first = signal;
      options.stderr.write(`\nInterrupted (${signal}): ${options.firstMessage}. Send the signal again to exit at once.\n`);
      controller.abort(`interrupted by ${signal}`);
      resolveStopped("");
      return;
    }
    options.stderr.write(held.exitMessage(signal));
    exit(SIGNAL_EXIT_CODES[first]);
  });
  return {
    signal: controller.signal,
    get exitCode() {
      return first === undefined ? undefined : SIGNAL_EXIT_CODES[first];
    },
    track: (event) => held.track(event),
    stopped,
    dispose: unsubscribe,
  };
}
