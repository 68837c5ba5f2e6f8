import { spawn, type SpawnOptions } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";

export interface ProcessRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a program to its end without blocking this process (tests often serve the lab's SSH
 * endpoints from it), collecting its exit status and output.
 */
export function runProcess(command: string, args: readonly string[], options: Omit<SpawnOptions, "stdio"> = {}): Promise<ProcessRun> {
  return new Promise((done, fail) => {
    const child = spawn(command, [...args], { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    child.once("error", fail);
    child.once("close", (status) => done({ status, stdout, stderr }));
  });
}

/** A run for an assertion message: exit status and both streams, then the end of `log` (TF_LOG_PATH) when given. */
export function showRun(run: ProcessRun, log?: string): string {
  const tail = log && existsSync(log) ? `\n--- terraform.log (end)\n${readFileSync(log, "utf8").slice(-6000)}` : "";
  return `exit ${run.status}\n${run.stdout}\n${run.stderr}${tail}`;
}
