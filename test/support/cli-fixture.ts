/**
 * The setup of tests that call the CLI commands in-process: a scratch folder holding the
 * example's plan document, the in-process lab to connect to, and captured stdout/stderr.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CommandIo } from "../../src/cli/commands/plan";
import { examplePlan } from "../../test-kit/example-plan";
import { inProcessLab, type InProcessLab } from "../engine/support/engine-lab";
import { Capture } from "./capture";

export interface CliFixture {
  readonly dir: string;
  readonly env: InProcessLab;
  /** `<dir>/ldoms.plan.json`: the example's plan document. */
  readonly planDocument: string;
  readonly out: Capture;
  readonly err: Capture;
  /** The commands' io: captured streams, the folder as cwd, the lab's connections. */
  io(extra?: Partial<CommandIo>): CommandIo;
  /** Removes the folder. */
  remove(): void;
}

export function cliFixture(prefix: string): CliFixture {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const env = inProcessLab();
  const planDocument = join(dir, "ldoms.plan.json");
  writeFileSync(planDocument, JSON.stringify(examplePlan()));
  const out = new Capture();
  const err = new Capture();
  return {
    dir,
    env,
    planDocument,
    out,
    err,
    io: (extra = {}) => ({ stdout: out, stderr: err, cwd: dir, connect: env.connect(), env: {}, ...extra }),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
