/** `ldoms status`: its arguments and options; the implementation (src/cli/commands/status.ts) is loaded when it runs. */
import type { Command } from "commander";
import type { StatusCommandOptions } from "../commands/status";
import { addEngineInputOptions, positiveInteger } from "../engine-options";

export function register(program: Command): void {
  addEngineInputOptions(
    program
      .command("status")
      .description(
        "show every declared domain: the host it runs on, its state, its VFs on every host it may run on, its guest's IPMP state, " +
          "and whether it could migrate now (preflight rules 1-5 on the listings read: read-only, no lock, no ldm migrate-domain -n dry run)",
      ),
    { hostFilter: false },
  )
    .option("--json", "print the status as JSON")
    .option("--parallelism <n>", "hosts (and guests) read at once (default 10)", positiveInteger("--parallelism"))
    .action(async (options: StatusCommandOptions) => {
      const { runStatus } = await import("../commands/status");
      process.exitCode = await runStatus(options);
    });
}
