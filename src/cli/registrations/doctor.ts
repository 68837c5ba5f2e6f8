/** `ldoms doctor`: its arguments and options; the implementation (src/cli/commands/doctor.ts) is loaded when it runs. */
import type { Command } from "commander";
import type { DoctorCommandOptions } from "../commands/doctor";
import { addEngineInputOptions } from "../engine-options";

export function register(program: Command): void {
  addEngineInputOptions(program.command("doctor").description("read one control domain with read-only commands, save them as a bundle, and check every assumption about ldm output"))
    .option("--guest <domain>", "also read this guest's network layout (dladm, ipadm, ipmpstat), reached as ldoms apply reaches guests")
    .option("--out <dir>", "bundle folder (default ./ldoms-doctor-<host>-<timestamp>)")
    .option("--redact", "replace host names, addresses, MACs, serial numbers and domain names in the bundle and the report, consistently")
    .option("--json", "print the report as one JSON document")
    .action(async (options: DoctorCommandOptions) => {
      const { runDoctorCommand } = await import("../commands/doctor");
      process.exitCode = await runDoctorCommand(options);
    });
}
