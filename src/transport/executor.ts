/**
 * The seam between the engine and a host: run one command line, get its exit status and
 * output. Implementations: ssh2 (remote control domain), local (on the control domain itself),
 * and the in-process lab. Failure is decided by exit status, never by stderr text.
 */
export interface ExecResult {
  /** Exit status; `null` when the channel closed without one (outcome unknown: a failure). */
  readonly exitStatus: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ExecOptions {
  /** Abort and report a timeout after this many milliseconds. */
  readonly timeoutMs?: number;
  /** Text written to the command's standard input, then closed. */
  readonly stdin?: string;
  /**
   * Most bytes kept per stream (stdout, stderr). A command printing more is stopped and the exec
   * rejects with OutputLimitError. Default: the executor's, else DEFAULT_MAX_OUTPUT_BYTES (16 MiB).
   */
  readonly maxOutputBytes?: number;
}

export interface RemoteExecutor {
  /** Label for messages, e.g. the host id. */
  readonly label: string;
  /**
   * Runs one POSIX shell command line (already quoted by the caller) on the host.
   * Rejects only when the command could not be run or its outcome is unknown (connection lost,
   * timeout): those rejections are `ConnectionError`-like with `outcomeUnknown` set when the
   * command may have run.
   */
  exec(commandLine: string, options?: ExecOptions): Promise<ExecResult>;
  /** Releases the connection. Idempotent. */
  close(): Promise<void>;
}

/** Why a command's outcome is unknown. */
export type OutcomeUnknownReason = "timeout" | "connection-lost" | "no-exit-status" | "signal" | "output-limit";

/** What an executor knows about an unknown outcome, for messages. */
export interface OutcomeUnknownContext {
  /** The executor's label (the host id). */
  readonly label?: string;
  /** The limit that ran out (reason `timeout`). */
  readonly timeoutMs?: number;
  /** What the transport saw, e.g. `connection to ldmops@t7-a:22 closed`. */
  readonly detail?: string;
}

/** Rejection of `exec` when the command's outcome is not known (it may or may not have run). */
export class OutcomeUnknownError extends Error {
  readonly outcomeUnknown = true;
  constructor(
    message: string,
    readonly commandLine: string,
    /** What happened; absent when the executor cannot tell. */
    readonly reason?: OutcomeUnknownReason,
    readonly context: OutcomeUnknownContext = {},
  ) {
    super(message);
    this.name = "OutcomeUnknownError";
  }
}
