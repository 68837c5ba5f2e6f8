/**
 * Runs doctor's commands on one host or guest, each in its own exec (its own exit status,
 * output and duration). Anything not on the allow-list (commands.ts) is refused before the
 * first command runs, so a refusal sends nothing at all.
 */
import { ConnectionError, ValidationError } from "../../model";
import { commandLine, ldmCommandLine } from "../../ldm/quote";
import type { HostSession } from "../host-session";
import { allowedCommand, type DoctorCommand, type DoctorScope } from "./commands";

/** What one command did. `exitStatus` is null when the transport could not tell (see `error`). */
export interface CapturedCommand {
  readonly id: string;
  readonly scope: DoctorScope;
  readonly argv: readonly string[];
  /** The exact line sent (with ldmPath and pfexec applied). */
  readonly commandLine: string;
  readonly exitStatus: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
  /** Why there is no exit status: a timeout, a lost connection, a host that could not be reached. */
  readonly error?: string;
}

export interface CaptureRun {
  readonly captures: CapturedCommand[];
  /** The connection failure that stopped the run early; the commands after it were not run. */
  readonly stoppedBy?: ConnectionError;
}

/** A request that is not on the allow-list. */
export class DoctorRefusal extends ValidationError {}

export interface RunnerOptions {
  /** `ldm` binary (the connection's ldmPath). Default `ldm`. */
  readonly ldmPath?: string;
  /** Run `ldm` through pfexec (the connection's pfexec). */
  readonly pfexec?: boolean;
}

/** The allow-list rows of these requests, in order; refuses the whole list if one is not on it. */
export function checkedCommands(scope: DoctorScope, argvs: readonly (readonly string[])[]): DoctorCommand[] {
  return argvs.map((argv) => {
    const row = allowedCommand(scope, argv);
    if (!row) {
      throw new DoctorRefusal(
        `doctor refused to run \`${argv.join(" ")}\` (${scope}): it runs only its allow-list of read-only commands (src/engine/doctor/commands.ts); nothing was run`,
      );
    }
    return row;
  });
}

function lineOf(row: DoctorCommand, options: RunnerOptions): string {
  if (row.scope === "host" && row.argv[0] === "ldm") return ldmCommandLine(row.argv.slice(1), options);
  return commandLine(row.argv);
}

/**
 * Runs the requested commands (each an argv from the allow-list) one exec each. A command that
 * fails is captured, not fatal; a lost connection or timeout is captured with its `error`; a
 * host that cannot be reached any more stops the run (`stoppedBy`) with what was captured so far.
 */
export async function runDoctorCommands(
  session: HostSession,
  scope: DoctorScope,
  argvs: readonly (readonly string[])[],
  options: RunnerOptions = {},
): Promise<CaptureRun> {
  const rows = checkedCommands(scope, argvs);
  const captures: CapturedCommand[] = [];
  for (const row of rows) {
    const line = lineOf(row, options);
    const started = performance.now();
    const base = { id: row.id, scope, argv: [...row.argv], commandLine: line };
    try {
      const result = await session.exec(line, "read");
      captures.push({ ...base, exitStatus: result.exitStatus, stdout: result.stdout, stderr: result.stderr, durationMs: elapsed(started) });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      captures.push({ ...base, exitStatus: null, stdout: "", stderr: "", durationMs: elapsed(started), error: message });
      if (error instanceof ConnectionError) return { captures, stoppedBy: error };
    }
  }
  return { captures };
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}
