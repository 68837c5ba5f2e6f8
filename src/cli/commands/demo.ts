import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { commandLine } from "../../ldm/quote";
import { packageRoot } from "../../model/package-files";
import { LAB_VARIANT_ENV, labVariantOption } from "../lab-variant";
import { synthesizeApp, type SynthesizedStack } from "../synth-app";
import { renderSynthSummary } from "./synth";

/**
 * The command that runs the example app shipped with the package, so the demo needs neither the
 * repository's cdktf.json nor a TypeScript runner: next to compiled code (`dist/src`, also in an
 * installed package) the compiled example `dist/examples/migration-group/main.js` runs with this
 * node; from source (a checkout run with tsx) the TypeScript example runs with tsx.
 */
export function exampleAppCommand(): string {
  const example = resolve(__dirname, "..", "..", "..", "examples", "migration-group");
  const compiled = join(example, "main.js");
  if (existsSync(compiled)) return commandLine([process.execPath, compiled]);
  const tsx = join(packageRoot(), "node_modules", "tsx", "dist", "cli.mjs");
  return commandLine([process.execPath, tsx, join(example, "main.ts")]);
}

export interface DemoOptions {
  /** Where the example is synthesized (kept), relative to the current directory. Default: a temporary folder, removed. */
  readonly outDir?: string;
  readonly write?: (text: string) => void;
}

/** `ldoms demo --synth-only`: synthesize the example and show its plan. */
export async function runDemo(options: DemoOptions = {}): Promise<{ stacks: SynthesizedStack[] }> {
  const write = options.write ?? ((text: string) => void process.stdout.write(text));
  const work = options.outDir === undefined ? mkdtempSync(join(tmpdir(), "ldoms-demo-")) : undefined;
  try {
    write("== synthesize examples/migration-group (ldoms synth)\n");
    const outDir = work !== undefined ? join(work, "cdktf.out") : resolve(options.outDir!);
    const result = await synthesizeApp({ projectDir: packageRoot(), app: exampleAppCommand(), outDir });
    write(renderSynthSummary(result.stacks, work ?? process.cwd(), { steps: true }));
    return result;
  } finally {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  }
}

export { LAB_VARIANT_ENV, labVariantOption } from "../lab-variant";

export interface DemoCommandOptions {
  readonly output?: string;
  readonly synthOnly?: boolean;
  readonly labVariant?: string;
}

/** `ldoms demo`: synthesize the example only (--synth-only), or run the whole story on the lab. */
export async function runDemoCommand(opts: DemoCommandOptions): Promise<void> {
  const outDir = opts.output !== undefined ? { outDir: resolve(opts.output) } : {};
  if (opts.synthOnly) {
    await runDemo(outDir);
    return;
  }
  const labVariant = labVariantOption(opts.labVariant ?? process.env[LAB_VARIANT_ENV]);
  // Loaded on use: the story imports this file.
  const { runStory } = await import("../story");
  await runStory({ ...outDir, ...(labVariant ? { labVariant } : {}) });
}
