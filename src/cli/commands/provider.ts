/**
 * `ldoms provider install [--dir DIR] [--mode mirror|dev-override] [--write-config FILE] [--json]`:
 * puts a launcher of the package's Terraform provider where Terraform finds it without network
 * (a filesystem mirror for `terraform init`, or a folder for `dev_overrides`) and prints the CLI
 * configuration block that points Terraform there (or writes a whole CLI configuration file).
 * Running it again rewrites the same files. `ldoms provider serve` is in provider-serve.ts.
 */
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { ValidationError } from "../../model";
import { packageFile, packageVersion } from "../../model/package-files";
import {
  cliConfigFile,
  DEFAULT_INSTALL_DIR,
  installLayout,
  installMode,
  isLauncher,
  launcherScript,
  otherVersionLaunchers,
  PROVIDER_ADDRESS,
  providerInstallationBlock,
  terraformPlatform,
  WRITTEN_CONFIG_MARK,
  type InstallMode,
} from "../../provider/install-layout";
import { defaultIo, type CommandIo } from "./plan";

export interface ProviderInstallOptions {
  readonly dir?: string;
  readonly mode?: string;
  readonly json?: boolean;
  readonly writeConfig?: string;
  /**
   * For tests only (a hidden option): the script the launcher runs with `node`, instead of the
   * package's `bin/terraform-provider-ldoms.js` (which needs the package built). Not documented
   * for users.
   */
  readonly entry?: string;
}

/** What `--json` prints. */
export interface ProviderInstallReport {
  readonly mode: InstallMode;
  /** The install folder, absolute. */
  readonly dir: string;
  /** The launcher Terraform runs, absolute. */
  readonly executable: string;
  readonly version: string;
  /** Terraform's platform name, e.g. `linux_amd64`. */
  readonly platform: string;
  /** The `provider_installation` block to add to Terraform's CLI configuration. */
  readonly cliConfig: string;
  /** The CLI configuration file written with `--write-config` (absolute). */
  readonly configFile?: string;
  /** Versions whose launchers an earlier install left in the mirror, removed (mirror mode; absent when none). */
  readonly removedVersions?: readonly string[];
}

/** A path for messages: relative to the current folder when inside it, absolute otherwise. */
function shown(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel === "" ? "." : rel.startsWith("..") || isAbsolute(rel) ? path : rel;
}

/** The first existing ancestor of `path` (or `path`) that is not a folder, if any. */
function fileInTheWay(path: string): string | undefined {
  for (let at = path; ; at = dirname(at)) {
    if (existsSync(at)) return statSync(at).isDirectory() ? undefined : at;
    if (dirname(at) === at) return undefined;
  }
}

function makeFolder(folder: string, option: string, given: string, cwd: string): void {
  const blocking = fileInTheWay(folder);
  if (blocking !== undefined) {
    throw new ValidationError(`${option} ${given}: ${shown(blocking, cwd)} exists and is not a folder; remove it or choose another ${option}`);
  }
  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    throw new ValidationError(`${option} ${given}: cannot create ${shown(folder, cwd)} (${(error as NodeJS.ErrnoException).code ?? String(error)}); choose a folder you can write to`);
  }
}

/** Writes a file whole (a temporary file renamed over it), with a mode. */
function writeWhole(file: string, text: string, mode: number, option: string, given: string, cwd: string): void {
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, text, { mode });
    chmodSync(temporary, mode);
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new ValidationError(`${option} ${given}: cannot write ${shown(file, cwd)} (${(error as NodeJS.ErrnoException).code ?? String(error)}); choose a folder you can write to`);
  }
}

/** Refuses, before anything is written, to replace what is not a launcher an install wrote. */
function checkLauncherTarget(executable: string, given: string, cwd: string): void {
  if (!existsSync(executable)) return;
  if (statSync(executable).isDirectory()) {
    throw new ValidationError(`--dir ${given}: ${shown(executable, cwd)} is a folder where the provider's launcher goes; remove it or choose another --dir`);
  }
  if (lstatSync(executable).isSymbolicLink() || !isLauncher(readFileSync(executable, "utf8"))) {
    throw new ValidationError(`--dir ${given}: ${shown(executable, cwd)} exists and was not written by ldoms provider install; remove it or choose another --dir`);
  }
}

/** The provider's entry the launcher runs: the package's bin, which needs the build in dist/. */
function providerEntry(given: string | undefined, cwd: string): string {
  if (given !== undefined) {
    const entry = resolve(cwd, given);
    if (!existsSync(entry)) throw new ValidationError(`--entry ${given}: no such file`);
    return entry;
  }
  const bin = packageFile("bin", "terraform-provider-ldoms.js");
  const built = packageFile("dist", "src", "provider", "main.js");
  if (!existsSync(bin) || !existsSync(built)) {
    throw new ValidationError(`the provider is not built in this copy of cdktf-ldoms (${existsSync(bin) ? built : bin} is missing); run npm run build in ${packageFile()}, or install the package with npm`);
  }
  return bin;
}

/** The file `--write-config` names, refused before anything is written if it is not ours to replace. */
function configTarget(given: string, cwd: string): string {
  const file = resolve(cwd, given);
  if (existsSync(file)) {
    if (statSync(file).isDirectory()) throw new ValidationError(`--write-config ${given}: is a folder; name a file, e.g. ${join(given, "terraform.rc")}`);
    if (!readFileSync(file, "utf8").startsWith(WRITTEN_CONFIG_MARK)) {
      throw new ValidationError(`--write-config ${given}: the file exists and was not written by ldoms provider install; add the printed provider_installation block to it by hand, or name a new file`);
    }
  }
  const blocking = fileInTheWay(dirname(file));
  if (blocking !== undefined) throw new ValidationError(`--write-config ${given}: ${shown(blocking, cwd)} exists and is not a folder; choose another file`);
  return file;
}

/**
 * Removes the launchers of other versions an earlier install wrote in the mirror for this
 * platform (each would run the package installed now under another version), and the folders
 * left empty; anything else there is left alone. Returns the versions removed.
 */
function removeOtherVersions(dir: string, platform: string, version: string): string[] {
  const versionsFolder = join(dir, ...PROVIDER_ADDRESS.split("/"));
  const removed: string[] = [];
  for (const other of otherVersionLaunchers(dir, platform, version, readdirSync(versionsFolder))) {
    const launcher = other.executable;
    if (!existsSync(launcher) || !statSync(launcher).isFile() || !isLauncher(readFileSync(launcher, "utf8"))) continue;
    unlinkSync(launcher);
    removed.push(other.version);
    for (const emptied of [dirname(launcher), dirname(dirname(launcher))]) {
      if (readdirSync(emptied).length === 0) rmdirSync(emptied);
    }
  }
  return removed;
}

/** Installs the launcher; returns what was done. Typed errors propagate to the CLI edge. */
export function installProvider(options: ProviderInstallOptions, cwd: string, system: { platform: string; arch: string } = process): ProviderInstallReport {
  const mode = installMode(options.mode);
  const given = options.dir ?? DEFAULT_INSTALL_DIR;
  if (given.trim() === "") throw new ValidationError(`--dir is empty; name the folder to install the provider into (default ${DEFAULT_INSTALL_DIR})`);
  const dir = resolve(cwd, given);
  const platform = terraformPlatform(system.platform, system.arch);
  const version = packageVersion();
  const entry = providerEntry(options.entry, cwd);
  const layout = installLayout({ mode, dir, version, platform });
  const configFile = options.writeConfig === undefined ? undefined : configTarget(options.writeConfig, cwd);
  checkLauncherTarget(layout.executable, given, cwd);
  makeFolder(layout.folder, "--dir", given, cwd);
  writeWhole(layout.executable, launcherScript(entry), 0o755, "--dir", given, cwd);
  const removedVersions = mode === "mirror" ? removeOtherVersions(dir, platform, version) : [];
  if (configFile !== undefined && options.writeConfig !== undefined) {
    makeFolder(dirname(configFile), "--write-config", options.writeConfig, cwd);
    writeWhole(configFile, cliConfigFile(mode, dir), 0o644, "--write-config", options.writeConfig, cwd);
  }
  return {
    mode,
    dir,
    executable: layout.executable,
    version,
    platform,
    cliConfig: providerInstallationBlock(mode, dir),
    ...(configFile ? { configFile } : {}),
    ...(removedVersions.length ? { removedVersions } : {}),
  };
}

function describeInstall(report: ProviderInstallReport, cwd: string): string {
  const where = report.mode === "mirror" ? "a filesystem mirror" : "a dev_overrides folder";
  const lines = [`Installed terraform-provider-ldoms ${report.version} (${report.platform}) into ${where}: ${shown(report.executable, cwd)}`];
  if (report.removedVersions) {
    lines.push(`Removed the launcher of version ${report.removedVersions.join(", ")} an earlier install left there: where .terraform.lock.hcl names it, run terraform init -upgrade.`);
  }
  if (report.configFile !== undefined) {
    lines.push(`Wrote Terraform's CLI configuration to ${shown(report.configFile, cwd)}; use it with:`, `  export TF_CLI_CONFIG_FILE=${report.configFile}`);
  } else {
    lines.push("Add this to Terraform's CLI configuration (~/.terraformrc, or the file TF_CLI_CONFIG_FILE names):", "", report.cliConfig.trimEnd());
  }
  lines.push(
    "",
    report.mode === "mirror"
      ? 'Then `terraform init` installs cdktf-ldoms/ldoms from there, without network, and records it in .terraform.lock.hcl.'
      : "Then terraform plan and apply run it directly, without terraform init (Terraform warns that overrides are in effect).",
    "The launcher runs node (20 or newer) from Terraform's PATH on this installed package: run install again after moving or upgrading it.",
    "",
  );
  return lines.join("\n");
}

/** Runs the command; returns the exit code. */
export function runProviderInstall(options: ProviderInstallOptions, io: Pick<CommandIo, "stdout" | "cwd"> = defaultIo()): number {
  const report = installProvider(options, io.cwd);
  io.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : describeInstall(report, io.cwd));
  return 0;
}
