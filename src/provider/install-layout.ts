/**
 * Where `ldoms provider install` puts the provider so Terraform finds it without network, and
 * the CLI configuration that points Terraform there. Pure: paths and texts only (the command in
 * src/cli writes them); nothing here starts the provider or loads gRPC.
 *
 * Two forms:
 * - `mirror`: Terraform's unpacked filesystem mirror layout,
 *   `DIR/registry.terraform.io/cdktf-ldoms/ldoms/VERSION/OS_ARCH/terraform-provider-ldoms_vVERSION`,
 *   used by `terraform init` (which records the provider in `.terraform.lock.hcl`);
 * - `dev-override`: `DIR/terraform-provider-ldoms`, named by a `dev_overrides` block (no
 *   `terraform init`; Terraform warns that overrides are in effect).
 * Either way the executable is a small `sh` launcher running `node` on the installed package's
 * `bin/terraform-provider-ldoms.js`, by absolute path.
 */
import { posix } from "node:path";
import { ValidationError } from "../model/errors";

/** The provider's source address, as Terraform spells it in full. */
export const PROVIDER_ADDRESS = "registry.terraform.io/cdktf-ldoms/ldoms";
export const PROVIDER_TYPE = "ldoms";

export const INSTALL_MODES = ["mirror", "dev-override"] as const;
export type InstallMode = (typeof INSTALL_MODES)[number];

/** The folder `ldoms provider install` uses without `--dir`, relative to the current folder. */
export const DEFAULT_INSTALL_DIR = ".terraform-providers";

/** First line of a CLI configuration file written by `--write-config`, so a re-run may replace it. */
export const WRITTEN_CONFIG_MARK = "# Terraform CLI configuration written by `ldoms provider install`.";

export function installMode(value: string | undefined): InstallMode {
  const mode = value ?? "mirror";
  if ((INSTALL_MODES as readonly string[]).includes(mode)) return mode as InstallMode;
  throw new ValidationError(`--mode ${JSON.stringify(mode)} is not an install mode; use mirror (terraform init installs it from a filesystem mirror) or dev-override (a dev_overrides block, no init)`);
}

const OPERATING_SYSTEMS: Readonly<Record<string, string>> = { linux: "linux", darwin: "darwin", freebsd: "freebsd", openbsd: "openbsd", sunos: "solaris", aix: "aix" };
const ARCHITECTURES: Readonly<Record<string, string>> = { x64: "amd64", arm64: "arm64", ia32: "386", arm: "arm", ppc64: "ppc64le", s390x: "s390x", riscv64: "riscv64" };

/**
 * Terraform's platform name (`linux_amd64`, `darwin_arm64`...) for Node's `process.platform` and
 * `process.arch`. Windows is refused: the launcher is a `sh` script, and Terraform there runs `.exe` files.
 */
export function terraformPlatform(platform: string, arch: string): string {
  if (platform === "win32") {
    throw new ValidationError("ldoms provider install writes a sh launcher, which Terraform cannot run on Windows; run Terraform from WSL or another Unix-like system, or name node_modules/.bin in a dev_overrides block by hand");
  }
  const os = OPERATING_SYSTEMS[platform];
  const cpu = ARCHITECTURES[arch];
  if (!os || !cpu) {
    throw new ValidationError(`this system (${platform} ${arch}) has no Terraform platform name known to ldoms provider install; Terraform runs on ${Object.values(OPERATING_SYSTEMS).join(", ")} with ${Object.values(ARCHITECTURES).join(", ")}`);
  }
  return `${os}_${cpu}`;
}

export interface InstallLayoutInput {
  readonly mode: InstallMode;
  /** Absolute path of the install folder (`--dir`). */
  readonly dir: string;
  /** The package's version (its package.json), the provider's version for Terraform. */
  readonly version: string;
  /** Terraform's platform name, from {@link terraformPlatform}. */
  readonly platform: string;
}

export interface InstallLayout {
  /** The folder holding the executable (absolute). */
  readonly folder: string;
  /** The executable's path (absolute). */
  readonly executable: string;
}

/** A version Terraform accepts in a mirror: semantic version without build metadata. */
const VERSION = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;

/** Where the launcher goes, for a mode. Paths use `/`: the launcher is for Unix-like systems. */
export function installLayout(input: InstallLayoutInput): InstallLayout {
  if (!posix.isAbsolute(input.dir)) throw new ValidationError(`the install folder must be an absolute path, got ${JSON.stringify(input.dir)}`);
  if (input.mode === "dev-override") {
    const executable = posix.join(input.dir, `terraform-provider-${PROVIDER_TYPE}`);
    return { folder: input.dir, executable };
  }
  if (!VERSION.test(input.version)) {
    throw new ValidationError(`the package version ${JSON.stringify(input.version)} is not a version Terraform accepts in a filesystem mirror (MAJOR.MINOR.PATCH); reinstall the package, or use --mode dev-override`);
  }
  const folder = posix.join(input.dir, PROVIDER_ADDRESS, input.version, input.platform);
  return { folder, executable: posix.join(folder, `terraform-provider-${PROVIDER_TYPE}_v${input.version}`) };
}

/** A word for `sh`, single-quoted (a `'` inside becomes `'\''`). */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The launcher's second line starts with this: a file so marked may be replaced or removed by a later install. */
export const LAUNCHER_MARK = "# terraform-provider-ldoms, written by `ldoms provider install`";

/** Whether a file's text is a launcher {@link launcherScript} wrote. */
export function isLauncher(text: string): boolean {
  return text.startsWith(`#!/bin/sh\n${LAUNCHER_MARK}`);
}

/**
 * The launchers of other versions a mirror may hold for this platform (from an install of an
 * earlier or later package): `versions` are the names of the folders under the provider's
 * folder of the mirror. A launcher there runs the package installed now, whatever version its
 * folder says, so the command removes those it wrote.
 */
export function otherVersionLaunchers(dir: string, platform: string, version: string, versions: readonly string[]): { version: string; executable: string }[] {
  return [...versions]
    .filter((v) => v !== version && VERSION.test(v))
    .sort()
    .map((v) => ({ version: v, executable: installLayout({ mode: "mirror", dir, version: v, platform }).executable }));
}

/**
 * The launcher: `node` from Terraform's PATH on the provider's entry (an absolute path), with
 * Terraform's arguments; `exec`, so Terraform's signals and pipes reach the provider itself.
 */
export function launcherScript(entry: string): string {
  if (!posix.isAbsolute(entry)) throw new ValidationError(`the provider entry must be an absolute path, got ${JSON.stringify(entry)}`);
  return [
    "#!/bin/sh",
    `${LAUNCHER_MARK}: node (20 or newer, from PATH) on the installed package.`,
    `exec node ${shellQuote(entry)} "$@"`,
    "",
  ].join("\n");
}

/**
 * A quoted string of the CLI configuration, which Terraform reads as HCL 1: JSON's escapes. No
 * template escaping: `${` in a path is kept as written there (checked with Terraform 1.11).
 */
export function hclString(text: string): string {
  return JSON.stringify(text);
}

/**
 * The `provider_installation` block Terraform's CLI configuration needs for a mode; `dir` is the
 * absolute install folder. In mirror mode every other provider still comes from its registry.
 */
export function providerInstallationBlock(mode: InstallMode, dir: string): string {
  const address = hclString(PROVIDER_ADDRESS);
  if (mode === "dev-override") {
    return ["provider_installation {", "  dev_overrides {", `    ${address} = ${hclString(dir)}`, "  }", "  direct {}", "}", ""].join("\n");
  }
  return [
    "provider_installation {",
    "  filesystem_mirror {",
    `    path    = ${hclString(dir)}`,
    `    include = [${address}]`,
    "  }",
    "  direct {",
    `    exclude = [${address}]`,
    "  }",
    "}",
    "",
  ].join("\n");
}

/** A complete CLI configuration file (for `TF_CLI_CONFIG_FILE`): checkpoint off and the block. */
export function cliConfigFile(mode: InstallMode, dir: string): string {
  return [WRITTEN_CONFIG_MARK, "disable_checkpoint = true", "", providerInstallationBlock(mode, dir)].join("\n");
}
