/**
 * `ldoms provider serve [--json] [--chdir DIR] [-- COMMAND [ARGS...]]`: serves the Terraform provider from this
 * process for as long as COMMAND runs (or, without one, until Ctrl-C or SIGTERM), and gives
 * Terraform TF_REATTACH_PROVIDERS so it uses this process instead of starting the provider
 * itself for each of its steps (three times per plan). Exits with COMMAND's exit code.
 */
import { spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { basename, resolve } from "node:path";
import { constants } from "node:os";
import { ValidationError } from "../../model/errors";
import { REATTACH_VARIABLE, serveForReattach, type ServedProvider } from "../../provider/reattach";
import { processStopSignals, type StopSignalName, type SubscribeStop } from "../interrupts";
import { defaultIo, type CommandIo } from "../command-io";

export interface ProviderServeOptions {
  readonly json?: boolean;
  /** The folder the provider block's relative paths are resolved from (Terraform's after `-chdir`). */
  readonly chdir?: string;
}

/** What `--json` prints (one line) once the provider listens. */
export interface ProviderServeReport {
  readonly reattach: string;
  readonly socket: string;
  readonly pid: number;
}

/** The exit code when the command cannot be found, as a shell gives it. */
export const COMMAND_NOT_FOUND = 127;

/** The exit code of a command that ended with `code` or by `signal`, as a shell gives it. */
function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  const number = signal ? constants.signals[signal] : undefined;
  return number ? 128 + number : 1;
}

/**
 * Runs the command with TF_REATTACH_PROVIDERS set. A terminal's Ctrl-C reaches the command
 * itself (same process group); SIGTERM, which CI may send to this process only, is passed on
 * once, so Terraform stops gracefully while the provider keeps answering it.
 */
function runCommand(command: readonly string[], served: ServedProvider, io: CommandIo, onStop: SubscribeStop): Promise<number> {
  const [file, ...args] = command as [string, ...string[]];
  const env = { ...(io.env ?? process.env), [REATTACH_VARIABLE]: served.reattach };
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: io.cwd, env, stdio: "inherit" });
    // While Terraform starts, this process would idle: load what its ConfigureProvider needs.
    void served.warm();
    let passedOn = false;
    const unsubscribe = onStop((signal: StopSignalName) => {
      if (signal !== "SIGTERM" || passedOn) return;
      passedOn = true;
      child.kill("SIGTERM");
    });
    child.once("error", (error: NodeJS.ErrnoException) => {
      unsubscribe();
      if (error.code !== "ENOENT") return reject(error);
      // As a shell says it: 127 is "command not found".
      io.stderr.write(`Error: cannot run ${JSON.stringify(file)}: not found on PATH; name the command to run under the served provider, e.g. ldoms provider serve -- terraform plan\n`);
      resolve(COMMAND_NOT_FOUND);
    });
    child.once("exit", (code, signal) => {
      unsubscribe();
      resolve(exitCodeOf(code, signal));
    });
  });
}

function describeServing(served: ServedProvider): string {
  return [
    `Serving terraform-provider-ldoms on ${served.socket} (pid ${process.pid}). In the shell that runs Terraform:`,
    `  export ${REATTACH_VARIABLE}='${served.reattach}'`,
    "Terraform then uses this process instead of starting the provider. Run one Terraform command at a time; Ctrl-C stops serving.",
    "",
  ].join("\n");
}

/** Serves until the first stop signal (the planned end: exit 0) or a client's Shutdown. */
async function serveUntilStopped(served: ServedProvider, options: ProviderServeOptions, io: CommandIo, onStop: SubscribeStop): Promise<number> {
  const report: ProviderServeReport = { reattach: served.reattach, socket: served.socket, pid: process.pid };
  io.stdout.write(options.json ? `${JSON.stringify(report)}\n` : describeServing(served));
  void served.warm();
  const unsubscribe = onStop(() => void served.stop());
  await served.done;
  unsubscribe();
  return 0;
}

/** `-chdir=DIR` of a `terraform` command line, which Terraform reads before the subcommand. */
export function terraformChdir(command: readonly string[]): string | undefined {
  const [file, ...args] = command;
  if (file === undefined || basename(file) !== "terraform") return undefined;
  for (const arg of args) {
    if (!arg.startsWith("-")) return undefined;
    if (arg.startsWith("-chdir=")) return arg.slice("-chdir=".length);
  }
  return undefined;
}

/**
 * Where the provider resolves `plan_document` and `inventory`: a provider Terraform starts runs
 * in Terraform's folder (after `-chdir`); a served one runs here, so it takes `--chdir`, or the
 * `-chdir=` of a `terraform` command it wraps.
 */
function providerFolder(command: readonly string[], options: ProviderServeOptions, cwd: string): string {
  const given = options.chdir ?? terraformChdir(command);
  if (given === undefined) return cwd;
  const folder = resolve(cwd, given);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    const named = options.chdir !== undefined ? `--chdir ${given}` : `terraform -chdir=${given}`;
    throw new ValidationError(`${named}: no such folder (${folder}); name the folder Terraform runs in, where the provider block's relative paths start`);
  }
  return folder;
}

export async function runProviderServe(command: readonly string[], options: ProviderServeOptions, io: CommandIo = defaultIo()): Promise<number> {
  if (command.length > 0 && options.json) {
    throw new ValidationError("--json prints how to attach when serving without a command; with a command, TF_REATTACH_PROVIDERS is set for it and only its output is printed: drop --json");
  }
  const onStop = io.onStop ?? processStopSignals;
  const cwd = providerFolder(command, options, io.cwd);
  const served = await serveForReattach({ cwd, env: io.env ?? process.env, ...(io.connect ? { connect: io.connect } : {}) });
  try {
    return command.length > 0 ? await runCommand(command, served, io, onStop) : await serveUntilStopped(served, options, io, onStop);
  } finally {
    await served.stop();
  }
}
