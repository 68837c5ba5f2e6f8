/**
 * Fault injection, kept in the lab state so every process sharing a state file sees it: fail
 * the Nth mutating command, stall a subcommand, keep INV longer, add latency per subcommand.
 */
import type { LabStateStore } from "./store";

export interface FaultControl {
  /**
   * The `nth` mutating command from now (1 = the next one; lab-wide, or on `machine`) fails
   * with `message` on stderr and `exitCode` (default 1), changing nothing.
   */
  failNth(nth: number, message: string, options?: { machine?: string; exitCode?: number }): void;
  /** Each `ldm <subcommand>` (canonical name, `*` = all) stalls `ms` before answering. */
  stall(subcommand: string, ms: number): void;
  /** Adds `ms` to every INV period started from now on. */
  keepInvLonger(ms: number): void;
  /** Each `ldm <subcommand>` (`*` = all) waits `ms` before running. */
  latency(subcommand: string, ms: number): void;
  /** Removes every fault. */
  clear(): void;
}

export class StoreFaultControl implements FaultControl {
  constructor(private readonly store: LabStateStore) {}

  failNth(nth: number, message: string, options: { machine?: string; exitCode?: number } = {}): void {
    if (!Number.isInteger(nth) || nth < 1) throw new RangeError(`failNth: nth must be an integer >= 1, got ${nth}`);
    this.store.update((s) => {
      const ldm = s.journal.filter((j) => j.kind === "ldm");
      const done = options.machine ? ldm.filter((j) => j.machine === options.machine).length : ldm.length;
      s.faults.failNth.push({ at: done + nth, message, exitCode: options.exitCode ?? 1, machine: options.machine });
    });
  }

  stall(subcommand: string, ms: number): void {
    this.store.update((s) => void (s.faults.stallMs[subcommand] = ms));
  }

  keepInvLonger(ms: number): void {
    this.store.update((s) => void (s.faults.extraInvMs = ms));
  }

  latency(subcommand: string, ms: number): void {
    this.store.update((s) => void (s.faults.latencyMs[subcommand] = ms));
  }

  clear(): void {
    this.store.update((s) => void (s.faults = { failNth: [], extraInvMs: 0, latencyMs: {}, stallMs: {} }));
  }
}
