import { spawn } from "node:child_process";
import { OutcomeUnknownError, type ExecOptions, type ExecResult, type RemoteExecutor } from "./executor";
import { CappedOutput, OutputLimitError, outputLimit } from "./output-limit";

export interface LocalExecutorOptions {
  /** Default `local`. */
  readonly label?: string;
  /** Shell that runs each command line with `-c`. Default `/bin/sh`. */
  readonly shell?: string;
  /** Default per-command limit when `exec` gets none. Default 0 = no limit. */
  readonly commandTimeoutMs?: number;
  /** Most bytes kept per stream of a command when `exec` gets none. Default 16 MiB (DEFAULT_MAX_OUTPUT_BYTES). */
  readonly maxOutputBytes?: number;
}

/**
 * RemoteExecutor for running on the control domain itself: each command line goes to
 * `/bin/sh -c`. Same contract as over SSH: the exit status decides; a timeout or a death by
 * signal rejects with OutcomeUnknownError, output over the limit with OutputLimitError.
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
    const maxOutputBytes = outputLimit(this.label, options.maxOutputBytes, this.options.maxOutputBytes);
    return new Promise<ExecResult>((resolve, reject) => {
      // Own process group, so a timeout can stop the whole command, not only the shell.
      const child = spawn(this.options.shell ?? "/bin/sh", ["-c", commandLine], { stdio: ["pipe", "pipe", "pipe"], detached: true });
      const stdout = new CappedOutput(maxOutputBytes);
      const stderr = new CappedOutput(maxOutputBytes);
      let timedOut = false;
      let overflow: "stdout" | "stderr" | undefined;
      const stop = () => {
        try {
          process.kill(-child.pid!, "SIGKILL");
        } catch {
          child.kill("SIGKILL");
        }
      };
      const timer =
        timeoutMs > 0
          ? setTimeout(() => {
              timedOut = true;
              stop();
            }, timeoutMs)
          : undefined;
      const keep = (output: CappedOutput, name: "stdout" | "stderr") => (chunk: Buffer) => {
        if (overflow !== undefined || output.push(chunk)) return;
        overflow = name;
        stop();
      };
      child.stdout.on("data", keep(stdout, "stdout"));
      child.stderr.on("data", keep(stderr, "stderr"));
      child.stdin.on("error", () => undefined); // a command that ignores stdin closes it early
      child.on("error", (error) => {
        if (timer) clearTimeout(timer);
        reject(new Error(`${this.label}: cannot start ${this.options.shell ?? "/bin/sh"}: ${error.message}`));
      });
      child.on("close", (code, signal) => {
        if (timer) clearTimeout(timer);
        if (overflow !== undefined) reject(new OutputLimitError(this.label, commandLine, overflow, maxOutputBytes));
        else if (timedOut) reject(new OutcomeUnknownError(`${this.label}: no exit status after ${timeoutMs} ms (command timeout); the command may or may not have completed. Command: ${commandLine}`, commandLine, "timeout", { label: this.label, timeoutMs }));
        else if (code === null) reject(new OutcomeUnknownError(`${this.label}: the command was killed by signal ${signal}. Command: ${commandLine}`, commandLine, "signal", { label: this.label, detail: `killed by signal ${signal}` }));
        else resolve({ exitStatus: code, stdout: stdout.text(), stderr: stderr.text() });
      });
      child.stdin.end(options.stdin ?? "");
    });
  }

  async close(): Promise<void> {
    // Nothing to release: each command is its own process.
  }
}
