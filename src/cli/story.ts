/**
 * The whole story of `npm start`, on the embedded lab over SSH, with no SPARC hardware: start
 * the lab's SSH endpoints on loopback (two control domains in one migration group, ldg1 running
 * on t7-a and ldg2 on t7-b, and their guests), synthesize the example, plan, apply, plan again
 * (no changes), move ldg1 to t7-b (dry run, then for real), show where everything runs, plan
 * again (still no changes: where a domain runs is observed), move it back, and sum up.
 * Every step runs the real command code (the same functions as `ldoms plan|apply|migrate`)
 * against an inventory that points the example's hosts at the lab. Everything it starts is
 * closed again, also on failure; the work folder is removed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { loadLabDefinitionFile } from "../lab/definition";
import { Lab } from "../lab/lab";
import { PAIR_LAB_FILE } from "../lab/paths";
import { resolveVariants, type VariantPresetName } from "../lab/variants";
import { startLabServer, type RunningLabServer } from "../lab-serving/ssh-server";
import { LdomsError } from "../model";
import type { MigrationReport } from "../engine/migration";
import { packageRoot } from "../model/package-files";
import { runApply } from "./commands/apply";
import { exampleAppCommand } from "./commands/demo";
import { runMigrate } from "./commands/migrate";
import { runPlan } from "./commands/plan";
import { runStatus } from "./commands/status";
import { renderSynthSummary } from "./commands/synth";
import { synthesizeApp } from "./synth-app";

export class StoryError extends LdomsError {
  readonly kind = "story";
}

export interface StoryOptions {
  readonly write?: (text: string) => void;
  /** Where the example is synthesized (kept), relative to the current directory. Default: a temporary folder, removed. */
  readonly outDir?: string;
  /** The lab's format variants (docs/lab.md, "Variants"); default: the lab's usual output. */
  readonly labVariant?: VariantPresetName;
}

export interface StoryStep {
  readonly title: string;
  readonly exitCode: number;
  readonly ms: number;
}

export interface StorySummary {
  readonly steps: readonly StoryStep[];
  readonly totalMs: number;
  readonly migration?: MigrationReport;
}


export async function runStory(options: StoryOptions = {}): Promise<StorySummary> {
  const write = options.write ?? ((text: string) => void process.stdout.write(text));
  const cwd = process.cwd();
  const started = performance.now();
  const work = mkdtempSync(join(tmpdir(), "ldoms-story-"));
  const steps: StoryStep[] = [];
  let server: RunningLabServer | undefined;
  let migration: MigrationReport | undefined;
  const definition = loadLabDefinitionFile(PAIR_LAB_FILE);
  const lab = Lab.fromDefinition(options.labVariant === undefined ? definition : { ...definition, options: { ...definition.options, variants: resolveVariants(options.labVariant) } });
  const stream = { write: (text: string) => void write(text.replace(/^(?=.)/gm, "    ")), isTTY: false };

  const step = async (title: string, expected: number, run: () => Promise<number>): Promise<void> => {
    write(`\n== ${steps.length + 1}. ${title}\n`);
    const t = performance.now();
    const exitCode = await run();
    steps.push({ title, exitCode, ms: Math.round(performance.now() - t) });
    if (exitCode !== expected) throw new StoryError(`story step "${title}" exited with ${exitCode}, expected ${expected}`);
  };

  try {
    let planDocument = "";
    let inventory = "";
    await step("ldoms lab up: two SPARC T7-2 control domains (t7-a running ldg1, t7-b running ldg2) and both guests, served over SSH on 127.0.0.1", 0, async () => {
      server = await startLabServer({ lab, stateDir: join(work, "lab") });
      inventory = server.inventoryFile;
      for (const [id, h] of Object.entries(server.inventory.hosts)) write(`    ${id.padEnd(11)} ${h.user}@${h.address}:${h.port}  host key ${h.hostKey}\n`);
      if (options.labVariant !== undefined) write(`    ldm output in the lab's "${options.labVariant}" variant (docs/lab.md, "Variants")\n`);
      return 0;
    });
    await step("ldoms synth: examples/migration-group (group pair of t7-a and t7-b; mobile domains ldg1 and ldg2, each with a named VF + vnet0 in IPMP group ipmp0)", 0, async () => {
      const outDir = options.outDir !== undefined ? resolve(options.outDir) : join(work, "cdktf.out");
      const { stacks } = await synthesizeApp({ projectDir: packageRoot(), app: exampleAppCommand(), outDir });
      const stack = stacks.find((s) => s.name === "prod-pair") ?? stacks[0];
      if (!stack) throw new StoryError("the example synthesized no stack");
      planDocument = stack.planFile;
      stream.write(options.outDir !== undefined ? renderSynthSummary(stacks, cwd, { steps: true }) : renderSynthSummary(stacks, work, { steps: true }).replace(relative(work, stack.dir), "cdktf.out/stacks/prod-pair"));
      return 0;
    });
    const input = () => ({ planDocument, inventory });
    // plan/apply progress repeats what their output says; migrate's (phases, percentages) does not.
    const quiet = { write: () => undefined, isTTY: false };
    const io = { stdout: stream, stderr: quiet, cwd, env: {} };
    const migrateIo = { ...io, stderr: { write: (text: string) => stream.write(text.replace(/^\S+Z /gm, "")), isTTY: false } };
    const converged = (why: string) => step(`ldoms plan --detailed-exitcode: ${why} (exit 0)`, 0, () => runPlan({ ...input(), detailedExitcode: true }, io));
    await step("ldoms plan: read both control domains once, show what apply would change", 0, () => runPlan(input(), io));
    await step("ldoms apply --auto-approve: each VF assigned where its domain runs and kept ready, unassigned, on the other host; then IPMP in the guests over SSH", 0, () => runApply(undefined, { ...input(), autoApprove: true }, io));
    await converged("converged, no changes");
    await step("ldoms migrate ldg1 --to t7-b --dry-run: prove every rule of the migration contract, then ldm migrate-domain -n", 0, () =>
      runMigrate("ldg1", { ...input(), to: "t7-b", dryRun: true }, migrateIo));
    await step("ldoms migrate ldg1 --to t7-b --auto-approve: migrate with progress, then prove the result", 0, () =>
      runMigrate("ldg1", { ...input(), to: "t7-b", autoApprove: true, pollInterval: 250 }, { ...migrateIo, onReport: (r) => void (migration = r) }));
    await step("ldoms status: where each domain runs, its VFs on both hosts, its IPMP group, whether it could move", 0, () => runStatus(input(), io));
    await converged("still no changes: where a domain runs is observed, not declared");
    let back: MigrationReport | undefined;
    await step("ldoms migrate ldg1 --to t7-a --auto-approve: and back, with no change to the code", 0, () =>
      runMigrate("ldg1", { ...input(), to: "t7-a", autoApprove: true, pollInterval: 250 }, { ...migrateIo, onReport: (r) => void (back = r) }));
    if (back?.outcome !== "migrated") throw new StoryError(`the move back ended with ${back?.outcome ?? "no report"}, expected migrated`);
    await converged("converged again");
  } finally {
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  }
  const totalMs = Math.round(performance.now() - started);
  const moved = migration?.run;
  write(
    [
      "",
      "== Summary",
      `    ${steps.length} steps, all as expected, in ${(totalMs / 1000).toFixed(1)} s (lab: INV lasts 1.5 s standing for ~45 s, a migration 2 s)`,
      `    ldg1 went to t7-b (${moved ? `${(moved.durationMs / 1000).toFixed(1)} s` : "migrated"}) and came back to t7-a; IPMP group ipmp0 back on VF ldg1-app each time; ldg2 stayed on t7-b`,
      `    mutating commands on the lab: ${["t7-a", "t7-b"].map((m) => `${m} ${lab.journal().filter((j) => j.kind === "ldm" && j.machine === m).length}`).join(", ")}, guests ${lab.journal().filter((j) => j.kind !== "ldm").length}`,
      "    the lab's SSH servers are closed; nothing is left running",
      "",
    ].join("\n"),
  );
  return { steps, totalMs, ...(migration ? { migration } : {}) };
}
