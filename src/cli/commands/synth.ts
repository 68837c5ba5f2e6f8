import { existsSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { loadPlanDocumentFile } from "../../model/load-plan-document";
import type { PlanDocument } from "../../model";
import { synthesizeApp, type SynthesizedStack } from "../synth-app";
import { TOPOLOGY_FILE_NAME } from "../../synth/artifacts";

/** Lines describing a plan document: per host its steps, then the migrations. */
export function renderPlanSummary(plan: PlanDocument, options: { steps?: boolean } = {}): string[] {
  const lines: string[] = [];
  for (const host of plan.hosts) {
    const disruptive = host.steps.filter((s) => s.disruption).length;
    lines.push(`  host ${host.id} (${host.connection.user}@${host.connection.address}): ${host.steps.length} step${host.steps.length === 1 ? "" : "s"}${disruptive ? `, ${disruptive} disruptive` : ""}`);
    if (options.steps) for (const step of host.steps) lines.push(`    ${step.disruption ? "!" : "-"} ${step.summary}`);
  }
  for (const m of plan.migrations) {
    const blocked = m.blockingVfs.length ? ` BLOCKED by ${m.blockingVfs.map((b) => b.device).join(", ")}` : "";
    lines.push(`  migration ${m.id}: domain ${m.domain} ${m.sourceHost} -> ${m.targetHost}, VF ${m.targetVfs.map((t) => t.name).join(", ")}${m.migrate ? " (runs in the pipeline)" : " (run: ldoms migrate " + m.id + ")"}${blocked}`);
  }
  for (const g of plan.groups ?? []) {
    const domains = g.domains.map((d) => `${d.name} (VF ${d.vfs.join(", ")})`).join(", ");
    lines.push(`  group ${g.id}: hosts ${g.hosts.map((h) => h.id).join(", ")}; mobile domains ${domains} (move one: ldoms migrate DOMAIN --to HOST)`);
  }
  return lines;
}

export function renderSynthSummary(stacks: readonly SynthesizedStack[], cwd: string, options: { steps?: boolean } = {}): string {
  if (stacks.length === 0) return "No LDoms stacks were synthesized (the app declares no LdomsStack).\n";
  const lines: string[] = [];
  for (const stack of stacks) {
    const plan = loadPlanDocumentFile(stack.planFile);
    const shown = relative(cwd, stack.dir);
    lines.push(`Stack ${stack.name} -> ${shown === "" ? "." : shown.startsWith("..") ? stack.dir : shown}`);
    lines.push(...renderPlanSummary(plan, options));
    const scriptsDir = join(stack.dir, "scripts");
    const scripts = existsSync(scriptsDir) ? readdirSync(scriptsDir).filter((f) => f.endsWith(".sh")).sort() : [];
    const picture = existsSync(join(stack.dir, TOPOLOGY_FILE_NAME)) ? [TOPOLOGY_FILE_NAME] : [];
    lines.push(`  files: ${["cdk.tf.json", "ldoms.plan.json", ...picture, ...scripts.map((f) => `scripts/${f}`)].join(", ")}`);
  }
  return `${lines.join("\n")}\n`;
}

export interface SynthCommandOptions {
  readonly output?: string;
  readonly steps?: boolean;
}

/** `ldoms synth`: synthesize the app of cdktf.json in the current folder and summarize each stack. */
export async function runSynth(opts: SynthCommandOptions): Promise<void> {
  const projectDir = process.cwd();
  const { stacks } = await synthesizeApp({ projectDir, ...(opts.output !== undefined ? { outDir: opts.output } : {}) });
  process.stdout.write(renderSynthSummary(stacks, projectDir, { steps: opts.steps ?? false }));
}
