/**
 * `ldoms provider install` and `ldoms provider serve`; each loads its implementation when it runs
 * (serve is on the path of every Terraform command it wraps: it loads only provider-serve).
 */
import { Option, type Command } from "commander";
import type { ProviderInstallOptions } from "../commands/provider";
import type { ProviderServeOptions } from "../commands/provider-serve";
import { DEFAULT_INSTALL_DIR } from "../../provider/install-layout";

export function register(program: Command): void {
  const provider = program.command("provider").description("the Terraform provider terraform-provider-ldoms");
  provider
    .command("install")
    .description("put the Terraform provider where Terraform finds it without network, and print the CLI configuration it needs")
    .option("--dir <dir>", `install folder (default: ${DEFAULT_INSTALL_DIR} in the current folder)`)
    .option("--mode <mode>", "mirror (a filesystem mirror for terraform init) or dev-override (a dev_overrides folder, no init)", "mirror")
    .option("--write-config <file>", "also write a complete Terraform CLI configuration file (checkpoint off) for TF_CLI_CONFIG_FILE")
    .option("--json", "print what was installed as JSON")
    // Tests point the launcher at the provider run from source; hidden from --help.
    .addOption(new Option("--entry <file>", "the script the launcher runs (tests)").hideHelp())
    .action(async (options: ProviderInstallOptions) => {
      const { runProviderInstall } = await import("../commands/provider");
      process.exitCode = runProviderInstall(options);
    });
  provider
    .command("serve")
    .description("serve the Terraform provider from one process while a command runs (Terraform attaches through TF_REATTACH_PROVIDERS instead of starting it for each step), or until Ctrl-C")
    .argument("[command...]", "the command to run with TF_REATTACH_PROVIDERS set, after --, e.g. -- terraform plan")
    .option("--json", "without a command: print how to attach as one JSON line ({reattach, socket, pid})")
    .option("--chdir <dir>", "the folder Terraform runs in, from which the provider block's relative paths are resolved (default: the current folder, or the -chdir= of a terraform command given)")
    .action(async (command: string[], options: ProviderServeOptions) => {
      const { runProviderServe } = await import("../commands/provider-serve");
      process.exitCode = await runProviderServe(command, options);
    });
}
