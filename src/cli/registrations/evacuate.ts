/** `ldoms evacuate`: its arguments and options; the implementation (src/cli/commands/evacuate.ts) is loaded when it runs. */
import type { Command } from "commander";
import type { EvacuateCommandOptions } from "../commands/evacuate";
import { addEngineInputOptions, collectList, LOCK_TIMEOUT_OPTION, nonNegativeInteger, positiveInteger } from "../engine-options";

export function register(program: Command): void {
  addEngineInputOptions(
    program
      .command("evacuate")
      .argument("<host>", "the control domain to empty (a host of a MigrationGroup)")
      .description("move every mobile domain off a host: prove every move first, choose targets by group preference and free vCPUs/memory, migrate with progress"),
    { hostFilter: false },
  )
    .option("--to <host>", "only this target (repeatable, or comma-separated)", collectList)
    .option("--parallel <n>", "migrations at a time (default 1); each holds both hosts' locks, so moves sharing a host wait for each other", positiveInteger("--parallel"))
    .option("--dry-run", "stop after every move's preflight and ldm migrate-domain -n")
    .option("--skip-failing", "move the domains that can move although others are refused")
    .option("--auto-approve", "do not ask before migrating (pipelines)")
    .option("--accept-unverified", "proceed when a rule could not be verified (no guest access)")
    .option("--json", "print the report as JSON")
    .option("--poll-interval <ms>", "how often progress is read while migrating (default 500)", positiveInteger("--poll-interval"))
    .option(...LOCK_TIMEOUT_OPTION, nonNegativeInteger("--lock-timeout"))
    .action(async (host: string, options: EvacuateCommandOptions) => {
      const { runEvacuate } = await import("../commands/evacuate");
      process.exitCode = await runEvacuate(host, options);
    });
}
