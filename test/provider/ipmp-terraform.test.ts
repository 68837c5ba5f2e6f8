/**
 * Resource `ldoms_ipmp` as Terraform runs it against the default lab over SSH, the guest ldg1
 * served as inventory entry guest/ldg1: apply shows the group to create and configures it in the
 * guest, a converged plan is empty; the group deleted in the guest by hand is planned again as
 * this resource alone, and apply recreates it. (A member taken out by hand, an in-place diff, is
 * covered against the in-process lab in ipmp-resource.test.ts.)
 */
import { mkdirSync, mkdtempSync,  rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyHosts, engineHosts } from "../../src/engine";
import { sshConnect } from "../../src/cli/engine-input";
import { examplePlan } from "../../test-kit/example-plan";
import { startSshLab, type SshLab } from "../engine/support/ssh-lab";
import { defaultLabJson, GUEST_IPMP_COMMANDS } from "../migration/support";
import { showRun } from "../support/run-process";
import { findTerraform, providerTf, runTerraform, terraformSetup, writeProviderFiles } from "./support";


const GROUP = ['resource "ldoms_ipmp" "ldg1" {', '  domain       = "ldg1"', '  name         = "ipmp0"', '  active_vf    = "ldg1-app"', '  standby_vnet = "vnet0"', "}", ""].join("\n");

describe("terraform with the ldoms provider: resource ldoms_ipmp against the lab's guest", () => {
  const terraform = findTerraform();
  let work: string;
  let dir: string;
  let lab: SshLab;
  let env: NodeJS.ProcessEnv;
  const tf = (...args: string[]) => runTerraform(terraform, args, dir, env);
  const guestCommands = () => lab.lab.journal().filter((j) => j.kind === "guest").map((j) => j.argv.join(" "));
  const guest = (...argv: string[]) => lab.lab.runGuest("ldg1", argv);

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "ldoms-provider-ipmp-"));
    const json = defaultLabJson();
    json.options = { ...json.options, invSettleMs: 50 };
    lab = await startSshLab({ json });
    expect(Object.keys(lab.inventory.hosts)).toContain("guest/ldg1");
    // The control domains as ldoms apply leaves them: ldg1 has its VF and vnet, its guest no IPMP group yet.
    const applied = await applyHosts(engineHosts(examplePlan(), { inventory: lab.inventory }), { connect: sshConnect({}), invTimeoutMs: 10_000 });
    expect(applied.hosts.map((h) => [h.id, h.status])).toEqual([["t7-a", "applied"], ["t7-b", "applied"]]);
    env = terraformSetup(work);
    dir = join(work, "project");
    mkdirSync(dir);
    writeProviderFiles(dir, examplePlan(), lab.inventory.hosts);
    writeFileSync(join(dir, "main.tf"), [providerTf(), GROUP].join("\n"));
  }, 60_000);

  afterAll(async () => {
    await lab?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("apply shows the group to create and runs the ipadm commands in ldg1, and the next plan -detailed-exitcode exits 0", async () => {
    // apply prints the plan it runs: the same text terraform plan shows.
    const apply = await tf("apply", "-input=false", "-auto-approve");
    expect(apply.status, showRun(apply, env["TF_LOG_PATH"])).toBe(0);
    expect(apply.stdout).toContain("# ldoms_ipmp.ldg1 will be created");
    expect(apply.stdout).toMatch(/\+ host\s+= "t7-a"/);
    expect(apply.stdout).toMatch(/\+ verified\s+= true/);
    expect(apply.stdout).toMatch(/\+ id\s+= "ldg1\/ipmp0"/);
    expect(apply.stdout).toContain("Plan: 1 to add, 0 to change, 0 to destroy.");
    expect(apply.stdout).toContain("Apply complete! Resources: 1 added, 0 changed, 0 destroyed.");
    expect(guestCommands()).toEqual(GUEST_IPMP_COMMANDS);

    const again = await tf("plan", "-input=false", "-detailed-exitcode");
    expect(again.status, showRun(again)).toBe(0);
    expect(again.stdout).toContain("No changes.");
  }, 90_000);

  it("the group deleted in the guest by hand is exactly this resource's diff, and apply recreates it with only the missing commands", async () => {
    for (const argv of [["remove-ipmp", "-i", "net0,net1", "ipmp0"], ["delete-ipmp", "ipmp0"]]) expect((await guest("ipadm", ...argv)).exitCode).toBe(0);
    const drift = await tf("plan", "-input=false", "-detailed-exitcode");
    expect(drift.status, showRun(drift)).toBe(2);
    expect(drift.stdout).toContain("# ldoms_ipmp.ldg1 will be created");
    expect(drift.stdout.match(/# \S+ will be/g)).toEqual(["# ldoms_ipmp.ldg1 will be"]);
    expect(drift.stdout).toContain("Plan: 1 to add, 0 to change, 0 to destroy.");
    const before = guestCommands().length;
    const apply = await tf("apply", "-input=false", "-auto-approve");
    expect(apply.status, showRun(apply, env["TF_LOG_PATH"])).toBe(0);
    expect(apply.stdout).toContain("Apply complete! Resources: 1 added, 0 changed, 0 destroyed.");
    // The IP interfaces were left in place: only the group, its members and the standby role are made again.
    expect(guestCommands().slice(before)).toEqual(["ipadm create-ipmp ipmp0", "ipadm add-ipmp -i net1 ipmp0", "ipadm add-ipmp -i net0 ipmp0", "ipadm set-ifprop -p standby=on -m ip net0"]);
    expect((await guest("ipmpstat", "-P", "-o", "interface,group,flags", "-i")).stdout).toMatch(/^net0:ipmp0:\S*s/m);
  }, 90_000);
});
