/** `ldoms lab` and its subcommands; the implementation (src/cli/commands/lab.ts) is loaded when one runs. */
import type { Command } from "commander";
import type { LabUpOptions } from "../commands/lab";
import { DEFAULT_LAB_FILE } from "../../lab/paths";

const DEFAULT_INVENTORY = ".lab/inventory.json";

export function register(program: Command): void {
  const lab = program.command("lab").description("the emulated LDoms lab: serve it over SSH, or run its ldm directly");

  lab
    .command("up")
    .description("serve every lab machine (and modelled guest) over SSH on 127.0.0.1 until Ctrl-C")
    .option("--config <file>", "lab definition (JSON)", DEFAULT_LAB_FILE)
    .option("--inventory-out <file>", "where to write the inventory for --inventory", DEFAULT_INVENTORY)
    .option("--state-dir <dir>", "folder for keys and known_hosts (default: the inventory's folder)")
    .option("--user <name>", "account name the lab accepts", "ldmops")
    .option("--state <file>", "keep the lab state in this file (made from --config if missing), shared with `lab ldm` and ldoms-lab-ldm")
    .option("--json", "print the endpoints as one JSON line")
    .action(async (options: LabUpOptions) => {
      const { runLabUp } = await import("../commands/lab");
      await runLabUp(options);
    });

  lab
    .command("init")
    .description("write a lab state file for the standalone ldm (ldoms-lab-ldm, LDOMS_LAB_STATE)")
    .option("--config <file>", "lab definition (JSON)", DEFAULT_LAB_FILE)
    .requiredOption("--state <file>", "state file to write")
    .option("--force", "replace an existing state file")
    .action(async (options: { config: string; state: string; force?: boolean }) => {
      const { runLabInit } = await import("../commands/lab");
      runLabInit(options);
    });

  lab
    .command("twin")
    .description("write a lab definition that reproduces the machine an ldoms doctor bundle captured, to rehearse on it")
    .option("--from <bundle>", "the folder ldoms doctor wrote (repeat for several machines, e.g. a migration's source and target)", (value: string, previous: string[] = []) => [...previous, value])
    .requiredOption("--out <file>", "lab definition to write (JSON), e.g. lab.json")
    .option("--force", "replace an existing file")
    .action(async (options: { from?: string[]; out: string; force?: boolean }) => {
      const { runLabTwin } = await import("../commands/lab");
      runLabTwin(options);
    });

  lab
    .command("ldm")
    .description("run ldm on one machine of a lab state file: ldoms lab ldm HOST -- ARGS...")
    .argument("<host>", "lab machine, e.g. t7-a")
    .argument("[args...]", "ldm arguments")
    .option("--state <file>", "lab state file (default: $LDOMS_LAB_STATE)")
    .action(async (host: string, args: string[], options: { state?: string }) => {
      const { runLabLdm } = await import("../commands/lab");
      process.exitCode = await runLabLdm(host, args, options);
    });
}
