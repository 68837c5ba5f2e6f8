/**
 * `ldoms_vf` and `ldoms_vnet` of a mobile domain as Terraform runs them against the pair lab over
 * SSH (the migration-group example applied: ldg1 on t7-a, its VF kept ready on t7-b): ldg1's VF
 * declared on both hosts and its vnet without host converge; after `ldoms migrate ldg1 --to t7-b`
 * the plan is empty (the vnet found on t7-b, the VF kept ready on t7-a still ldg1's); a drift of
 * the vnet is that resource's diff alone, and apply repairs it where ldg1 runs.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SshLab } from "../engine/support/ssh-lab";
import type { GroupCli } from "../mobility/support";
import { startPairLab, type PairLab } from "./pair-lab";
import { showRun } from "../support/run-process";
import { findTerraform, providerTf, runTerraform, terraformSetup } from "./support";

/** ldg1's VF on one host of the group, assigned where ldg1 runs and kept ready on the other. */
const mobileVf = (name: string, host: string) =>
  [`resource "ldoms_vf" ${JSON.stringify(name)} {`, `  host   = ${JSON.stringify(host)}`, '  name   = "ldg1-app"', '  pf     = "/SYS/MB/NET2/IOVNET.PF0"', '  domain = "ldg1"', "  pvid   = 100", "}", ""].join("\n");

/** ldg1's vnet without host: it follows ldg1. */
const mobileVnet = ['resource "ldoms_vnet" "ldg1" {', '  domain  = "ldg1"', '  name    = "vnet0"', '  vswitch = "primary-vsw0"', "  pvid    = 100", "}", ""].join("\n");

describe("terraform with the ldoms provider: a mobile domain's VFs and vnet against the pair lab", () => {
  const terraform = findTerraform();
  let pair: PairLab;
  let work: string;
  let dir: string;
  let lab: SshLab;
  let cli: GroupCli;
  let env: NodeJS.ProcessEnv;
  const tf = (...args: string[]) => runTerraform(terraform, args, dir, env);
  const attributesOf = (name: string, type = "ldoms_vf") => {
    const state = JSON.parse(readFileSync(join(dir, "terraform.tfstate"), "utf8")) as { resources: { type: string; name: string; instances: { attributes: Record<string, unknown> }[] }[] };
    return state.resources.find((r) => r.type === type && r.name === name)?.instances[0]?.attributes ?? {};
  };
  const vnetLine = async (machine: string) => (await lab.lab.runLdm(machine, ["list", "-l", "-p", "ldg1"])).stdout.split("\n").find((l) => l.startsWith("VNET|") && l.includes("|name=vnet0|")) ?? "";

  beforeAll(async () => {
    pair = await startPairLab("ldoms-provider-mobile-");
    ({ lab, cli, dir } = pair);
    work = mkdtempSync(join(tmpdir(), "ldoms-provider-mobile-tf-"));
    env = terraformSetup(work);
    writeFileSync(join(dir, "main.tf"), [providerTf(), mobileVf("a", "t7-a"), mobileVf("b", "t7-b"), mobileVnet].join("\n"));
  }, 60_000);

  afterAll(async () => {
    await pair?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("apply converges; after ldoms migrate ldg1 --to t7-b the plan exits 0; a vnet pvid changed by hand is exactly its diff, and apply repairs it on t7-b", async () => {
    const apply = await tf("apply", "-input=false", "-auto-approve");
    expect(apply.status, showRun(apply, env["TF_LOG_PATH"])).toBe(0);
    expect(apply.stdout).toContain("Apply complete! Resources: 3 added, 0 changed, 0 destroyed.");
    expect(attributesOf("ldg1", "ldoms_vnet")).toMatchObject({ host: "t7-a", domain: "ldg1", name: "vnet0", pvid: 100, id: "ldg1/vnet0" });
    expect([attributesOf("a")["domain"], attributesOf("b")["domain"]]).toEqual(["ldg1", "ldg1"]);

    const moved = await cli.migrate("ldg1", "t7-b");
    expect(moved.code, moved.stdout + moved.stderr).toBe(0);
    const plan = await tf("plan", "-input=false", "-detailed-exitcode");
    expect(plan.status, showRun(plan, env["TF_LOG_PATH"])).toBe(0);
    expect(plan.stdout).toContain("No changes.");

    expect((await lab.lab.runLdm("t7-b", ["set-vnet", "pvid=300", "vnet0", "ldg1"])).exitCode).toBe(0);
    const drift = await tf("plan", "-input=false", "-detailed-exitcode");
    expect(drift.status, showRun(drift)).toBe(2);
    expect(drift.stdout).toContain("# ldoms_vnet.ldg1 will be updated in-place");
    expect(drift.stdout).toMatch(/~ pvid\s+= 300 -> 100/);
    expect(drift.stdout).not.toMatch(/# ldoms_vf\.\S+ will/);
    expect(drift.stdout).toContain("Plan: 0 to add, 1 to change, 0 to destroy.");

    const repair = await tf("apply", "-input=false", "-auto-approve");
    expect(repair.status, showRun(repair, env["TF_LOG_PATH"])).toBe(0);
    expect(repair.stdout).toContain("Apply complete! Resources: 0 added, 1 changed, 0 destroyed.");
    expect(await vnetLine("t7-b")).toContain("|pvid=100|");
    expect(attributesOf("ldg1", "ldoms_vnet")).toMatchObject({ host: "t7-b", pvid: 100 });
  }, 180_000);
});
