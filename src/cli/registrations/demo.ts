/** `ldoms demo`: its options; the implementation (src/cli/commands/demo.ts) is loaded when it runs. */
import type { Command } from "commander";
import type { DemoCommandOptions } from "../commands/demo";
import { VARIANT_PRESETS } from "../../lab/variants";
import { LAB_VARIANT_ENV } from "../lab-variant";

export function register(program: Command): void {
  program
    .command("demo")
    .description("the whole story on the embedded lab over SSH (npm start): synthesize the example, plan, apply, plan again, migrate a domain there and back, status, plan after each move")
    .option("-o, --output <dir>", "keep the synthesized example in this directory (default: a temporary folder, removed)")
    .option("--synth-only", "only synthesize the example and show its plan")
    .option("--lab-variant <name>", `the lab's output format variants: ${Object.keys(VARIANT_PRESETS).join(" or ")} (docs/lab.md, "Variants"; default: $${LAB_VARIANT_ENV} or default)`)
    .action(async (opts: DemoCommandOptions) => {
      const { runDemoCommand } = await import("../commands/demo");
      await runDemoCommand(opts);
    });
}
