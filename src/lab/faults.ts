/**
 * Fault injection, kept in the lab state so every process sharing a state file sees it: fail
 * the Nth mutating command, stall a subcommand, keep INV longer, add latency per subcommand,
 * replace a subcommand's answer, print another `VERSION` in `-p` listings.
 */
import type { LabStateStore } from "./store";

/** What a replaced `ldm` answer prints and exits with (defaults: nothing, exit status 0). */
export interface ReplacedAnswer {
  readonly stdout?: string;
  readonly stderr?: string;
  readonly exitCode?: number;
  /** Only on this machine (default: every machine). */
  readonly machine?: string;
}

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
  /**
   * Each `ldm <subcommand>` (canonical name, `*` = all) answers `answer` instead of running,
   * changing nothing and journaling nothing. E.g. an account without a rights profile whose
   * `ldm list-io -l -p` exits 0 with `Authorization failed` on stderr and nothing on stdout:
   * `answer("list-io", { stderr: "Authorization failed\n" })`.
   */
  answer(subcommand: string, answer: ReplacedAnswer): void;
  /** `-p` listings print `VERSION <version>` instead of the lab's own (undefined: the lab's again). */
  parseableVersion(version: string | undefined): void;
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

  answer(subcommand: string, answer: ReplacedAnswer): void {
    const entry = { subcommand, exitCode: answer.exitCode ?? 0, stdout: answer.stdout ?? "", stderr: answer.stderr ?? "", ...(answer.machine ? { machine: answer.machine } : {}) };
    this.store.update((s) => void (s.faults.answers = [...(s.faults.answers ?? []), entry]));
  }

  parseableVersion(version: string | undefined): void {
    this.store.update((s) => {
      if (version === undefined) delete s.faults.parseableVersion;
      else s.faults.parseableVersion = version;
    });
  }

  clear(): void {
    this.store.update((s) => void (s.faults = { failNth: [], extraInvMs: 0, latencyMs: {}, stallMs: {} }));
  }
}
