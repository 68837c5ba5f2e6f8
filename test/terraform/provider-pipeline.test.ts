/**
 * The Terraform pipeline in its default mode, as a user runs it with the real `terraform`: the
 * package built from this checkout and installed in a project's node_modules, `ldoms synth` runs
 * the app of cdktf.json (the package's sriov-migration example, which asks for no mode), `ldoms
 * provider install --write-config` puts the provider in a filesystem mirror, `terraform init`
 * installs it from there with no network (proxies pointed at a closed port), and `terraform
 * apply` converges the lab over SSH through the provider's resources. `terraform plan` then has
 * nothing to do, sees a VF removed by hand as that resource's change, and `apply` repairs it.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runProcess, showRun, type ProcessRun } from "../support/run-process";
import { destroyAllVfsByHand } from "./by-hand";
import { startExampleProject, type ExampleProject } from "./example-project";
import { findTerraform } from "./installed-package";

describe("cdktf synth of the example (provider mode), then terraform init / apply / plan against the lab", () => {
  const terraform = findTerraform();
  let example: ExampleProject;
  let stackDir: string;

  const tf = (args: string[]): Promise<ProcessRun> => runProcess(terraform, [...args, "-no-color"], { cwd: stackDir, env: example.env });
  const ldoms = (args: string[]): Promise<ProcessRun> => example.ldoms(args);

  beforeAll(async () => {
    example = await startExampleProject("ldoms-provider-pipeline-");
  }, 240_000);

  afterAll(async () => {
    await example?.close();
  });

  it("synthesizes the provider's resources, installs the provider offline, converges the lab, plans no changes, and shows drift per resource", async () => {
    const synth = await ldoms(["synth"]);
    expect(synth.status, showRun(synth)).toBe(0);
    stackDir = join(example.project, "cdktf.out", "stacks", "prod-move");
    const config = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")) as { provider: unknown; resource: Record<string, Record<string, unknown>> };
    expect(config.provider).toEqual({ ldoms: [{ plan_document: "ldoms.plan.json", lock_timeout: "30m" }] });
    expect(Object.entries(config.resource).flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`)).sort()).toEqual([
      "ldoms_ipmp.ldg1_ipmp0", "ldoms_vf.t7-a_ldg1-app", "ldoms_vf.t7-b_ldg1-app", "ldoms_vnet.t7-a_ldg1_vnet0",
    ]);

    const install = await ldoms(["provider", "install", "--write-config", "terraform.rc"]);
    expect(install.status, showRun(install)).toBe(0);
    const init = await tf(["init", "-input=false"]);
    expect(init.status, showRun(init)).toBe(0);
    expect(readFileSync(join(stackDir, ".terraform.lock.hcl"), "utf8")).toContain('provider "registry.terraform.io/cdktf-ldoms/ldoms" {');

    const before = await ldoms(["plan", "--skip-synth", "--detailed-exitcode"]);
    expect(before.status, showRun(before)).toBe(2);
    const applied = await tf(["apply", "-auto-approve", "-input=false"]);
    expect(applied.status, showRun(applied)).toBe(0);
    expect(applied.stdout).toContain("Apply complete! Resources: 4 added, 0 changed, 0 destroyed.");
    expect(existsSync(join(stackDir, "terraform.prod-move.tfstate"))).toBe(true);

    const plan = await tf(["plan", "-detailed-exitcode", "-input=false"]);
    expect(plan.status, showRun(plan)).toBe(0);
    // The hosts agree: ldoms reads them and finds nothing to do.
    const converged = await ldoms(["plan", "--skip-synth", "--detailed-exitcode"]);
    expect(converged.status, showRun(converged)).toBe(0);

    // A VF destroyed by hand on t7-b: Terraform's plan reads the host and plans that VF again.
    const destroyed = await destroyAllVfsByHand(example.lab, "t7-b", "/SYS/MB/NET2/IOVNET.PF0");
    expect(destroyed.exitCode, destroyed.stderr).toBe(0);
    const drift = await tf(["plan", "-detailed-exitcode", "-input=false"]);
    expect(drift.status, showRun(drift)).toBe(2);
    expect(drift.stdout).toContain("# ldoms_vf.t7-b_ldg1-app will be created");
    expect(drift.stdout).toContain("Plan: 1 to add, 0 to change, 0 to destroy.");
    const repaired = await tf(["apply", "-auto-approve", "-input=false"]);
    expect(repaired.status, showRun(repaired)).toBe(0);
    const again = await tf(["plan", "-detailed-exitcode", "-input=false"]);
    expect(again.status, showRun(again)).toBe(0);
  }, 300_000);
});
