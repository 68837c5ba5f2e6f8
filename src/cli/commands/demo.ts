import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Command } from "commander";
import { synthesizeApp, type SynthesizedStack } from "../synth-app";
import { renderSynthSummary } from "./synth";

/** The repository (package) root: where cdktf.json names the example app. */
export function packageRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && existsSync(join(dir, "cdktf.json")) && (JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "cdktf-ldoms") return dir;
    if (dirname(dir) === dir) throw new Error(`cdktf-ldoms package root not found above ${from}`);
  }
}

export interface DemoOptions {
  readonly projectDir?: string;
  readonly outDir?: string;
  readonly write?: (text: string) => void;
}

/**
 * The guided story of `npm start`. First chapter: synthesize the example and show its plan.
 * Later chapters (lab, plan, apply, migrate) extend this function and reuse `stacks`.
 */
export async function runDemo(options: DemoOptions = {}): Promise<{ stacks: SynthesizedStack[] }> {
  const write = options.write ?? ((text: string) => void process.stdout.write(text));
  const projectDir = options.projectDir ?? packageRoot();
  write("== synthesize examples/sriov-migration (ldoms synth)\n");
  const result = await synthesizeApp({ projectDir, ...(options.outDir !== undefined ? { outDir: options.outDir } : {}) });
  write(renderSynthSummary(result.stacks, projectDir, { steps: true }));
  return result;
}

export function register(program: Command): void {
  program
    .command("demo")
    .description("the whole story on the embedded lab over SSH (npm start): synthesize the example, plan, apply, plan again, migrate --dry-run, migrate, verify")
    .option("-o, --output <dir>", "output directory of the synthesized example, relative to the repository", "cdktf.out")
    .option("--synth-only", "only synthesize the example and show its plan")
    .action(async (opts: { output: string; synthOnly?: boolean }) => {
      if (opts.synthOnly) {
        await runDemo({ outDir: opts.output });
        return;
      }
      // Loaded on use: the story imports this file (packageRoot).
      const { runStory } = await import("../story");
      await runStory({ outDir: opts.output });
    });
}
