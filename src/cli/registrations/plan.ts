/** `ldoms plan`: its arguments and options; the implementation (src/cli/commands/plan.ts) is loaded when it runs. */
import type { Command } from "commander";
import type { PlanCommandOptions } from "../commands/plan";
import { addEngineInputOptions, positiveInteger } from "../engine-options";

export function register(program: Command): void {
  addEngineInputOptions(program.command("plan").description("read every host once and show what apply would change"))
    .option("--json", "print the plan as JSON")
    .option("--out <file>", "save the plan, pinned to the state read, for ldoms apply FILE")
    .option("--detailed-exitcode", "exit 0 when there are no changes, 2 when there are, 1 on error")
    .option("--allow-disruptive", "do not list disruptive steps ldm accepts as problems (a change ldm refuses stays one)")
    .option("--parallelism <n>", "hosts read at once (default 10)", positiveInteger("--parallelism"))
    .action(async (options: PlanCommandOptions) => {
      const { runPlan } = await import("../commands/plan");
      process.exitCode = await runPlan(options);
    });
}
