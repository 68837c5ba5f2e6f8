/**
 * The whole story of `npm start`, on the embedded lab over SSH, with no SPARC hardware: start
 * the lab's SSH endpoints on loopback (two control domains and the guest), synthesize the
 * example, plan, apply, plan again (no changes), migrate --dry-run, migrate, verify, and sum up.
 * Every step runs the real command code (the same functions as `ldoms plan|apply|migrate`)
 * against an inventory that points the example's hosts at the lab. Everything it starts is
 * closed again, also on failure; the work folder is removed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { loadLabDefinitionFile } from "../lab/definition";
import { Lab } from "../lab/lab";
import { DEFAULT_LAB_FILE } from "../lab/paths";
import { resolveVariants, type VariantPresetName } from "../lab/variants";
import { startLabServer, type RunningLabServer } from "../lab-serving/ssh-server";
import { LdomsError } from "../model";
import type { MigrationReport } from "../engine/migration";
import { packageRoot } from "../model/package-files";
import { runApply } from "./commands/apply";
import { exampleAppCommand } from "./commands/demo";
import { runMigrate } from "./commands/migrate";
import { runPlan } from "./commands/plan";
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

const MIGRATION_ID = "ldg1-to-b";

export async function runStory(options: StoryOptions = {}): Promise<StorySummary> {
  const write = options.write ?? ((text: string) => void process.stdout.write(text));
  const cwd = process.cwd();
  const started = performance.now();
  const work = mkdtempSync(join(tmpdir(), "ldoms-story-"));
  const steps: StoryStep[] = [];
  let server: RunningLabServer | undefined;
  let migration: MigrationReport | undefined;
  const definition = loadLabDefinitionFile(DEFAULT_LAB_FILE);
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
    await step("ldoms lab up: two SPARC T7-2 control domains (t7-a, t7-b) and guest ldg1, served over SSH on 127.0.0.1", 0, async () => {
      server = await startLabServer({ lab, stateDir: join(work, "lab") });
      inventory = server.inventoryFile;
      for (const [id, h] of Object.entries(server.inventory.hosts)) write(`    ${id.padEnd(11)} ${h.user}@${h.address}:${h.port}  host key ${h.hostKey}\n`);
      if (options.labVariant !== undefined) write(`    ldm output in the lab's "${options.labVariant}" variant (docs/lab.md, "Variants")\n`);
      return 0;
    });
    await step("ldoms synth: examples/sriov-migration (ldg1 with named VF ldg1-app + vnet0 in IPMP group ipmp0, migrating to t7-b)", 0, async () => {
      const outDir = options.outDir !== undefined ? resolve(options.outDir) : join(work, "cdktf.out");
      const { stacks } = await synthesizeApp({ projectDir: packageRoot(), app: exampleAppCommand(), outDir });
      const stack = stacks.find((s) => s.name === "prod-move") ?? stacks[0];
      if (!stack) throw new StoryError("the example synthesized no stack");
      planDocument = stack.planFile;
      stream.write(options.outDir !== undefined ? renderSynthSummary(stacks, cwd, { steps: true }) : renderSynthSummary(stacks, work, { steps: true }).replace(relative(work, stack.dir), "cdktf.out/stacks/prod-move"));
      return 0;
    });
    const input = () => ({ planDocument, inventory });
    // plan/apply progress repeats what their output says; migrate's (phases, percentages) does not.
    const quiet = { write: () => undefined, isTTY: false };
    const io = { stdout: stream, stderr: quiet, cwd, env: {} };
    const migrateIo = { ...io, stderr: { write: (text: string) => stream.write(text.replace(/^\S+Z /gm, "")), isTTY: false } };
    await step("ldoms plan: read both control domains once, show what apply would change", 0, () => runPlan(input(), io));
    await step("ldoms apply --auto-approve: create, name and assign what is missing, verify each step; then IPMP in the guest over SSH", 0, () => runApply(undefined, { ...input(), autoApprove: true }, io));
    await step("ldoms plan --detailed-exitcode: converged, no changes (exit 0)", 0, () => runPlan({ ...input(), detailedExitcode: true }, io));
    await step(`ldoms migrate ${MIGRATION_ID} --dry-run: prove every rule of the migration contract, then ldm migrate-domain -n`, 0, () =>
      runMigrate(MIGRATION_ID, { ...input(), dryRun: true }, { ...migrateIo, onReport: (r) => void (migration = r) }));
    await step(`ldoms migrate ${MIGRATION_ID} --auto-approve: migrate with progress, then prove the result`, 0, () =>
      runMigrate(MIGRATION_ID, { ...input(), autoApprove: true, pollInterval: 250 }, { ...migrateIo, onReport: (r) => void (migration = r) }));
    let verify: MigrationReport | undefined;
    await step(`ldoms migrate ${MIGRATION_ID} --auto-approve, again: ldg1 is already on t7-b, so it only verifies`, 0, () =>
      runMigrate(MIGRATION_ID, { ...input(), autoApprove: true }, { ...migrateIo, onReport: (r) => void (verify = r) }));
    if (verify?.outcome !== "already-migrated") throw new StoryError(`the verifying run ended with ${verify?.outcome ?? "no report"}, expected already-migrated`);
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
      `    ldg1 now runs on t7-b with VF ldg1-app (${moved ? `migrated in ${(moved.durationMs / 1000).toFixed(1)} s` : "migrated"}); IPMP group ipmp0 is back on the VF`,
      `    mutating commands on the lab: ${["t7-a", "t7-b"].map((m) => `${m} ${lab.journal().filter((j) => j.kind === "ldm" && j.machine === m).length}`).join(", ")}, guest ldg1 ${lab.journal().filter((j) => j.kind !== "ldm").length}`,
      "    the lab's SSH servers are closed; nothing is left running",
      "",
    ].join("\n"),
  );
  return { steps, totalMs, ...(migration ? { migration } : {}) };
}
