/** `ldoms apply`: its arguments and options; the implementation (src/cli/commands/apply.ts) is loaded when it runs. */
import type { Command } from "commander";
import type { ApplyCommandOptions } from "../commands/apply";
import { addEngineInputOptions, LOCK_TIMEOUT_OPTION, nonNegativeInteger, positiveInteger } from "../engine-options";

export function register(program: Command): void {
  addEngineInputOptions(
    program
      .command("apply")
      .argument("[planfile]", "a plan saved with ldoms plan --out (applied only if no host changed since)")
      .description("change the hosts to the desired state, verify every step by a re-read"),
  )
    .option("--auto-approve", "do not ask for approval (pipelines)")
    .option("--json", 'print { "hosts": [ { "id", "actions", "mutatingCommands" } ] }')
    .option("--parallelism <n>", "hosts changed at once (default 10)", positiveInteger("--parallelism"))
    .option("--allow-disruptive", "run steps marked disruptive (!) that ldm accepts (refused by default); a change ldm refuses while a domain runs is never run: stop the domain first")
    .option("--inv-timeout <ms>", "longest wait for a device to leave INV (default 180000)", positiveInteger("--inv-timeout"))
    .option(...LOCK_TIMEOUT_OPTION, nonNegativeInteger("--lock-timeout"))
    .action(async (planFile: string | undefined, options: ApplyCommandOptions) => {
      const { runApply } = await import("../commands/apply");
      process.exitCode = await runApply(planFile, options);
    });
}
