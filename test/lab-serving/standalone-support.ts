import { runProcess, type ProcessRun } from "../support/run-process";

export type { ProcessRun };
import { join, resolve } from "node:path";

export const REPO = resolve(__dirname, "../..");
const TSX = join(REPO, "node_modules/tsx/dist/cli.mjs");
export const STANDALONE_ENTRY = join(REPO, "src/lab-serving/standalone/cli-entry.ts");

/** The standalone lab `ldm` run from source, as a shell script body usable as `ldm` on PATH. */
export function ldmWrapperScript(): string {
  return `#!/bin/sh\nexec ${process.execPath} ${TSX} ${STANDALONE_ENTRY} "$@"\n`;
}

/** Runs the standalone `ldm` with the given argv and environment additions. */
export function runStandalone(argv: readonly string[], env: Record<string, string | undefined>): Promise<ProcessRun> {
  return runProcess(process.execPath, [TSX, STANDALONE_ENTRY, ...argv], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
  });
}
