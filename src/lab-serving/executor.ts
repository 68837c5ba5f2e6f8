import { type ExecOptions, type ExecResult, OutcomeUnknownError, type RemoteExecutor } from "../transport/executor";
import { OutputLimitError, outputLimit } from "../transport/output-limit";
import { DEFAULT_LAB_USER, type ServableLab, labEndpoint } from "./executor-endpoints";
import { type ShellEndpoint, runCommandLine } from "./shell";

/** One exec as the fault hook sees it. */
export interface LabExecInfo {
  readonly hostId: string;
  /** 1-based count of execs on this executor, including this one. */
  readonly execIndex: number;
  /** 1-based count over every executor sharing the same counters. */
  readonly totalExecIndex: number;
  readonly commandLine: string;
}

/**
 * Where a simulated connection cut falls: `before` the command runs (it never ran) or `after`
 * it ran (its changes are made, its status is lost). Either way the caller cannot tell which.
 */
export type CutPoint = "before" | "after";

/** Counts shared by the executors of one test or run. */
export interface LabExecCounters {
  connections: number;
  execs: number;
  cuts: number;
}

export function newLabExecCounters(): LabExecCounters {
  return { connections: 0, execs: 0, cuts: 0 };
}

export interface LabExecutorOptions {
  /** Account reported by `id -un`. Default `ldmops`. */
  readonly user?: string;
  /** Delay before every exec, standing for a network round trip. Default 0. */
  readonly latencyMs?: number;
  /** Decides, per exec, whether the connection is cut and where. */
  readonly cut?: (info: LabExecInfo) => CutPoint | undefined;
  /** Counters to add to (share one object between executors to count a whole run). */
  readonly counters?: LabExecCounters;
  /** Label for messages. Default the host id. */
  readonly label?: string;
  /** Most bytes of output per stream when `exec` gets none. Default 16 MiB, as over SSH. */
  readonly maxOutputBytes?: number;
}

/**
 * A `RemoteExecutor` that runs command lines through the lab shell on one lab machine or
 * guest, in this process. It behaves like one SSH connection: opened on first use, counted,
 * lost on a simulated cut (the exec rejects with `OutcomeUnknownError`) and reopened by the
 * next exec, so retry and re-read logic meets the same situations as over the network. Timeouts
 * (`timeoutMs`, 0 = none) and the output cap (`maxOutputBytes`) behave as the SSH executor's.
 */
export class LabExecutor implements RemoteExecutor {
  readonly label: string;
  readonly counters: LabExecCounters;
  private readonly endpoint: ShellEndpoint;
  private connected = false;
  private execCount = 0;

  constructor(
    lab: ServableLab,
    readonly hostId: string,
    private readonly options: LabExecutorOptions = {},
  ) {
    this.endpoint = labEndpoint(lab, hostId, options.user ?? DEFAULT_LAB_USER);
    this.label = options.label ?? hostId;
    this.counters = options.counters ?? newLabExecCounters();
  }

  /** Execs run by this executor. */
  get execs(): number {
    return this.execCount;
  }

  async exec(commandLine: string, options: ExecOptions = {}): Promise<ExecResult> {
    if (!this.connected) {
      this.connected = true;
      this.counters.connections += 1;
    }
    this.execCount += 1;
    this.counters.execs += 1;
    const info: LabExecInfo = {
      hostId: this.hostId,
      execIndex: this.execCount,
      totalExecIndex: this.counters.execs,
      commandLine,
    };
    const run = this.runOnce(info, outputLimit(this.label, options.maxOutputBytes, this.options.maxOutputBytes));
    if (options.timeoutMs === undefined || options.timeoutMs <= 0) return run;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.connected = false;
        reject(new OutcomeUnknownError(`${this.label}: no exit status after ${options.timeoutMs} ms (command timeout); the command may or may not have run. Command: ${commandLine}`, commandLine, "timeout", { label: this.label, timeoutMs: options.timeoutMs }));
      }, options.timeoutMs);
    });
    try {
      return await Promise.race([run, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async runOnce(info: LabExecInfo, maxOutputBytes: number): Promise<ExecResult> {
    const latency = this.options.latencyMs ?? 0;
    if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
    const cut = this.options.cut?.(info);
    if (cut === "before") throw this.cutError(info);
    const result = await runCommandLine(this.endpoint, info.commandLine);
    if (cut === "after") throw this.cutError(info);
    // The lab answers in one piece; measured as the bytes an SSH channel would carry.
    for (const [name, text] of [["stdout", result.stdout], ["stderr", result.stderr]] as const) {
      if (Buffer.byteLength(text) > maxOutputBytes) throw new OutputLimitError(this.label, info.commandLine, name, maxOutputBytes);
    }
    return { exitStatus: result.exitStatus, stdout: result.stdout, stderr: result.stderr };
  }

  private cutError(info: LabExecInfo): OutcomeUnknownError {
    this.connected = false;
    this.counters.cuts += 1;
    return new OutcomeUnknownError(`${this.label}: connection lost (lab fault injection, exec ${info.execIndex})`, info.commandLine, "connection-lost", { label: this.label, detail: `connection lost (lab fault injection, exec ${info.execIndex})` });
  }

  async close(): Promise<void> {
    this.connected = false;
  }
}
