/**
 * One host's connection for one run: opened on first use, reopened after a loss, counted.
 * Commands whose outcome is unknown (the connection dropped mid-command) surface as
 * OutcomeUnknownError so the caller re-reads instead of assuming.
 */
import type { HostConnection } from "../model";
import { ConnectionError } from "../model";
import { OutcomeUnknownError, type ExecResult, type RemoteExecutor } from "../transport/executor";
import { toConnectionError } from "./connection-errors";
import { timeoutFor, type CommandTimeouts } from "./timeouts";

export interface HostTarget {
  readonly id: string;
  readonly connection: HostConnection;
}

/** Opens a connection to a host (the CLI passes the ssh2 transport; tests the lab's). */
export type ConnectHost = (target: HostTarget) => RemoteExecutor | Promise<RemoteExecutor>;

/** What an exec does: its time limit and counters follow (`migration`: `ldm migrate-domain`, no limit). */
export type ExecKind = "read" | "mutating" | "lock" | "migration";

export interface HostCounters {
  connections: number;
  execs: number;
  readExecs: number;
  mutatingExecs: number;
  /**
   * `list-io` reads made to see devices leave `INV` (or learn a pseudonym) before a step that
   * depends on them: polls, and the listing a create-vf's exec appends.
   */
  settleReads: number;
}

export function isOutcomeUnknown(error: unknown): boolean {
  return error instanceof OutcomeUnknownError || (typeof error === "object" && error !== null && (error as { outcomeUnknown?: unknown }).outcomeUnknown === true);
}

export class HostSession {
  readonly counters: HostCounters = { connections: 0, execs: 0, readExecs: 0, mutatingExecs: 0, settleReads: 0 };
  private executor: RemoteExecutor | undefined;

  constructor(
    readonly target: HostTarget,
    private readonly connect: ConnectHost,
    /** Limits per exec kind, or one number for every command; defaults in timeouts.ts. */
    private readonly commandTimeoutMs?: number | CommandTimeouts,
  ) {}

  get id(): string {
    return this.target.id;
  }

  private async open(): Promise<RemoteExecutor> {
    if (this.executor) return this.executor;
    this.counters.connections++;
    try {
      this.executor = await this.connect(this.target);
    } catch (error) {
      throw toConnectionError(this.target, error);
    }
    return this.executor;
  }

  /**
   * Runs one command line. Rejects with OutcomeUnknownError (and drops the connection) when the
   * command may or may not have run, with ConnectionError when it could not be run at all.
   */
  async exec(commandLine: string, kind: ExecKind): Promise<ExecResult> {
    const executor = await this.open();
    this.counters.execs++;
    if (kind === "read") this.counters.readExecs++;
    if (kind === "mutating" || kind === "migration") this.counters.mutatingExecs++;
    try {
      const result = await executor.exec(commandLine, { timeoutMs: timeoutFor(kind, this.commandTimeoutMs) });
      if (result.exitStatus === null) {
        await this.drop();
        throw new OutcomeUnknownError(`${this.id}: the command ended without an exit status`, commandLine, "no-exit-status", { label: this.id });
      }
      return result;
    } catch (error) {
      if (error instanceof OutcomeUnknownError || isOutcomeUnknown(error)) {
        await this.drop();
        throw error;
      }
      await this.drop();
      if (error instanceof ConnectionError) throw error;
      throw toConnectionError(this.target, error);
    }
  }

  /** Forgets the current connection; the next exec opens a new one. */
  async drop(): Promise<void> {
    const executor = this.executor;
    this.executor = undefined;
    if (executor) await executor.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.drop();
  }
}
