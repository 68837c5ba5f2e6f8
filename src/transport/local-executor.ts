import { spawn } from "node:child_process";
import { OutcomeUnknownError, type ExecOptions, type ExecResult, type RemoteExecutor } from "./executor";

export interface LocalExecutorOptions {
  /** Default `local`. */
  readonly label?: string;
  /** Shell that runs each command line with `-c`. Default `/bin/sh`. */
  readonly shell?: string;
  /** Default per-command limit when `exec` gets none. Default 0 = no limit. */
  readonly commandTimeoutMs?: number;
}

/**
 * RemoteExecutor for running on the control domain itself: each command line goes to
 * `/bin/sh -c`. Same contract as over SSH: the exit status decides; a timeout or a death by
 * signal rejects with OutcomeUnknownError.
 */
export class LocalExecutor implements RemoteExecutor {
  readonly label: string;
  private execCount = 0;

  constructor(private readonly options: LocalExecutorOptions = {}) {
    this.label = options.label ?? "local";
  }

  get stats(): { readonly execs: number } {
    return { execs: this.execCount };
  }

  exec(commandLine: string, options: ExecOptions = {}): Promise<ExecResult> {
    this.execCount++;
    const timeoutMs = options.timeoutMs ?? this.options.commandTimeoutMs ?? 0;
    return new Promise<ExecResult>((resolve, reject) => {
      // Own process group, so a timeout can stop the whole command, not only the shell.
      const child = spawn(this.options.shell ?? "/bin/sh", ["-c", commandLine], { stdio: ["pipe", "pipe", "pipe"], detached: true });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let timedOut = false;
      const timer =
        timeoutMs > 0
          ? setTimeout(() => {
              timedOut = true;
              try {
                process.kill(-child.pid!, "SIGKILL");
              } catch {
                child.kill("SIGKILL");
              }
            }, timeoutMs)
          : undefined;
      child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
      child.stdin.on("error", () => undefined); // a command that ignores stdin closes it early
      child.on("error", (error) => {
        if (timer) clearTimeout(timer);
        reject(new Error(`${this.label}: cannot start ${this.options.shell ?? "/bin/sh"}: ${error.message}`));
      });
      child.on("close", (code, signal) => {
        if (timer) clearTimeout(timer);
        if (timedOut) reject(new OutcomeUnknownError(`${this.label}: no exit status after ${timeoutMs} ms (command timeout); the command may or may not have completed. Command: ${commandLine}`, commandLine, "timeout"));
        else if (code === null) reject(new OutcomeUnknownError(`${this.label}: the command was killed by signal ${signal}. Command: ${commandLine}`, commandLine, "signal"));
        else resolve({ exitStatus: code, stdout: Buffer.concat(stdout).toString("utf8"), stderr: Buffer.concat(stderr).toString("utf8") });
      });
      child.stdin.end(options.stdin ?? "");
    });
  }

  async close(): Promise<void> {
    // Nothing to release: each command is its own process.
  }
}
