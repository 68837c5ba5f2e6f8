/** `ldoms synth`: its options; the implementation (src/cli/commands/synth.ts) is loaded when it runs. */
import type { Command } from "commander";
import type { SynthCommandOptions } from "../commands/synth";

export function register(program: Command): void {
  program
    .command("synth")
    .description("run the cdktf app of cdktf.json and write cdk.tf.json, ldoms.plan.json and scripts/<host>.sh per stack")
    .option("-o, --output <dir>", "output directory (default: cdktf.json's \"output\", else cdktf.out)")
    .option("--steps", "list every step of every host")
    .action(async (opts: SynthCommandOptions) => {
      const { runSynth } = await import("../commands/synth");
      await runSynth(opts);
    });
}
