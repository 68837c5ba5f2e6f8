/**
 * The provider as Terraform runs it: the real `terraform` binary starts it (go-plugin handshake,
 * automatic mutual TLS, protocol 6), configures it with the example's plan document and the
 * lab's inventory, and reads `data.ldoms_host` from the lab's control domains over SSH.
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
import { findTerraform, mainTf, runTerraform, terraformSetup, writeProviderFiles } from "./support";


describe("terraform with the ldoms provider (data source ldoms_host) against the lab", () => {
  const terraform = findTerraform();
  let work: string;
  let lab: SshLab;
  let env: NodeJS.ProcessEnv;

  /** A root module folder with the plan document, the inventory and a main.tf reading `host`. */
  function project(name: string, host: string): string {
    const dir = join(work, name);
    mkdirSync(dir);
    writeProviderFiles(dir, examplePlan(), lab.inventory.hosts);
    writeFileSync(join(dir, "main.tf"), mainTf(host));
    return dir;
  }

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "ldoms-provider-"));
    lab = await startSshLab();
    // The example's VFs exist once the example is applied; the data source should then list them.
    const applied = await applyHosts(engineHosts(examplePlan(), { inventory: lab.inventory }), { connect: sshConnect({}) });
    expect(applied.hosts.map((h) => [h.id, h.status])).toEqual([["t7-a", "applied"], ["t7-b", "applied"]]);
    env = terraformSetup(work);
  }, 60_000);

  afterAll(async () => {
    await lab?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("plan and apply read t7-a: outputs list ldg1 and the named VF; two data sources of a host share one connection and one read", async () => {
    const dir = project("known", "t7-a");
    const before = structuredClone(lab.server.stats.perHost["t7-a"] ?? { connections: 0, execs: 0 });
    const plan = await runTerraform(terraform, ["plan", "-input=false"], dir, env);
    expect(plan.status, showRun(plan, env["TF_LOG_PATH"])).toBe(0);
    expect(plan.stdout).toContain("Changes to Outputs");
    const after = lab.server.stats.perHost["t7-a"]!;
    expect({ connections: after.connections - before.connections, execs: after.execs - before.execs }).toEqual({ connections: 1, execs: 1 });

    const apply = await runTerraform(terraform, ["apply", "-input=false", "-auto-approve"], dir, env);
    expect(apply.status, showRun(apply, env["TF_LOG_PATH"])).toBe(0);
    const output = await runTerraform(terraform, ["output", "-json"], dir, env);
    expect(output.status, showRun(output)).toBe(0);
    const outputs = JSON.parse(output.stdout) as Record<string, { value: unknown }>;
    expect(outputs["domains"]?.value).toEqual([
      { name: "ldg1", state: "active" },
      { name: "primary", state: "active" },
    ]);
    const vfs = outputs["vfs"]?.value as { name: string | null; pseudonym: string; pf: string; domain: string | null }[];
    expect(vfs.find((v) => v.name === "ldg1-app")).toMatchObject({ pf: "/SYS/MB/NET0/IOVNET.PF0", domain: "ldg1", pseudonym: "/SYS/MB/NET0/IOVNET.PF0.VF0" });
    const pfs = outputs["pfs"]?.value as { pseudonym: string }[];
    expect(pfs.map((p) => p.pseudonym)).toEqual(["/SYS/MB/NET0/IOVNET.PF0"]);
    expect(outputs["same"]?.value).toBe(true);
    // Terraform sent its certificate and the provider answered with its own.
    expect(readFileSync(env["TF_LOG_PATH"]!, "utf8")).toContain("mutual TLS with Terraform's certificate");
  }, 60_000);

  it("a host the plan document does not have: terraform fails with the message ldoms prints", async () => {
    const dir = project("unknown", "t7-z");
    const plan = await runTerraform(terraform, ["plan", "-input=false"], dir, env);
    expect(plan.status, showRun(plan)).not.toBe(0);
    const text = plan.stderr.replace(/\s+/g, " ");
    expect(text).toContain("Error: --host t7-z: no such host in stack prod-move; hosts: t7-a, t7-b");
    expect(text).toContain('data "ldoms_host" "a"');
  }, 60_000);
});
