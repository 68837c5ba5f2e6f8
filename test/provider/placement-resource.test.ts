/**
 * Resource `ldoms_placement` as Terraform runs it against the pair lab over SSH (the
 * migration-group example: ldg1 on t7-a, ldg2 on t7-b, each VF kept ready on the other host):
 * an imported placement follows the domain; a host set to the other host of the group is planned
 * as a move and applied by the group's migration; with host unset again nothing changes; a move
 * whose preflight fails stops the plan with the rule and its fix, and nothing moves.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SshLab } from "../engine/support/ssh-lab";
import { startPairLab, type PairLab } from "./pair-lab";
import { showRun } from "../support/run-process";
import { findTerraform, providerTf, runTerraform, terraformSetup } from "./support";

const placement = (name: string, host?: string) =>
  [`resource "ldoms_placement" ${JSON.stringify(name)} {`, `  domain = ${JSON.stringify(name)}`, ...(host ? [`  host   = ${JSON.stringify(host)}`] : []), "}", ""].join("\n");

describe("terraform with the ldoms provider: resource ldoms_placement against the pair lab", () => {
  const terraform = findTerraform();
  let pair: PairLab;
  let work: string;
  let dir: string;
  let lab: SshLab;
  let env: NodeJS.ProcessEnv;
  const tf = (...args: string[]) => runTerraform(terraform, args, dir, env);
  const writeMain = (...parts: string[]) => writeFileSync(join(dir, "main.tf"), [providerTf(), ...parts].join("\n"));
  /** Where the lab has each guest domain, and its state there. */
  const where = async () => {
    const out: Record<string, string> = {};
    for (const machine of ["t7-a", "t7-b"]) {
      const listed = await lab.lab.runLdm(machine, ["list", "-p"]);
      for (const m of listed.stdout.matchAll(/^DOMAIN\|name=(ldg\d)\|state=(\w+)/gm)) out[m[1] as string] = `${machine} ${m[2]}`;
    }
    return out;
  };
  const attributesOf = (name: string) => {
    const state = JSON.parse(readFileSync(join(dir, "terraform.tfstate"), "utf8")) as { resources: { name: string; instances: { attributes: Record<string, unknown> }[] }[] };
    return state.resources.find((r) => r.name === name)?.instances[0]?.attributes ?? {};
  };

  beforeAll(async () => {
    // Both hosts prepared as ldoms apply does: each VF assigned where its domain runs, kept ready on the other host.
    pair = await startPairLab("ldoms-provider-placement-");
    ({ lab, dir } = pair);
    work = mkdtempSync(join(tmpdir(), "ldoms-provider-placement-tf-"));
    env = terraformSetup(work);
  }, 60_000);

  afterAll(async () => {
    await pair?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("imports ldg1 where it runs; host = t7-b plans the move, apply migrates it, and the next plan is empty", async () => {
    writeMain(placement("ldg1", "t7-b"));
    const imports = await tf("import", "-input=false", "ldoms_placement.ldg1", "ldg1");
    expect(imports.status, showRun(imports, env["TF_LOG_PATH"])).toBe(0);
    expect(attributesOf("ldg1")).toEqual({ domain: "ldg1", host: "t7-a", current_host: "t7-a", id: "ldg1" });

    const plan = await tf("plan", "-input=false", "-detailed-exitcode");
    expect(plan.status, showRun(plan, env["TF_LOG_PATH"])).toBe(2);
    expect(plan.stdout).toContain("# ldoms_placement.ldg1 will be updated in-place");
    expect(plan.stdout).toMatch(/~ current_host = "t7-a" -> "t7-b"/);
    expect(plan.stdout).toMatch(/~ host\s+= "t7-a" -> "t7-b"/);
    expect(plan.stdout).toContain("Plan: 0 to add, 1 to change, 0 to destroy.");
    expect((await where())["ldg1"]).toBe("t7-a active");

    const apply = await tf("apply", "-input=false", "-auto-approve");
    expect(apply.status, showRun(apply, env["TF_LOG_PATH"])).toBe(0);
    expect(apply.stdout).toContain("Apply complete! Resources: 0 added, 1 changed, 0 destroyed.");
    expect(await where()).toEqual({ ldg1: "t7-b active", ldg2: "t7-b active" });
    expect(attributesOf("ldg1")).toEqual({ domain: "ldg1", host: "t7-b", current_host: "t7-b", id: "ldg1" });

    const again = await tf("plan", "-input=false", "-detailed-exitcode");
    expect(again.status, showRun(again)).toBe(0);
    expect(again.stdout).toContain("No changes.");
  }, 90_000);

  it("with host unset the placement follows the domain: no change, nothing moves", async () => {
    const mutations = lab.lab.mutatingCount();
    writeMain(placement("ldg1"));
    const plan = await tf("plan", "-input=false", "-detailed-exitcode");
    expect(plan.status, showRun(plan)).toBe(0);
    expect(plan.stdout).toContain("No changes.");
    expect(lab.lab.mutatingCount()).toBe(mutations);
    expect((await where())["ldg1"]).toBe("t7-b active");
  }, 90_000);

  it("a move whose preflight fails (the target VF renamed on t7-a) stops the plan with the rule and its fix, and nothing moves", async () => {
    const records = (await lab.lab.runLdm("t7-a", ["list-io", "-l", "-p"])).stdout.split(/\n(?=\|dev=)/);
    const alias = /alias=([^|]+)/.exec(records.find((r) => r.includes("|name=ldg2-app")) ?? "")?.[1] as string;
    expect(alias).toMatch(/IOVNET\.PF0\.VF\d$/);
    expect((await lab.lab.runLdm("t7-a", ["set-io", "name=stolen", alias])).exitCode).toBe(0);
    const mutations = lab.lab.mutatingCount();

    writeMain(placement("ldg1"), placement("ldg2", "t7-a"));
    const plan = await tf("plan", "-input=false");
    expect(plan.status, showRun(plan)).toBe(1);
    const text = plan.stderr.replace(/\s+/g, " ");
    expect(text).toContain("Error: ldg2 cannot move from t7-b to t7-a: preflight rule 5 fails: t7-a has no VF named ldg2-app");
    expect(text).toContain(`${alias} is named stolen)`);
    expect(text).toContain("Fix: give the target VF the same user-assigned name (ldm set-io name=ldg2-app");
    expect(text).toContain("Nothing will be changed; ldg2 stays on t7-b.");
    // What the migration would find first: the group's preparation undone on t7-a.
    expect(text).toContain("Error: ldg2 cannot move from t7-b to t7-a: its preparation is not converged (1 change(s) missing)");
    expect(text).toMatch(/- t7-a: \S+ create VF "ldg2-app"/);
    expect(text).toContain('host = "t7-a"');
    expect(lab.lab.mutatingCount()).toBe(mutations);
    expect(await where()).toEqual({ ldg1: "t7-b active", ldg2: "t7-b active" });
  }, 90_000);

  it("a domain that is not mobile, and a host outside the group, are refused at plan time naming what there is", async () => {
    writeMain(placement("ldg9"), placement("ldg1", "t7-c"));
    const plan = await tf("plan", "-input=false");
    expect(plan.status, showRun(plan)).toBe(1);
    const text = plan.stderr.replace(/\s+/g, " ");
    expect(text).toContain("Error: ldg9 is not a mobile domain of stack prod-pair; mobile domains: ldg1, ldg2");
    expect(text).toContain("Error: host t7-c is not a host of group pair (t7-a, t7-b)");
  }, 90_000);
});
