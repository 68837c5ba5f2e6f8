/**
 * The Terraform path with `terraform: "local-exec"` and the real `terraform` binary, as a user
 * runs it: the package is installed in a project's node_modules (built from this checkout),
 * `ldoms synth` writes the example's stack, and `terraform init / validate / apply / plan` run
 * in the stack folder with a PATH that has no `ldoms` on it, an inventory given as a path relative to the project folder,
 * Terraform's checkpoint off and no provider installation allowed (terraform_data is built in).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadLabDefinitionFile } from "../../src/lab/definition";
import { Lab } from "../../src/lab/lab";
import { DEFAULT_LAB_FILE, PAIR_LAB_FILE } from "../../src/lab/paths";
import { startLabServer, type RunningLabServer } from "../../src/lab-serving/ssh-server";
import { runProcess, showRun, type ProcessRun } from "../support/run-process";
import { destroyAllVfsByHand } from "./by-hand";
import { builtPackage, findTerraform, newProject } from "./installed-package";

/** node (for the local-exec commands) and the system tools; no node_modules/.bin, no ldoms. */
const PATH = [dirname(process.execPath), "/usr/bin", "/bin"].join(delimiter);

let work: string;
/** The package as `npm install` lays it out, built once per test run. */
let installed: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "ldoms-terraform-"));
  installed = builtPackage();
});
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Terraform's CLI configuration: checkpoint off, no provider installation (terraform_data is built in). */
function terraformEnvironment(project: string): NodeJS.ProcessEnv {
  const cliConfig = join(project, "terraform.rc");
  mkdirSync(join(project, "no-providers"));
  writeFileSync(cliConfig, [
    "disable_checkpoint = true",
    "provider_installation {",
    "  filesystem_mirror {",
    `    path    = ${JSON.stringify(join(project, "no-providers"))}`,
    '    include = ["example.invalid/*/*"]',
    "  }",
    "}",
    "",
  ].join("\n"));
  mkdirSync(join(project, "home"));
  return {
    PATH,
    HOME: join(project, "home"),
    TF_CLI_CONFIG_FILE: cliConfig,
    CHECKPOINT_DISABLE: "1",
    TF_IN_AUTOMATION: "1",
    // Relative: read from the project folder, where the local-exec commands run.
    LDOMS_INVENTORY: "lab/inventory.json",
  };
}

describe("terraform init / validate / apply / plan on the synthesized stack, ldoms not on PATH", () => {
  let project: string;
  let stackDir: string;
  let server: RunningLabServer;
  let lab: Lab;
  let terraformEnv: NodeJS.ProcessEnv;
  const terraform = findTerraform();

  const tf = (args: string[]): Promise<ProcessRun> => runProcess(terraform, [...args, "-no-color"], { cwd: stackDir, env: terraformEnv });
  const ldoms = (args: string[]): Promise<ProcessRun> =>
    runProcess(process.execPath, [join(project, "node_modules", "cdktf-ldoms", "bin", "ldoms.js"), ...args], { cwd: project, env: terraformEnv });

  beforeAll(async () => {
    project = newProject(work, installed, "project");
    // The user's app: the package's sriov-migration example, with Terraform running ldoms apply per host.
    writeFileSync(join(project, "app.js"), `
const { runLdomsApp } = require("cdktf-ldoms");
const { defineSriovMigrationExample } = require("./node_modules/cdktf-ldoms/dist/examples/sriov-migration/stack.js");
runLdomsApp((app) => {
  defineSriovMigrationExample(app, { terraform: "local-exec" });
});
`);
    writeFileSync(join(project, "cdktf.json"), JSON.stringify({ language: "typescript", app: "node app.js" }));

    lab = Lab.fromDefinition(loadLabDefinitionFile(DEFAULT_LAB_FILE));
    server = await startLabServer({ lab, stateDir: join(project, "lab") });

    terraformEnv = terraformEnvironment(project);

    const synth = await ldoms(["synth"]);
    expect(synth.status, showRun(synth)).toBe(0);
    stackDir = join(project, "cdktf.out", "stacks", "prod-move");
  }, 240_000);

  afterAll(async () => {
    await server?.close();
  });

  it("converges the lab through Terraform, then plans no changes; only ldoms plan sees host drift", async () => {
    const noLdoms = await runProcess("/bin/sh", ["-c", "command -v ldoms"], { env: terraformEnv });
    expect(noLdoms.status, "ldoms must not be on the PATH Terraform gets").not.toBe(0);

    // What Terraform will run: node on the installed package's bin, in the project folder.
    const config = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")) as {
      resource: { terraform_data: Record<string, { provisioner: { "local-exec": { command: string; working_dir: string } }[] }> };
    };
    const localExec = Object.entries(config.resource.terraform_data).map(([name, r]) => [name, r.provisioner[0]?.["local-exec"]]);
    const apply = (host: string) =>
      `'node' 'node_modules/cdktf-ldoms/bin/ldoms.js' 'apply' '--stack' 'prod-move' '--host' '${host}' '--plan-document' 'cdktf.out/stacks/prod-move/ldoms.plan.json' '--lock-timeout' '1800000' '--auto-approve'`;
    expect(localExec).toEqual([
      ["ldoms-host-t7-a", { command: apply("t7-a"), working_dir: "../../.." }],
      ["ldoms-host-t7-b", { command: apply("t7-b"), working_dir: "../../.." }],
    ]);

    const before = await ldoms(["plan", "--skip-synth", "--detailed-exitcode"]);
    expect(before.status, showRun(before)).toBe(2);

    const init = await tf(["init", "-input=false"]);
    expect(init.status, showRun(init)).toBe(0);
    expect(init.stdout).toContain("terraform.io/builtin/terraform is built in to Terraform");
    const validate = await tf(["validate"]);
    expect(validate.status, showRun(validate)).toBe(0);

    const applied = await tf(["apply", "-auto-approve", "-input=false"]);
    expect(applied.status, showRun(applied)).toBe(0);
    expect(applied.stdout).toContain("Apply complete! Resources: 2 added, 0 changed, 0 destroyed.");
    expect(applied.stdout).toMatch(/terraform_data\.ldoms-host-t7-a \(local-exec\): .*Apply complete/);
    expect(lab.mutatingCount()).toBeGreaterThan(0);
    expect(existsSync(join(stackDir, "terraform.prod-move.tfstate"))).toBe(true);

    const plan = await tf(["plan", "-detailed-exitcode", "-input=false"]);
    expect(plan.status, showRun(plan)).toBe(0);
    const converged = await ldoms(["plan", "--skip-synth", "--detailed-exitcode"]);
    expect(converged.status, showRun(converged)).toBe(0);

    // Drift on a host: Terraform's state only knows what it ran, ldoms reads the hosts.
    const destroyed = await destroyAllVfsByHand(lab, "t7-b", "/SYS/MB/NET2/IOVNET.PF0");
    expect(destroyed.exitCode, destroyed.stderr).toBe(0);
    const blind = await tf(["plan", "-detailed-exitcode", "-input=false"]);
    expect(blind.status, showRun(blind)).toBe(0);
    const drift = await ldoms(["plan", "--skip-synth", "--detailed-exitcode"]);
    expect(drift.status, showRun(drift)).toBe(2);
  }, 240_000);
});

/**
 * A MigrationGroup driven by Terraform: the stack says nothing about where its domains run, so
 * `terraform apply` converges before and after migrations in either direction, and a change of
 * the stack made while a domain runs on its other host is applied there.
 */
describe("terraform apply on a MigrationGroup, before and after migrations", () => {
  let project: string;
  let stackDir: string;
  let server: RunningLabServer;
  let lab: Lab;
  let env: NodeJS.ProcessEnv;
  const terraform = findTerraform();
  const tf = (args: string[]): Promise<ProcessRun> => runProcess(terraform, [...args, "-no-color"], { cwd: stackDir, env });
  const ldoms = (args: string[], extra: NodeJS.ProcessEnv = {}): Promise<ProcessRun> =>
    runProcess(process.execPath, [join(project, "node_modules", "cdktf-ldoms", "bin", "ldoms.js"), ...args], { cwd: project, env: { ...env, ...extra } });

  beforeAll(async () => {
    project = newProject(work, installed, "group-project");
    // The user's app: two hosts in a group, two mobile domains; EXTRA_VID adds a tagged VLAN to every VF.
    writeFileSync(join(project, "app.js"), `
const { runLdomsApp, LdomsStack, Network, ControlDomain, PhysicalFunction, VirtualSwitch, MigrationGroup, EthernetVf, Vnet, IpmpGroup } = require("cdktf-ldoms");
runLdomsApp((app) => {
  const stack = new LdomsStack(app, "pair", { terraform: "local-exec" });
  const net = new Network(stack, "app-net", { vlan: 100 });
  const hosts = ["t7-a", "t7-b"].map((id) => {
    const host = new ControlDomain(stack, id, { address: id + ".example.net" });
    new PhysicalFunction(host, "app-pf", { pf: "/SYS/MB/NET2/IOVNET.PF0", network: net });
    new VirtualSwitch(host, "primary-vsw0", { network: net });
    return host;
  });
  const group = new MigrationGroup(stack, "pair", { hosts });
  for (const name of ["ldg1", "ldg2"]) {
    const d = group.addDomain(name);
    const vf = new EthernetVf(d, "vf0", { name: name + "-app", network: net, pvid: 100, ...(process.env.EXTRA_VID ? { vid: [Number(process.env.EXTRA_VID)] } : {}) });
    const vnet = new Vnet(d, "vnet0", { vswitch: "primary-vsw0", network: net, pvid: 100 });
    new IpmpGroup(d, "ipmp0", { active: vf, standby: vnet });
  }
});
`);
    writeFileSync(join(project, "cdktf.json"), JSON.stringify({ language: "typescript", app: "node app.js" }));
    lab = Lab.fromDefinition(loadLabDefinitionFile(PAIR_LAB_FILE));
    server = await startLabServer({ lab, stateDir: join(project, "lab") });
    env = terraformEnvironment(project);
    const synth = await ldoms(["synth"]);
    expect(synth.status, showRun(synth)).toBe(0);
    stackDir = join(project, "cdktf.out", "stacks", "pair");
  }, 240_000);

  afterAll(async () => {
    await server?.close();
  });

  /** terraform plan has nothing to do, and the hosts agree (ldoms plan reads them). */
  async function converged(): Promise<void> {
    const plan = await tf(["plan", "-detailed-exitcode", "-input=false"]);
    expect(plan.status, showRun(plan)).toBe(0);
    const hosts = await ldoms(["plan", "--skip-synth", "--detailed-exitcode"]);
    expect(hosts.status, showRun(hosts)).toBe(0);
  }

  const migrate = async (domain: string, to: string) => {
    const run = await ldoms(["migrate", domain, "--to", to, "--skip-synth", "--auto-approve", "--accept-unverified", "--json"]);
    expect(run.status, showRun(run)).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ outcome: "migrated", target: to });
  };

  it("converges, migrates ldg1 there and back, applies a stack change made meanwhile, and converges each time", async () => {
    expect((await tf(["init", "-input=false"])).status).toBe(0);
    const first = await tf(["apply", "-auto-approve", "-input=false"]);
    expect(first.status, showRun(first)).toBe(0);
    expect(first.stdout).toContain("Apply complete! Resources: 2 added, 0 changed, 0 destroyed.");
    await converged();

    await migrate("ldg1", "t7-b");
    const after = await tf(["apply", "-auto-approve", "-input=false"]);
    expect(after.status, showRun(after)).toBe(0);
    await converged();

    // The stack changes while ldg1 runs on t7-b: both hosts' resources are replaced and each
    // host's apply converges its own side (the assigned VF on t7-b, the waiting one on t7-a).
    const resynth = await ldoms(["synth"], { EXTRA_VID: "300" });
    expect(resynth.status, showRun(resynth)).toBe(0);
    const changed = await tf(["apply", "-auto-approve", "-input=false"]);
    expect(changed.status, showRun(changed)).toBe(0);
    expect(changed.stdout).toContain("Apply complete! Resources: 2 added, 0 changed, 2 destroyed.");
    for (const machine of ["t7-a", "t7-b"]) {
      // One record per device: its `|dev=` line, then its property lines.
      const records = (await lab.runLdm(machine, ["list-io", "-l", "-p"])).stdout.split(/\n(?=\|dev=)/);
      const vfs = records.filter((r) => /name=ldg\d-app/.test(r));
      expect(vfs.map((r) => /^\|vid=300$/m.test(r)), machine).toEqual([true, true]);
    }
    await converged();

    await migrate("ldg1", "t7-a");
    const back = await tf(["apply", "-auto-approve", "-input=false"]);
    expect(back.status, showRun(back)).toBe(0);
    await converged();
  }, 300_000);
});
