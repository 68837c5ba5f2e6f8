/**
 * Running the real `terraform` against the provider of this run's built package: a plugin folder
 * holding a `terraform-provider-ldoms` shell script that execs node on the package's bin, a CLI
 * configuration whose dev_overrides point at it (no registry, no init, checkpoint off).
 */
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join, resolve } from "node:path";
import type { PlanDocument } from "../../src/model";
import { stableJson } from "../../src/synth";
import { runProcess, type ProcessRun } from "../support/run-process";
import { builtPackage } from "../terraform/installed-package";

export const REPO = resolve(__dirname, "../..");
export const PROVIDER_SOURCE = "registry.terraform.io/cdktf-ldoms/ldoms";

export function findTerraform(): string {
  for (const dir of (process.env["PATH"] ?? "").split(delimiter)) {
    if (dir && existsSync(join(dir, "terraform"))) return join(dir, "terraform");
  }
  throw new Error("terraform is not on PATH; this test runs the real binary (Terraform >= 1.5)");
}

/** The plugin folder and CLI configuration under `work`; returns the environment terraform gets. */
export function terraformSetup(work: string): NodeJS.ProcessEnv {
  const plugins = join(work, "plugins");
  mkdirSync(plugins, { recursive: true });
  const wrapper = join(plugins, "terraform-provider-ldoms");
  const entry = join(builtPackage(), "bin", "terraform-provider-ldoms.js");
  writeFileSync(wrapper, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(entry)} "$@"\n`);
  chmodSync(wrapper, 0o755);
  const cliConfig = join(work, "terraform.rc");
  writeFileSync(
    cliConfig,
    [
      "disable_checkpoint = true",
      "provider_installation {",
      "  dev_overrides {",
      `    ${JSON.stringify(PROVIDER_SOURCE)} = ${JSON.stringify(plugins)}`,
      "  }",
      "  direct {}",
      "}",
      "",
    ].join("\n"),
  );
  mkdirSync(join(work, "home"), { recursive: true });
  return {
    PATH: [dirname(process.execPath), "/usr/bin", "/bin"].join(delimiter),
    HOME: join(work, "home"),
    TF_CLI_CONFIG_FILE: cliConfig,
    CHECKPOINT_DISABLE: "1",
    TF_IN_AUTOMATION: "1",
    TF_LOG: "DEBUG",
    TF_LOG_PATH: join(work, "terraform.log"),
  };
}

/** The terraform block and the provider block every test configuration starts with. */
export function providerTf(): string {
  return [
    "terraform {",
    "  required_providers {",
    `    ldoms = { source = ${JSON.stringify(PROVIDER_SOURCE.replace(/^registry\.terraform\.io\//, ""))} }`,
    "  }",
    "}",
    "",
    'provider "ldoms" {',
    '  plan_document = "ldoms.plan.json"',
    '  inventory     = "inventory.json"',
    "}",
    "",
  ].join("\n");
}

export function mainTf(host: string): string {
  return [
    providerTf(),
    `data "ldoms_host" "a" { host = ${JSON.stringify(host)} }`,
    "# The same host again: read once per provider process.",
    `data "ldoms_host" "again" { host = ${JSON.stringify(host)} }`,
    "",
    'output "domains" { value = data.ldoms_host.a.domains }',
    'output "vfs" { value = data.ldoms_host.a.vfs }',
    'output "pfs" { value = data.ldoms_host.a.pfs }',
    'output "same" { value = data.ldoms_host.again.vfs == data.ldoms_host.a.vfs }',
    "",
  ].join("\n");
}

export function runTerraform(terraform: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<ProcessRun> {
  return runProcess(terraform, [...args, "-no-color"], { cwd, env });
}

/** The files a provider block names (`plan_document = "ldoms.plan.json"`, `inventory = "inventory.json"`), written into `dir`. */
export function writeProviderFiles(dir: string, document: PlanDocument, hosts: object): void {
  writeFileSync(join(dir, "ldoms.plan.json"), stableJson(document));
  writeFileSync(join(dir, "inventory.json"), JSON.stringify({ hosts }, null, 2));
}
