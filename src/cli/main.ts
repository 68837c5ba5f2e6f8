import { Command, CommanderError } from "commander";
import { LdomsError } from "../model/errors";
import { packageVersion } from "../model/package-files";
import { registerCommands } from "./registrations";

/**
 * The `ldoms` command. The only place that calls process.exit: every typed error is mapped to
 * its exit code here; anything else is a bug and keeps its stack trace.
 */
export async function main(argv: readonly string[]): Promise<void> {
  const program = new Command("ldoms")
    .description("Infrastructure as code for Oracle VM Server for SPARC: SR-IOV VF preparation and live migration")
    .version(packageVersion(), "-V, --version", "print the version of cdktf-ldoms")
    .exitOverride()
    .showHelpAfterError("(run with --help for usage)");
  registerCommands(program);
  try {
    await program.parseAsync([...argv], { from: "user" });
    const code = process.exitCode ?? 0;
    process.exit(typeof code === "number" ? code : Number(code));
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exit(error.exitCode);
    }
    if (error instanceof LdomsError) {
      process.stderr.write(`Error: ${error.message}\n`);
      process.exit(error.exitCode);
    }
    process.stderr.write(`Internal error (please report): ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(70);
  }
}
