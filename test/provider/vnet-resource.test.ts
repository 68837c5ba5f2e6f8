/**
 * Resource `ldoms_vnet` as Terraform runs it against the lab over SSH: plan and apply add a vnet
 * to the running ldg1, a converged plan is empty, a vnet removed or changed by hand is planned
 * again and repaired, the example's vnet is imported, and what the engine would refuse (a switch the host
 * does not have, removing a vnet) stops the plan with the fix and changes nothing.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyHosts, engineHosts } from "../../src/engine";
import { sshConnect } from "../../src/cli/engine-input";
import { examplePlan } from "../../test-kit/example-plan";
import { startSshLab, type SshLab } from "../engine/support/ssh-lab";
import { showRun } from "../support/run-process";
import { findTerraform, providerTf, runTerraform, terraformSetup, writeProviderFiles } from "./support";


/** A second vnet of the running ldg1 on t7-a, with VLANs. */
const extra = (vswitch = "primary-vsw0") =>
  [
    'resource "ldoms_vnet" "extra" {',
    '  host    = "t7-a"',
    '  domain  = "ldg1"',
    '  name    = "vnet1"',
    `  vswitch = ${JSON.stringify(vswitch)}`,
    "  pvid    = 200",
    "  vid     = [310, 311]",
    "}",
    "",
  ].join("\n");

/** A third vnet of ldg1 with nothing but its switch (its properties are not managed). */
const plain = ['resource "ldoms_vnet" "plain" {', '  host    = "t7-a"', '  domain  = "ldg1"', '  name    = "vnet2"', '  vswitch = "primary-vsw0"', "}", ""].join("\n");

/** The example's vnet of ldg1, as its plan declares it. */
const imported = ['resource "ldoms_vnet" "x" {', '  host    = "t7-a"', '  domain  = "ldg1"', '  name    = "vnet0"', '  vswitch = "primary-vsw0"', "  pvid    = 100", "}", ""].join("\n");

describe("terraform with the ldoms provider: resource ldoms_vnet against the lab", () => {
  const terraform = findTerraform();
  let work: string;
  let dir: string;
  let lab: SshLab;
  let env: NodeJS.ProcessEnv;
  const tf = (...args: string[]) => runTerraform(terraform, args, dir, env);
  const writeMain = (...parts: string[]) => writeFileSync(join(dir, "main.tf"), [providerTf(), ...parts].join("\n"));
  /** The parseable VNET line of ldg1's vnet `name` on t7-a, or "". */
  const vnetLine = async (name: string) => {
    const listing = (await lab.lab.runLdm("t7-a", ["list", "-l", "-p", "ldg1"])).stdout;
    return listing.split("\n").find((l) => l.startsWith("VNET|") && l.includes(`|name=${name}|`)) ?? "";
  };
  const attributesOf = (name: string) => {
    const state = JSON.parse(readFileSync(join(dir, "terraform.tfstate"), "utf8")) as { resources: { name: string; instances: { attributes: Record<string, unknown> }[] }[] };
    return state.resources.find((r) => r.name === name)?.instances[0]?.attributes ?? {};
  };
  const hostStats = (host: string) => structuredClone(lab.server.stats.perHost[host] ?? { connections: 0, execs: 0 });

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "ldoms-provider-vnet-"));
    lab = await startSshLab();
    const applied = await applyHosts(engineHosts(examplePlan(), { inventory: lab.inventory }), { connect: sshConnect({}) });
    expect(applied.hosts.map((h) => [h.id, h.status])).toEqual([["t7-a", "applied"], ["t7-b", "applied"]]);
    env = terraformSetup(work);
    dir = join(work, "project");
    mkdirSync(dir);
    writeProviderFiles(dir, examplePlan(), lab.inventory.hosts);
  }, 60_000);

  afterAll(async () => {
    await lab?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("apply shows the vnet to add and adds it to the running ldg1, and the next plan is empty from one read of t7-a", async () => {
    writeMain(extra(), plain);
    expect(await vnetLine("vnet1")).toBe("");
    // apply prints the plan it runs: the same text terraform plan shows.
    const apply = await tf("apply", "-input=false", "-auto-approve");
    expect(apply.status, showRun(apply, env["TF_LOG_PATH"])).toBe(0);
    expect(apply.stdout).toContain("# ldoms_vnet.extra will be created");
    expect(apply.stdout).toContain("# ldoms_vnet.plain will be created");
    expect(apply.stdout).toMatch(/id\s+= "t7-a\/ldg1\/vnet1"/);
    expect(apply.stdout).toMatch(/mtu\s+= \(known after apply\)/);
    expect(apply.stdout).toContain("Plan: 2 to add, 0 to change, 0 to destroy.");
    expect(apply.stdout).toContain("Apply complete! Resources: 2 added, 0 changed, 0 destroyed.");
    expect(await vnetLine("vnet2")).toContain("|service=primary-vsw0@primary|");
    const line = await vnetLine("vnet1");
    expect(line).toContain("|service=primary-vsw0@primary|");
    expect(line).toContain("|pvid=200|");
    expect(line).toContain("|vid=310,311|");
    expect(attributesOf("extra")).toMatchObject({ host: "t7-a", domain: "ldg1", name: "vnet1", vswitch: "primary-vsw0", pvid: 200, vid: [310, 311], id: "t7-a/ldg1/vnet1" });
    expect(typeof attributesOf("extra")["mtu"]).toBe("number");

    const before = hostStats("t7-a");
    const again = await tf("plan", "-input=false", "-detailed-exitcode");
    expect(again.status, showRun(again)).toBe(0);
    expect(again.stdout).toContain("No changes.");
    const after = hostStats("t7-a");
    expect({ connections: after.connections - before.connections, execs: after.execs - before.execs }).toEqual({ connections: 1, execs: 1 });
  }, 90_000);

  it("a pvid changed by hand is that resource's in-place diff, a vnet removed by hand is planned again, and apply repairs both", async () => {
    expect(await lab.lab.runLdm("t7-a", ["set-vnet", "pvid=300", "vnet1", "ldg1"])).toMatchObject({ exitCode: 0 });
    expect(await lab.lab.runLdm("t7-a", ["remove-vnet", "vnet2", "ldg1"])).toMatchObject({ exitCode: 0 });
    const drift = await tf("plan", "-input=false", "-detailed-exitcode");
    expect(drift.status, showRun(drift)).toBe(2);
    expect(drift.stdout).toContain("# ldoms_vnet.extra will be updated in-place");
    expect(drift.stdout).toMatch(/~ pvid\s+= 300 -> 200/);
    expect(drift.stdout).toContain("# ldoms_vnet.plain will be created");
    expect(drift.stdout).toContain("Plan: 1 to add, 1 to change, 0 to destroy.");
    const apply = await tf("apply", "-input=false", "-auto-approve");
    expect(apply.status, showRun(apply, env["TF_LOG_PATH"])).toBe(0);
    expect(apply.stdout).toContain("Apply complete! Resources: 1 added, 1 changed, 0 destroyed.");
    expect(await vnetLine("vnet1")).toContain("|pvid=200|");
    expect(await vnetLine("vnet2")).toContain("|name=vnet2|");
  }, 90_000);

  it("terraform import of the example's vnet t7-a/ldg1/vnet0, then a plan with no changes", async () => {
    writeMain(extra(), plain, imported);
    const imports = await tf("import", "-input=false", "ldoms_vnet.x", "t7-a/ldg1/vnet0");
    expect(imports.status, showRun(imports, env["TF_LOG_PATH"])).toBe(0);
    expect(imports.stdout).toContain("Import successful!");
    expect(attributesOf("x")).toMatchObject({ host: "t7-a", domain: "ldg1", name: "vnet0", vswitch: "primary-vsw0", pvid: 100, id: "t7-a/ldg1/vnet0" });
    const plan = await tf("plan", "-input=false", "-detailed-exitcode");
    expect(plan.status, showRun(plan)).toBe(0);
    expect(plan.stdout).toContain("No changes.");
  }, 90_000);

  it("a switch t7-a does not have is refused at plan time with the fix, and nothing on t7-a changes", async () => {
    const mutations = lab.lab.mutatingCount("t7-a");
    writeMain(extra("backup-vsw9"), plain, imported);
    const plan = await tf("plan", "-input=false");
    expect(plan.status, showRun(plan)).toBe(1);
    const text = plan.stderr.replace(/\s+/g, " ");
    expect(text).toContain('Error: vnet "vnet1" of domain ldg1 on t7-a: apply would fail as the host is now, so nothing will be changed');
    expect(text).toContain('virtual switch "backup-vsw9" does not exist on t7-a');
    expect(text).toContain("create it (ldm add-vsw) or fix the name");
    expect(text).toContain('vswitch = "backup-vsw9"');
    expect(lab.lab.mutatingCount("t7-a")).toBe(mutations);
  }, 90_000);

  it("removing a vnet is refused at plan time, saying how to keep it or remove it by hand", async () => {
    writeMain(extra(), plain, imported);
    const plan = await tf("plan", "-input=false", "-destroy");
    expect(plan.status, showRun(plan)).toBe(1);
    const text = plan.stderr.replace(/\s+/g, " ");
    expect(text).toContain('Error: vnet "vnet0" of domain ldg1 on t7-a would be destroyed: the ldoms provider does not remove vnets');
    expect(text).toContain("ldm remove-vnet vnet1 ldg1 on t7-a");
    expect(text).toContain("lifecycle { destroy = false }");
  }, 90_000);
});
