/** `ldoms migrate`: its arguments and options; the implementation (src/cli/commands/migrate.ts) is loaded when it runs. */
import type { Command } from "commander";
import type { MigrateCommandOptions } from "../commands/migrate";
import { addEngineInputOptions, LOCK_TIMEOUT_OPTION, nonNegativeInteger, positiveInteger } from "../engine-options";

export function register(program: Command): void {
  addEngineInputOptions(
    program
      .command("migrate")
      .argument("<id>", "the SriovMigration to run (its construct id), or with --to a mobile domain of a MigrationGroup")
      .description("prove the migration contract, dry-run, live-migrate with progress, verify the result"),
    { hostFilter: false },
  )
    .option("--to <host>", "move the mobile domain <id> to this host of its MigrationGroup (from wherever it runs now)")
    .option("--dry-run", "stop after the preflight checks and ldm migrate-domain -n")
    .option("--auto-approve", "do not ask before migrating (pipelines)")
    .option("--apply", "converge the preparation first (as ldoms apply), and the guest's IPMP group when ldoms can reach the guest")
    .option("--accept-unverified", "proceed when a rule could not be verified (no guest access)")
    .option("--json", "print the report of every check as JSON")
    .option("--poll-interval <ms>", "how often progress is read while migrating (default 500)", positiveInteger("--poll-interval"))
    .option(...LOCK_TIMEOUT_OPTION, nonNegativeInteger("--lock-timeout"))
    .option("--picture <file>", "write the before/after picture, with what the checks found (SVG; DOT for .dot, Mermaid for .mmd)")
    .action(async (id: string, options: MigrateCommandOptions) => {
      const { runMigrate } = await import("../commands/migrate");
      process.exitCode = await runMigrate(id, options);
    });
}
