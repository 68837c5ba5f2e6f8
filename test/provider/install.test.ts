/**
 * `ldoms provider install`: the layout and CLI configuration text (pure), the files the command
 * writes (in-process and through the CLI), and the real `terraform` installing the provider from
 * the mirror it wrote with no network (`terraform init`, lock file, `terraform validate`), and
 * running it through dev_overrides.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installProvider, runProviderInstall, type ProviderInstallReport } from "../../src/cli/commands/provider";
import { ValidationError } from "../../src/model";
import { packageVersion } from "../../src/model/package-files";
import {
  cliConfigFile,
  hclString,
  installLayout,
  installMode,
  isLauncher,
  launcherScript,
  otherVersionLaunchers,
  PROVIDER_ADDRESS,
  providerInstallationBlock,
  shellQuote,
  terraformPlatform,
  WRITTEN_CONFIG_MARK,
} from "../../src/provider/install-layout";
import { Capture } from "../support/capture";
import { runProcess, showRun } from "../support/run-process";
import { findTerraform, providerTf, REPO } from "./support";
import { builtPackage } from "../terraform/installed-package";

const errorOf = (f: () => unknown): Error => {
  try {
    f();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error");
};

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "ldoms-provider-install-"));
});
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** A fresh folder under the test's temporary folder. */
function folder(name: string): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The provider entry the launchers run (what `--entry`, hidden from users, is for): this run's built package's bin. */
function sourceEntry(): string {
  return join(builtPackage(), "bin", "terraform-provider-ldoms.js");
}

describe("install layout and CLI configuration text", () => {
  it("mode: mirror by default; anything else is refused naming the value and the two modes", () => {
    expect(installMode(undefined)).toBe("mirror");
    expect(installMode("dev-override")).toBe("dev-override");
    const error = errorOf(() => installMode("override"));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toBe('--mode "override" is not an install mode; use mirror (terraform init installs it from a filesystem mirror) or dev-override (a dev_overrides block, no init)');
  });

  it("platform: Terraform's names from Node's; Windows and unknown systems are refused with the reason", () => {
    expect(terraformPlatform("linux", "x64")).toBe("linux_amd64");
    expect(terraformPlatform("linux", "arm64")).toBe("linux_arm64");
    expect(terraformPlatform("darwin", "arm64")).toBe("darwin_arm64");
    expect(terraformPlatform("darwin", "x64")).toBe("darwin_amd64");
    expect(terraformPlatform("freebsd", "ia32")).toBe("freebsd_386");
    expect(terraformPlatform("sunos", "x64")).toBe("solaris_amd64");
    expect(errorOf(() => terraformPlatform("win32", "x64")).message).toContain("sh launcher, which Terraform cannot run on Windows");
    expect(errorOf(() => terraformPlatform("linux", "mips")).message).toMatch(/^this system \(linux mips\) has no Terraform platform name/);
  });

  it("mirror: the unpacked layout HOST/NAMESPACE/TYPE/VERSION/TARGET with a versioned executable; dev-override: the plain name in DIR", () => {
    const mirror = installLayout({ mode: "mirror", dir: "/p/.terraform-providers", version: "0.1.0", platform: "linux_amd64" });
    expect(mirror).toEqual({
      folder: "/p/.terraform-providers/registry.terraform.io/cdktf-ldoms/ldoms/0.1.0/linux_amd64",
      executable: "/p/.terraform-providers/registry.terraform.io/cdktf-ldoms/ldoms/0.1.0/linux_amd64/terraform-provider-ldoms_v0.1.0",
    });
    expect(installLayout({ mode: "dev-override", dir: "/p/plugins", version: "0.1.0", platform: "darwin_arm64" })).toEqual({
      folder: "/p/plugins",
      executable: "/p/plugins/terraform-provider-ldoms",
    });
    expect(installLayout({ mode: "mirror", dir: "/m", version: "1.2.3-rc.1", platform: "linux_arm64" }).executable).toBe(
      "/m/registry.terraform.io/cdktf-ldoms/ldoms/1.2.3-rc.1/linux_arm64/terraform-provider-ldoms_v1.2.3-rc.1",
    );
    expect(errorOf(() => installLayout({ mode: "mirror", dir: "/m", version: "1.2", platform: "linux_amd64" })).message).toContain('the package version "1.2" is not a version Terraform accepts');
    expect(errorOf(() => installLayout({ mode: "mirror", dir: "m", version: "1.2.3", platform: "linux_amd64" })).message).toBe('the install folder must be an absolute path, got "m"');
  });

  it("the launcher execs node from PATH on the entry, quoted for sh, passing Terraform's arguments", async () => {
    expect(launcherScript("/opt/p/node_modules/cdktf-ldoms/bin/terraform-provider-ldoms.js")).toBe(
      [
        "#!/bin/sh",
        "# terraform-provider-ldoms, written by `ldoms provider install`: node (20 or newer, from PATH) on the installed package.",
        `exec node '/opt/p/node_modules/cdktf-ldoms/bin/terraform-provider-ldoms.js' "$@"`,
        "",
      ].join("\n"),
    );
    expect(shellQuote("it's $HOME")).toBe(`'it'\\''s $HOME'`);
    expect(errorOf(() => launcherScript("bin/x.js")).message).toBe('the provider entry must be an absolute path, got "bin/x.js"');
    // Run it: an entry in a folder whose name needs quoting prints the arguments it received.
    const odd = folder("it's a $dir");
    const entry = join(odd, "echo-args.js");
    writeFileSync(entry, "process.stdout.write(JSON.stringify(process.argv.slice(2)));\n");
    const launcher = join(odd, "launcher");
    writeFileSync(launcher, launcherScript(entry));
    chmodSync(launcher, 0o755);
    const run = await runProcess(launcher, ["a b", "$x"], { env: { PATH: [dirname(process.execPath), "/usr/bin", "/bin"].join(delimiter) } });
    expect(run.status, showRun(run)).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(["a b", "$x"]);
  });

  it("the launchers of other versions: only well-formed versions other than this one, for this platform; a launcher is known by its first two lines", () => {
    expect(otherVersionLaunchers("/m", "linux_amd64", "0.2.0", ["0.2.0", "0.1.0", "notes", "0.10.0-rc.1"])).toEqual([
      { version: "0.1.0", executable: "/m/registry.terraform.io/cdktf-ldoms/ldoms/0.1.0/linux_amd64/terraform-provider-ldoms_v0.1.0" },
      { version: "0.10.0-rc.1", executable: "/m/registry.terraform.io/cdktf-ldoms/ldoms/0.10.0-rc.1/linux_amd64/terraform-provider-ldoms_v0.10.0-rc.1" },
    ]);
    expect(isLauncher(launcherScript("/x/bin.js"))).toBe(true);
    expect(isLauncher("#!/bin/sh\nexec node /x/bin.js\n")).toBe(false);
    expect(isLauncher("\u007fELF")).toBe(false);
  });

  it("strings of the CLI configuration (HCL 1): JSON escapes; template sequences stay as written", () => {
    expect(hclString('/a "b"\\c')).toBe('"/a \\"b\\"\\\\c"');
    expect(hclString("/x/${y}/%{z}")).toBe('"/x/${y}/%{z}"');
  });

  it("the provider_installation block: mirror for this provider only (direct for the rest), or dev_overrides", () => {
    expect(providerInstallationBlock("mirror", "/p/.terraform-providers")).toBe(
      [
        "provider_installation {",
        "  filesystem_mirror {",
        '    path    = "/p/.terraform-providers"',
        '    include = ["registry.terraform.io/cdktf-ldoms/ldoms"]',
        "  }",
        "  direct {",
        '    exclude = ["registry.terraform.io/cdktf-ldoms/ldoms"]',
        "  }",
        "}",
        "",
      ].join("\n"),
    );
    expect(providerInstallationBlock("dev-override", "/p/plugins")).toBe(
      ["provider_installation {", "  dev_overrides {", '    "registry.terraform.io/cdktf-ldoms/ldoms" = "/p/plugins"', "  }", "  direct {}", "}", ""].join("\n"),
    );
    const file = cliConfigFile("mirror", "/p/m");
    expect(file.split("\n").slice(0, 3)).toEqual([WRITTEN_CONFIG_MARK, "disable_checkpoint = true", ""]);
    expect(file.endsWith(providerInstallationBlock("mirror", "/p/m"))).toBe(true);
  });
});

describe("ldoms provider install writes the launcher", () => {
  const linux = { platform: "linux", arch: "x64" };

  it("mirror by default into .terraform-providers of the current folder; a re-run writes the same bytes and leaves nothing else", () => {
    const cwd = folder("default");
    const entry = sourceEntry();
    const report = installProvider({ entry }, cwd, linux);
    const version = packageVersion();
    const executable = join(cwd, ".terraform-providers", "registry.terraform.io", "cdktf-ldoms", "ldoms", version, "linux_amd64", `terraform-provider-ldoms_v${version}`);
    expect(report).toEqual({
      mode: "mirror",
      dir: join(cwd, ".terraform-providers"),
      executable,
      version,
      platform: "linux_amd64",
      cliConfig: providerInstallationBlock("mirror", join(cwd, ".terraform-providers")),
    });
    expect(readFileSync(executable, "utf8")).toBe(launcherScript(entry));
    expect(statSync(executable).mode & 0o777).toBe(0o755);
    const again = installProvider({ entry }, cwd, linux);
    expect(again).toEqual(report);
    expect(readFileSync(executable, "utf8")).toBe(launcherScript(entry));
    expect(readdirSync(dirname(executable))).toEqual([`terraform-provider-ldoms_v${version}`]);
    expect(readdirSync(cwd)).toEqual([".terraform-providers"]);
  });

  it("--json prints mode, dir, executable, version, platform and cliConfig; --write-config writes a whole CLI configuration and may replace its own", () => {
    const cwd = folder("json");
    const stdout = new Capture();
    expect(runProviderInstall({ json: true, mode: "dev-override", dir: "plugins", writeConfig: "tf/terraform.rc", entry: sourceEntry() }, { stdout, cwd })).toBe(0);
    const report = JSON.parse(stdout.text) as ProviderInstallReport;
    expect(Object.keys(report)).toEqual(["mode", "dir", "executable", "version", "platform", "cliConfig", "configFile"]);
    expect(report).toMatchObject({ mode: "dev-override", dir: join(cwd, "plugins"), executable: join(cwd, "plugins", "terraform-provider-ldoms"), configFile: join(cwd, "tf", "terraform.rc") });
    expect(readFileSync(join(cwd, "tf", "terraform.rc"), "utf8")).toBe(cliConfigFile("dev-override", join(cwd, "plugins")));
    // Again in mirror mode: the file it wrote is replaced.
    installProvider({ dir: "plugins", writeConfig: "tf/terraform.rc", entry: sourceEntry() }, cwd);
    expect(readFileSync(join(cwd, "tf", "terraform.rc"), "utf8")).toBe(cliConfigFile("mirror", join(cwd, "plugins")));
  });

  it("the human report names the folder relatively and prints the block with the absolute path", () => {
    const cwd = folder("human");
    const stdout = new Capture();
    runProviderInstall({ entry: sourceEntry() }, { stdout, cwd });
    const version = packageVersion();
    expect(stdout.text).toContain(`Installed terraform-provider-ldoms ${version} (${terraformPlatform(process.platform, process.arch)}) into a filesystem mirror: .terraform-providers/registry.terraform.io/cdktf-ldoms/ldoms/${version}/`);
    expect(stdout.text).toContain(providerInstallationBlock("mirror", join(cwd, ".terraform-providers")));
    expect(stdout.text).toContain("Then `terraform init` installs cdktf-ldoms/ldoms from there, without network");
  });

  it("mirror: the launchers an earlier install wrote for other versions are removed, other files there are kept", () => {
    const cwd = folder("versions");
    const entry = sourceEntry();
    const dir = join(cwd, ".terraform-providers");
    const earlier = installLayout({ mode: "mirror", dir, version: "0.0.1", platform: "linux_amd64" });
    mkdirSync(earlier.folder, { recursive: true });
    writeFileSync(earlier.executable, launcherScript(entry));
    const otherPlatform = installLayout({ mode: "mirror", dir, version: "0.0.1", platform: "linux_arm64" });
    mkdirSync(otherPlatform.folder, { recursive: true });
    writeFileSync(otherPlatform.executable, launcherScript(entry));
    const foreign = installLayout({ mode: "mirror", dir, version: "0.0.2", platform: "linux_amd64" });
    mkdirSync(foreign.folder, { recursive: true });
    writeFileSync(foreign.executable, "\u007fELF a provider built by someone else");
    const stdout = new Capture();
    runProviderInstall({ entry }, { stdout, cwd });
    expect(stdout.text).toContain("Removed the launcher of version 0.0.1 an earlier install left there: where .terraform.lock.hcl names it, run terraform init -upgrade.");
    expect(existsSync(earlier.folder)).toBe(false);
    expect(readFileSync(otherPlatform.executable, "utf8")).toBe(launcherScript(entry));
    expect(readFileSync(foreign.executable, "utf8")).toContain("someone else");
    expect(readdirSync(join(dir, ...PROVIDER_ADDRESS.split("/"))).sort()).toEqual(["0.0.1", "0.0.2", packageVersion()].sort());
    // Nothing left to remove: a re-run says nothing of it.
    const again = installProvider({ entry }, cwd, { platform: "linux", arch: "x64" });
    expect(again.removedVersions).toBeUndefined();
  });

  it("refusals name the bad value and the fix, and write nothing", () => {
    const cwd = folder("refusals");
    writeFileSync(join(cwd, "a-file"), "x");
    writeFileSync(join(cwd, "mine.rc"), "plugin_cache_dir = \"/x\"\n");
    const entry = sourceEntry();
    const refused = (options: Parameters<typeof installProvider>[0]) => {
      const error = errorOf(() => installProvider(options, cwd));
      expect(error).toBeInstanceOf(ValidationError);
      return error.message;
    };
    expect(refused({ dir: "a-file", entry })).toBe("--dir a-file: a-file exists and is not a folder; remove it or choose another --dir");
    expect(refused({ dir: "a-file/below", entry })).toBe("--dir a-file/below: a-file exists and is not a folder; remove it or choose another --dir");
    expect(refused({ writeConfig: "mine.rc", entry })).toBe(
      "--write-config mine.rc: the file exists and was not written by ldoms provider install; add the printed provider_installation block to it by hand, or name a new file",
    );
    expect(refused({ writeConfig: ".", entry })).toBe("--write-config .: is a folder; name a file, e.g. terraform.rc");
    expect(refused({ entry: "missing.js" })).toBe("--entry missing.js: no such file");
    // A provider the install did not write (here: a symlink, as npm makes in node_modules/.bin) is not replaced.
    mkdirSync(join(cwd, "bin-folder"));
    symlinkSync(entry, join(cwd, "bin-folder", "terraform-provider-ldoms"));
    expect(refused({ mode: "dev-override", dir: "bin-folder", entry })).toBe(
      "--dir bin-folder: bin-folder/terraform-provider-ldoms exists and was not written by ldoms provider install; remove it or choose another --dir",
    );
    mkdirSync(join(cwd, "taken-by-a-folder", "terraform-provider-ldoms"), { recursive: true });
    expect(refused({ mode: "dev-override", dir: "taken-by-a-folder", entry })).toBe(
      "--dir taken-by-a-folder: taken-by-a-folder/terraform-provider-ldoms is a folder where the provider's launcher goes; remove it or choose another --dir",
    );
    expect(refused({ dir: "", entry })).toContain("--dir is empty");
    expect(readdirSync(cwd).sort()).toEqual(["a-file", "bin-folder", "mine.rc", "taken-by-a-folder"]);
    expect(readdirSync(join(cwd, "bin-folder"))).toEqual(["terraform-provider-ldoms"]);
    expect(readFileSync(join(cwd, "mine.rc"), "utf8")).toBe('plugin_cache_dir = "/x"\n');
  });

  it("through the CLI: an error is one line with the fix and exit 1, no stack trace", async () => {
    const cwd = folder("cli");
    writeFileSync(join(cwd, "taken"), "");
    const cli = [join(REPO, "node_modules", "tsx", "dist", "cli.mjs"), join(REPO, "test", "cli-synth", "ldoms-cli.ts")];
    const run = await runProcess(process.execPath, [...cli, "provider", "install", "--dir", "taken"], { cwd });
    expect(run.status, showRun(run)).toBe(1);
    expect(run.stderr).toBe("Error: --dir taken: taken exists and is not a folder; remove it or choose another --dir\n");
    expect(run.stdout).toBe("");
  });
});

describe("terraform installs the provider from the mirror without network", () => {
  const terraform = findTerraform();

  /** Terraform's environment: its own CLI configuration, checkpoint off, a temporary HOME, any HTTP(S) going nowhere. */
  function environment(cliConfig: string, home: string): NodeJS.ProcessEnv {
    mkdirSync(home, { recursive: true });
    return {
      PATH: [dirname(process.execPath), "/usr/bin", "/bin"].join(delimiter),
      HOME: home,
      TF_CLI_CONFIG_FILE: cliConfig,
      CHECKPOINT_DISABLE: "1",
      TF_IN_AUTOMATION: "1",
      // A connection attempt would fail at once instead of reaching a registry.
      HTTPS_PROXY: "http://127.0.0.1:9",
      HTTP_PROXY: "http://127.0.0.1:9",
    };
  }

  function rootModule(dir: string): void {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "main.tf"), `${providerTf()}data "ldoms_host" "a" { host = "t7-a" }\n\noutput "vfs" { value = data.ldoms_host.a.vfs }\n`);
  }

  it("mirror: terraform init installs cdktf-ldoms/ldoms from it and locks it; terraform validate runs the provider", async () => {
    // A folder name with a space and `${`: the CLI configuration must name it literally.
    const project = folder("terraform mirror ${x}");
    const report = installProvider({ writeConfig: "terraform.rc", entry: sourceEntry() }, project);
    const stack = join(project, "stack");
    rootModule(stack);
    const env = environment(join(project, "terraform.rc"), join(project, "home"));

    const init = await runProcess(terraform, ["init", "-input=false", "-no-color"], { cwd: stack, env });
    expect(init.status, showRun(init)).toBe(0);
    expect(init.stdout).toContain(`Installed cdktf-ldoms/ldoms v${report.version}`);
    const lock = readFileSync(join(stack, ".terraform.lock.hcl"), "utf8");
    expect(lock).toContain(`provider "${PROVIDER_ADDRESS}" {`);
    expect(lock).toContain(`version = "${report.version}"`);
    expect(lock).toMatch(/"h1:[A-Za-z0-9+/=]+"/);

    const validate = await runProcess(terraform, ["validate", "-no-color"], { cwd: stack, env });
    expect(validate.status, showRun(validate)).toBe(0);
    expect(validate.stdout).toContain("Success! The configuration is valid.");

    // Installing again changes nothing Terraform locked: init again agrees with the lock file.
    installProvider({ writeConfig: "terraform.rc", entry: sourceEntry() }, project);
    const reinit = await runProcess(terraform, ["init", "-input=false", "-no-color"], { cwd: stack, env });
    expect(reinit.status, showRun(reinit)).toBe(0);
    expect(readFileSync(join(stack, ".terraform.lock.hcl"), "utf8")).toBe(lock);
  }, 120_000);

  it("after an upgrade of the package: init refuses the locked version the install removed, init -upgrade locks the new one", async () => {
    const project = folder("terraform-upgrade");
    const entry = sourceEntry();
    // What an install of version 0.0.1 of the package left: its launcher, and a lock file naming it.
    const earlier = installLayout({ mode: "mirror", dir: join(project, ".terraform-providers"), version: "0.0.1", platform: terraformPlatform(process.platform, process.arch) });
    mkdirSync(earlier.folder, { recursive: true });
    writeFileSync(earlier.executable, launcherScript(entry), { mode: 0o755 });
    writeFileSync(join(project, "terraform.rc"), cliConfigFile("mirror", join(project, ".terraform-providers")));
    const stack = join(project, "stack");
    rootModule(stack);
    const env = environment(join(project, "terraform.rc"), join(project, "home"));
    const first = await runProcess(terraform, ["init", "-input=false", "-no-color"], { cwd: stack, env });
    expect(first.status, showRun(first)).toBe(0);
    expect(readFileSync(join(stack, ".terraform.lock.hcl"), "utf8")).toContain('version = "0.0.1"');

    const report = installProvider({ writeConfig: "terraform.rc", entry }, project);
    expect(report.removedVersions).toEqual(["0.0.1"]);
    const stale = await runProcess(terraform, ["init", "-input=false", "-no-color"], { cwd: stack, env });
    expect(stale.status, showRun(stale)).not.toBe(0);
    expect(stale.stderr.replace(/\s+/g, " "), showRun(stale)).toContain("the previously-selected version 0.0.1 is no longer available");
    const upgrade = await runProcess(terraform, ["init", "-upgrade", "-input=false", "-no-color"], { cwd: stack, env });
    expect(upgrade.status, showRun(upgrade)).toBe(0);
    expect(readFileSync(join(stack, ".terraform.lock.hcl"), "utf8")).toContain(`version = "${report.version}"`);
  }, 120_000);

  it("dev-override: terraform validate runs the provider with no terraform init", async () => {
    const project = folder("terraform-dev");
    installProvider({ mode: "dev-override", writeConfig: "terraform.rc", entry: sourceEntry() }, project);
    const stack = join(project, "stack");
    rootModule(stack);
    const env = environment(join(project, "terraform.rc"), join(project, "home"));
    const validate = await runProcess(terraform, ["validate", "-no-color"], { cwd: stack, env });
    expect(validate.status, showRun(validate)).toBe(0);
    const text = `${validate.stdout}${validate.stderr}`.replace(/\s+/g, " ");
    expect(text).toContain("Success! The configuration is valid");
    expect(text).toContain("Warning: Provider development overrides are in effect");
  }, 120_000);
});
