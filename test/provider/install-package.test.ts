/**
 * `ldoms provider install` as a user runs it: the package built from this checkout and laid out
 * in a project's node_modules as `npm install` does, its `bin/ldoms.js provider install
 * --write-config` run in the project (no `--entry`: the launcher runs the package's own
 * `bin/terraform-provider-ldoms.js` on its build), then the real `terraform init` with no
 * network and `terraform validate`, which starts that provider.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runProcess, showRun } from "../support/run-process";
import { findTerraform, PROVIDER_SOURCE, providerTf, REPO } from "./support";


/** The package as `npm install` lays it out: package.json, bin, proto, schema, labs and a build of src. */
async function installPackage(into: string, work: string): Promise<void> {
  for (const entry of ["package.json", "bin", "proto", "schema", "labs"]) cpSync(join(REPO, entry), join(into, entry), { recursive: true });
  // Its dependencies: those of the checkout.
  symlinkSync(join(REPO, "node_modules"), join(into, "node_modules"), "dir");
  const tsconfig = join(work, "tsconfig.json");
  writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: join(REPO, "tsconfig.json"),
      compilerOptions: { rootDir: REPO, outDir: join(into, "dist"), declaration: false, sourceMap: false, noCheck: true, typeRoots: [join(REPO, "node_modules", "@types")] },
      include: [join(REPO, "src")],
    }),
  );
  const build = await runProcess(process.execPath, [join(REPO, "node_modules", "typescript", "bin", "tsc"), "-p", tsconfig]);
  // Type checking is the lint's business (noCheck); what matters here is that the build was written.
  if (!existsSync(join(into, "dist", "src", "cli", "main.js")) || !existsSync(join(into, "dist", "src", "provider", "main.js"))) {
    throw new Error(`building the package failed:\n${build.stdout}${build.stderr}`);
  }
}

describe("ldoms provider install from an installed package, then terraform init offline", () => {
  const terraform = findTerraform();
  let work: string;
  let project: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "ldoms-provider-package-"));
    project = join(work, "project");
    const installed = join(project, "node_modules", "cdktf-ldoms");
    mkdirSync(installed, { recursive: true });
    await installPackage(installed, work);
  }, 240_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("the launcher runs the package's provider: init installs and locks it, validate passes", async () => {
    const home = join(project, "home");
    mkdirSync(home);
    const env: NodeJS.ProcessEnv = {
      // node for the launcher and the system tools; no node_modules/.bin.
      PATH: [dirname(process.execPath), "/usr/bin", "/bin"].join(delimiter),
      HOME: home,
      TF_CLI_CONFIG_FILE: join(project, "terraform.rc"),
      CHECKPOINT_DISABLE: "1",
      TF_IN_AUTOMATION: "1",
      HTTPS_PROXY: "http://127.0.0.1:9",
      HTTP_PROXY: "http://127.0.0.1:9",
    };
    const bin = join(project, "node_modules", "cdktf-ldoms", "bin", "ldoms.js");
    const install = await runProcess(process.execPath, [bin, "provider", "install", "--write-config", "terraform.rc", "--json"], { cwd: project, env });
    expect(install.status, showRun(install)).toBe(0);
    const report = JSON.parse(install.stdout) as { executable: string; version: string; dir: string };
    expect(report.dir).toBe(join(project, ".terraform-providers"));
    expect(readFileSync(report.executable, "utf8")).toContain(`exec node '${join(project, "node_modules", "cdktf-ldoms", "bin", "terraform-provider-ldoms.js")}' "$@"`);

    const stack = join(project, "stack");
    mkdirSync(stack);
    writeFileSync(join(stack, "main.tf"), `${providerTf()}data "ldoms_host" "a" { host = "t7-a" }\n`);
    const init = await runProcess(terraform, ["init", "-input=false", "-no-color"], { cwd: stack, env });
    expect(init.status, showRun(init)).toBe(0);
    const lock = readFileSync(join(stack, ".terraform.lock.hcl"), "utf8");
    expect(lock).toContain(`provider "${PROVIDER_SOURCE}" {`);
    expect(lock).toContain(`version = "${report.version}"`);
    const validate = await runProcess(terraform, ["validate", "-no-color"], { cwd: stack, env });
    expect(validate.status, showRun(validate)).toBe(0);
    expect(validate.stdout).toContain("Success! The configuration is valid.");
  }, 60_000);
});
