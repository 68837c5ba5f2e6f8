/**
 * `ldoms provider serve` with the real `terraform`, from a project where the package is
 * installed: Terraform attaches to the served provider through TF_REATTACH_PROVIDERS and starts
 * no provider of its own; apply converges the lab and plan finds nothing to do; a change made by
 * hand between two commands is seen by the second (each command reads the hosts again); the
 * wrapped command's exit code is the serve's; SIGTERM ends a serve without a command cleanly.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runProcess, showRun } from "../support/run-process";
import { destroyAllVfsByHand } from "./by-hand";
import { startExampleProject, type ExampleProject } from "./example-project";
import { findTerraform } from "./installed-package";

interface Serving {
  readonly line: { reattach: string; socket: string; pid: number };
  readonly exit: Promise<number | null>;
  kill(signal: NodeJS.Signals): void;
}

describe("ldoms provider serve: Terraform attaches to one provider process", () => {
  const terraform = findTerraform();
  let example: ExampleProject;
  let stackDir: string;
  const cli = () => example.cli;
  const ldoms = (args: string[], cwd?: string) => example.ldoms(args, cwd);
  const tfArgs = (args: string[]) => [...args, "-input=false", "-no-color"];

  const serving = new Set<ChildProcess>();

  /** `ldoms provider serve --json` in the stack folder, until killed (by afterAll at the latest). */
  function serve(): Promise<Serving> {
    const child = spawn(process.execPath, [cli(), "provider", "serve", "--json"], { cwd: stackDir, env: example.env, stdio: ["ignore", "pipe", "pipe"] });
    serving.add(child);
    child.once("exit", () => serving.delete(child));
    const exit = new Promise<number | null>((done) => child.once("exit", done));
    return new Promise((done, fail) => {
      let out = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("\n")) done({ line: JSON.parse(out.slice(0, out.indexOf("\n"))), exit, kill: (signal) => child.kill(signal) });
      });
      void exit.then((code) => fail(new Error(`ldoms provider serve exited (${code}) before printing how to attach: ${out}`)));
    });
  }

  beforeAll(async () => {
    example = await startExampleProject("ldoms-served-provider-", [dirname(terraform)]);
    const synth = await ldoms(["synth"]);
    expect(synth.status, showRun(synth)).toBe(0);
    stackDir = join(example.project, "cdktf.out", "stacks", "prod-move");
    const install = await ldoms(["provider", "install", "--write-config", "terraform.rc"]);
    expect(install.status, showRun(install)).toBe(0);
    const init = await runProcess(terraform, tfArgs(["init"]), { cwd: stackDir, env: example.env });
    expect(init.status, showRun(init)).toBe(0);
  }, 240_000);

  afterAll(async () => {
    for (const child of serving) child.kill("SIGKILL");
    await example?.close();
  });

  it("runs apply and plan under one served provider, Terraform starting none, and exits with the command's code", async () => {
    const log = join(example.work, "terraform.log");
    const script = `terraform ${tfArgs(["apply", "-auto-approve"]).join(" ")} && terraform ${tfArgs(["plan", "-detailed-exitcode"]).join(" ")}`;
    const run = await runProcess(process.execPath, [cli(), "provider", "serve", "--", "sh", "-c", script], { cwd: stackDir, env: { ...example.env, TF_LOG: "DEBUG", TF_LOG_PATH: log } });
    expect(run.status, showRun(run, log)).toBe(0);
    expect(run.stdout).toContain("Apply complete! Resources: 4 added, 0 changed, 0 destroyed.");
    expect(run.stdout).toContain("No changes. Your infrastructure matches the configuration.");
    const terraformLog = readFileSync(log, "utf8");
    expect(terraformLog).toContain(`Provider registry.terraform.io/cdktf-ldoms/ldoms is overridden as an "unmanaged provider"`);
    expect(terraformLog).not.toContain("provider: starting plugin");

    // From the project folder: the provider resolves ldoms.plan.json from terraform's -chdir, or from --chdir.
    const stackFromProject = "cdktf.out/stacks/prod-move";
    const chdir = await ldoms(["provider", "serve", "--", "terraform", `-chdir=${stackFromProject}`, ...tfArgs(["plan", "-detailed-exitcode"])]);
    expect(chdir.status, showRun(chdir)).toBe(0);
    // Without it the provider looks for the plan document in the project folder.
    const here = await ldoms(["provider", "serve", "--chdir", ".", "--", "terraform", `-chdir=${stackFromProject}`, ...tfArgs(["plan", "-detailed-exitcode"])]);
    expect(here.status, showRun(here)).toBe(1);
    expect(here.stderr).toContain(join(example.project, "ldoms.plan.json"));
    const explicit = await ldoms(["provider", "serve", "--chdir", stackFromProject, "--", "sh", "-c", `cd ${stackFromProject} && terraform ${tfArgs(["plan", "-detailed-exitcode"]).join(" ")}`]);
    expect(explicit.status, showRun(explicit)).toBe(0);
    const nowhere = await ldoms(["provider", "serve", "--chdir", "no/such/stack", "--", "true"]);
    expect(nowhere.status, showRun(nowhere)).toBe(1);
    expect(nowhere.stderr).toContain("--chdir no/such/stack: no such folder");

    const failing = await ldoms(["provider", "serve", "--", "sh", "-c", "exit 3"], stackDir);
    expect(failing.status, showRun(failing)).toBe(3);
    const killed = await ldoms(["provider", "serve", "--", "sh", "-c", "kill -TERM $$"], stackDir);
    expect(killed.status, showRun(killed)).toBe(143);
    const json = await ldoms(["provider", "serve", "--json", "--", "true"], stackDir);
    expect(json.status, showRun(json)).toBe(1);
    expect(json.stderr).toContain("with a command, TF_REATTACH_PROVIDERS is set for it and only its output is printed: drop --json");
    const missing = await ldoms(["provider", "serve", "--", "no-such-command-here"], stackDir);
    expect(missing.status, showRun(missing)).toBe(127);
    expect(missing.stderr).toContain('cannot run "no-such-command-here": not found on PATH');
  }, 240_000);

  it("reads the hosts again for each command it serves, and stops on SIGTERM leaving no socket behind", async () => {
    const served = await serve();
    expect(statSync(dirname(served.line.socket)).mode & 0o777).toBe(0o700);
    const attached = { ...example.env, TF_REATTACH_PROVIDERS: served.line.reattach };
    const tf = (args: string[]) => runProcess(terraform, tfArgs(args), { cwd: stackDir, env: attached });
    const applied = await tf(["apply", "-auto-approve"]);
    expect(applied.status, showRun(applied)).toBe(0);
    const converged = await tf(["plan", "-detailed-exitcode"]);
    expect(converged.status, showRun(converged)).toBe(0);

    const destroyed = await destroyAllVfsByHand(example.lab, "t7-b", "/SYS/MB/NET2/IOVNET.PF0");
    expect(destroyed.exitCode, destroyed.stderr).toBe(0);
    const drift = await tf(["plan", "-detailed-exitcode"]);
    expect(drift.status, showRun(drift)).toBe(2);
    expect(drift.stdout).toContain("# ldoms_vf.t7-b_ldg1-app will be created");
    const repaired = await tf(["apply", "-auto-approve"]);
    expect(repaired.status, showRun(repaired)).toBe(0);
    const again = await tf(["plan", "-detailed-exitcode"]);
    expect(again.status, showRun(again)).toBe(0);

    served.kill("SIGTERM");
    expect(await served.exit).toBe(0);
    expect(existsSync(dirname(served.line.socket))).toBe(false);
  }, 240_000);
});
