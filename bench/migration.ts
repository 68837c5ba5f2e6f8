/**
 * Migration suite (`npm run bench -- migration`): the npm start story end to end (lab over SSH,
 * synth, plan, apply, plan, migrate --dry-run --apply, migrate, verify), with each step's wall
 * time; and the cost of a converged `ldoms migrate --dry-run` in connections and execs per host
 * (in-process lab): one connection per control domain and guest, one batched read each, the
 * dry run, the lock release.
 */
import { performance } from "node:perf_hooks";
import { runStory } from "../src/cli/story";
import { runMigration } from "../src/engine/migration";
import { Lab, loadLabDefinitionFile, DEFAULT_LAB_FILE } from "../src/lab";
import { LabExecutor, newLabExecCounters, type LabExecCounters } from "../src/lab-serving/executor";
import { examplePlan } from "../test-kit/example-plan";

export async function run(): Promise<object> {
  const story = await runStory({ write: () => undefined });

  const lab = Lab.fromDefinition(loadLabDefinitionFile(DEFAULT_LAB_FILE));
  const counters = new Map<string, LabExecCounters>();
  const connect = (target: { id: string }) => {
    if (!counters.has(target.id)) counters.set(target.id, newLabExecCounters());
    return new LabExecutor(lab, target.id, { counters: counters.get(target.id)! });
  };
  // In-process the addresses are not used; every host of the run must be listed all the same.
  const inventory = { hosts: Object.fromEntries(["t7-a", "t7-b", "guest/ldg1"].map((id) => [id, { address: "127.0.0.1", port: 22, user: "root" }])) };
  const base = { connect, document: examplePlan(), inventory, migrationId: "ldg1-to-b", dryRun: true };
  const prepared = await runMigration({ ...base, apply: true });
  counters.clear();
  const t = performance.now();
  const converged = await runMigration(base);
  const dryRunMs = Math.round(performance.now() - t);
  return {
    storyTotalMs: story.totalMs,
    storySteps: story.steps.map((s) => ({ step: s.title.split(":")[0], ms: s.ms })),
    preparedOutcome: prepared.outcome,
    convergedDryRun: { outcome: converged.outcome, wallMs: dryRunMs, perHost: Object.fromEntries(counters) },
  };
}
