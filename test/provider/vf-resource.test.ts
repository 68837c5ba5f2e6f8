/**
 * Resource `ldoms_vf` as Terraform runs it against the lab over SSH: plan and apply create VFs,
 * a converged plan is empty, an out-of-band change (pvid, mac_addr) shows as that resource's
 * in-place diff and apply repairs it (with lock_timeout, after waiting for another run's lock to
 * be released), a VF the example created is imported, and changes the engine refuses (mtu
 * of a VF of a running domain, destroying an assigned VF or one not last on its PF) stop the plan
 * with the fix; a VF destroyed by hand leaves the state and is planned again; the last VF of a PF
 * is destroyed with ldm destroy-vf.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyHosts, engineHosts } from "../../src/engine";
import { sshConnect } from "../../src/cli/engine-input";
import { LabExecutor } from "../../src/lab-serving/executor";
import { examplePlan } from "../../test-kit/example-plan";
import { startSshLab, type SshLab } from "../engine/support/ssh-lab";
import { showRun } from "../support/run-process";
import { findTerraform, providerTf, runTerraform, terraformSetup, writeProviderFiles } from "./support";


const NET2 = "/SYS/MB/NET2/IOVNET.PF0";
const NET0 = "/SYS/MB/NET0/IOVNET.PF0";
const MAC = "00:14:4f:fa:00:01";

/** Two VFs on t7-b: one with VLANs set, one with nothing but its name and MAC address. */
const spares = [
  'resource "ldoms_vf" "spare" {',
  '  host = "t7-b"',
  '  name = "spare-app"',
  `  pf   = ${JSON.stringify(NET2)}`,
  "  pvid = 200",
  "  vid  = [310, 311]",
  "}",
  "",
  'resource "ldoms_vf" "plain" {',
  '  host = "t7-b"',
  '  name = "spare-db"',
  `  pf   = ${JSON.stringify(NET2)}`,
  `  mac_addr = ${JSON.stringify(MAC)}`,
  "}",
  "",
  'output "spare" { value = ldoms_vf.spare.pseudonym }',
  "",
].join("\n");

/** The VF the example plan created on t7-a, assigned to the running ldg1. */
const imported = (extra = "") =>
  ['resource "ldoms_vf" "x" {', '  host   = "t7-a"', '  name   = "ldg1-app"', `  pf     = ${JSON.stringify(NET0)}`, '  domain = "ldg1"', "  pvid   = 100", extra, "}", ""].join("\n");

describe("terraform with the ldoms provider: resource ldoms_vf against the lab", () => {
  const terraform = findTerraform();
  let work: string;
  let dir: string;
  let lab: SshLab;
  let env: NodeJS.ProcessEnv;
  const tf = (...args: string[]) => runTerraform(terraform, args, dir, env);
  const writeMain = (...parts: string[]) => writeFileSync(join(dir, "main.tf"), [providerTf(), ...parts].join("\n"));
  const listIo = async (host: string) => (await lab.lab.runLdm(host, ["list-io", "-l", "-p"])).stdout;
  /** The parseable record of a VF (its line and the property lines under it). */
  const vfRecord = (listing: string, name: string) => listing.split(/\n(?=\|dev=)/).find((r) => r.includes(`|name=${name}`)) ?? "";
  const outputs = () => Object.fromEntries(Object.entries((JSON.parse(readFileSync(join(dir, "terraform.tfstate"), "utf8")) as { outputs: Record<string, { value: unknown }> }).outputs).map(([k, v]) => [k, v.value]));
  /** The stored attributes of resources by name. */
  const attributesOf = (...names: string[]) => {
    const state = JSON.parse(readFileSync(join(dir, "terraform.tfstate"), "utf8")) as { resources: { name: string; instances: { attributes: Record<string, unknown> }[] }[] };
    return Object.fromEntries(names.map((n) => [n, state.resources.find((r) => r.name === n)?.instances[0]?.attributes ?? {}]));
  };
  const hostStats = (host: string) => structuredClone(lab.server.stats.perHost[host] ?? { connections: 0, execs: 0 });

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "ldoms-provider-vf-"));
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

  it("plan shows two VFs to create, apply creates them on t7-b, and the next plan is empty from one read of t7-b", async () => {
    writeMain(spares);
    const plan = await tf("plan", "-input=false");
    expect(plan.status, showRun(plan, env["TF_LOG_PATH"])).toBe(0);
    expect(plan.stdout).toContain("# ldoms_vf.spare will be created");
    expect(plan.stdout).toContain("# ldoms_vf.plain will be created");
    expect(plan.stdout).toMatch(/pseudonym\s+= \(known after apply\)/);
    expect(plan.stdout).toMatch(/id\s+= "t7-b\/spare-app"/);
    expect(plan.stdout).toContain("Plan: 2 to add, 0 to change, 0 to destroy.");
    expect(vfRecord(await listIo("t7-b"), "spare-app")).toBe("");

    const apply = await tf("apply", "-input=false", "-auto-approve");
    expect(apply.status, showRun(apply, env["TF_LOG_PATH"])).toBe(0);
    expect(apply.stdout).toContain("Apply complete! Resources: 2 added, 0 changed, 0 destroyed.");
    const listing = await listIo("t7-b");
    const spare = vfRecord(listing, "spare-app");
    expect(spare).toContain("|pvid=200");
    expect(spare).toContain("|vid=310,311");
    expect(spare).toContain("|domain=|");
    expect(vfRecord(listing, "spare-db")).toContain(`alias=${NET2}.VF`);
    expect(vfRecord(listing, "spare-db")).toContain(`|mac-addr=${MAC}`);
    expect(outputs()["spare"]).toBe(spare.match(/alias=([^|]+)/)?.[1]);

    const before = hostStats("t7-b");
    const again = await tf("plan", "-input=false", "-detailed-exitcode");
    expect(again.status, showRun(again)).toBe(0);
    expect(again.stdout).toContain("No changes.");
    const after = hostStats("t7-b");
    expect({ connections: after.connections - before.connections, execs: after.execs - before.execs }).toEqual({ connections: 1, execs: 1 });
  }, 90_000);

  it("a pvid changed on the host shows as that resource's in-place diff, and apply sets it back", async () => {
    const pseudonym = outputs()["spare"] as string;
    expect(await lab.lab.runLdm("t7-b", ["set-io", "pvid=300", pseudonym])).toMatchObject({ exitCode: 0 });
    const plan = await tf("plan", "-input=false", "-detailed-exitcode");
    expect(plan.status, showRun(plan)).toBe(2);
    expect(plan.stdout).toContain("# ldoms_vf.spare will be updated in-place");
    expect(plan.stdout).toMatch(/~ pvid\s+= 300 -> 200/);
    expect(plan.stdout).not.toContain("ldoms_vf.plain will");
    expect(plan.stdout).toContain("Plan: 0 to add, 1 to change, 0 to destroy.");

    const apply = await tf("apply", "-input=false", "-auto-approve");
    expect(apply.status, showRun(apply, env["TF_LOG_PATH"])).toBe(0);
    expect(apply.stdout).toContain("Apply complete! Resources: 0 added, 1 changed, 0 destroyed.");
    // Converged again: the import test's plan (which has this VF too) shows no changes.
    expect(vfRecord(await listIo("t7-b"), "spare-app")).toContain("|pvid=200");
  }, 90_000);

  it("mac_addr changed by hand is that resource's in-place diff; with lock_timeout, apply waits for another run's lock on t7-b and repairs it once released", async () => {
    const pseudonym = attributesOf("plain")["plain"]!["pseudonym"] as string;
    expect(await lab.lab.runLdm("t7-b", ["set-io", "mac-addr=00:14:4f:fa:00:99", pseudonym])).toMatchObject({ exitCode: 0 });
    const plan = await tf("plan", "-input=false", "-detailed-exitcode");
    expect(plan.status, showRun(plan)).toBe(2);
    expect(plan.stdout).toContain("# ldoms_vf.plain will be updated in-place");
    expect(plan.stdout).toMatch(new RegExp(`~ mac_addr\\s+= "00:14:4f:fa:00:99" -> "${MAC}"`));
    expect(plan.stdout).not.toContain("ldoms_vf.spare will");
    expect(plan.stdout).toContain("Plan: 0 to add, 1 to change, 0 to destroy.");

    writeFileSync(join(dir, "main.tf"), [providerTf().replace('  inventory     = "inventory.json"\n', '  inventory     = "inventory.json"\n  lock_timeout  = "60s"\n'), spares].join("\n"));
    const shell = new LabExecutor(lab.lab, "t7-b");
    await shell.exec("mkdir /var/tmp/ldoms.lock && printf 'id=%s\\nowner=%s\\npid=%s\\ntime=%s\\noperation=%s\\n' 0123456789abcdef ci@runner 4242 2026-01-01T00:00:00.000Z 'ldoms apply' > /var/tmp/ldoms.lock/info");
    const mutations = lab.lab.mutatingCount("t7-b");
    const execs = hostStats("t7-b").execs;
    try {
      const applying = tf("apply", "-input=false", "-auto-approve");
      // The refresh is one read; two more execs on t7-b are attempts to take the lock, refused while it is held.
      const deadline = Date.now() + 60_000;
      while (hostStats("t7-b").execs < execs + 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(hostStats("t7-b").execs).toBeGreaterThanOrEqual(execs + 3);
      expect(lab.lab.mutatingCount("t7-b")).toBe(mutations);
      await shell.exec("rm -rf /var/tmp/ldoms.lock");
      const apply = await applying;
      expect(apply.status, showRun(apply, env["TF_LOG_PATH"])).toBe(0);
      expect(apply.stdout).toContain("Apply complete! Resources: 0 added, 1 changed, 0 destroyed.");
      expect(vfRecord(await listIo("t7-b"), "spare-db")).toContain(`|mac-addr=${MAC}`);
    } finally {
      await shell.exec("rm -rf /var/tmp/ldoms.lock");
    }
  }, 150_000);

  it("terraform import of the example's VF t7-a/ldg1-app, then a plan with no changes", async () => {
    writeMain(spares, imported());
    const imports = await tf("import", "-input=false", "ldoms_vf.x", "t7-a/ldg1-app");
    expect(imports.status, showRun(imports, env["TF_LOG_PATH"])).toBe(0);
    expect(imports.stdout).toContain("Import successful!");
    expect(attributesOf("x")["x"]).toEqual({
      host: "t7-a",
      name: "ldg1-app",
      pf: NET0,
      domain: "ldg1",
      pvid: 100,
      vid: [],
      mtu: 1500,
      mac_addr: expect.stringMatching(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/),
      alt_mac_addrs: [],
      pseudonym: `${NET0}.VF0`,
      id: "t7-a/ldg1-app",
    });
    const plan = await tf("plan", "-input=false", "-detailed-exitcode");
    expect(plan.status, showRun(plan)).toBe(0);
    expect(plan.stdout).toContain("No changes.");
  }, 90_000);

  it("mtu of a VF assigned to the running ldg1 is refused at plan time with the fix, and nothing on t7-a changes", async () => {
    const mutations = lab.lab.mutatingCount("t7-a");
    writeMain(spares, imported("  mtu    = 9000"));
    const plan = await tf("plan", "-input=false");
    expect(plan.status, showRun(plan)).toBe(1);
    const text = plan.stderr.replace(/\s+/g, " ");
    expect(text).toContain('Error: VF "ldg1-app" on t7-a: apply would fail as the host is now');
    expect(text).toContain("ldm refuses it while domain ldg1 is active");
    expect(text).toContain("stop it (ldm stop-domain ldg1), run terraform apply again, then start it (ldm start-domain ldg1)");
    expect(text).toContain("allow_disruptive = true in the provider block is the opt-in for disruptive changes ldm accepts; ldm refuses this change while the domain runs");
    expect(text).toContain("mtu = 9000");
    expect(lab.lab.mutatingCount("t7-a")).toBe(mutations);
  }, 90_000);

  it("destroying an assigned VF, or one created before another on its PF, is refused at plan time with the fix", async () => {
    writeMain(spares, imported());
    const plan = await tf("plan", "-input=false", "-destroy");
    expect(plan.status, showRun(plan)).toBe(1);
    const text = plan.stderr.replace(/\s+/g, " ");
    expect(text).toContain('Error: VF "ldg1-app" on t7-a cannot be destroyed as the host is now, so nothing will be changed');
    expect(text).toContain("is assigned to domain ldg1: remove it from the domain first (ldm remove-io /SYS/MB/NET0/IOVNET.PF0.VF0 ldg1)");
    // spare-app and spare-db share t7-b's PF: only the one created last can go.
    expect(text).toContain(`ldm destroys only the last VF created on a PF, and on ${NET2} that is`);
    expect(text).toContain("lifecycle { destroy = false }");
  }, 90_000);

  it("a VF destroyed by hand leaves the state at the next refresh: plan creates it again", async () => {
    // ldm destroys only the last VF created on a PF: the t7-b VF with the highest number.
    const [last] = Object.entries(attributesOf("spare", "plain"))
      .map(([name, a]) => [name, a["pseudonym"] as string] as const)
      .sort(([, a], [, b]) => b.localeCompare(a));
    expect(await lab.lab.runLdm("t7-b", ["destroy-vf", last![1]])).toMatchObject({ exitCode: 0 });
    const plan = await tf("plan", "-input=false", "-detailed-exitcode");
    expect(plan.status, showRun(plan)).toBe(2);
    expect(plan.stdout).toContain(`# ldoms_vf.${last![0]} will be created`);
    expect(plan.stdout).toContain("Plan: 1 to add, 0 to change, 0 to destroy.");
  }, 90_000);

  it("destroying the last VF created on its PF, unassigned: terraform runs ldm destroy-vf, and the next plan is empty", async () => {
    writeMain(spares, imported());
    const repaired = await tf("apply", "-input=false", "-auto-approve");
    expect(repaired.status, showRun(repaired)).toBe(0);
    const [last] = Object.entries(attributesOf("spare", "plain"))
      .map(([name, a]) => [name, a["name"] as string, a["pseudonym"] as string] as const)
      .sort(([, , a], [, , b]) => b.localeCompare(a));
    // The configuration without it, and without the output (it may name the one destroyed).
    const withoutLast = spares.replace(new RegExp(`resource "ldoms_vf" "${last![0]}" \\{[^}]*\\}`), "").replace(/output "spare".*\n/, "");
    expect(withoutLast).not.toContain(`"${last![0]}"`);
    writeMain(withoutLast, imported());
    const destroy = await tf("apply", "-input=false", "-auto-approve");
    expect(destroy.status, showRun(destroy, env["TF_LOG_PATH"])).toBe(0);
    expect(destroy.stdout).toContain(`ldoms_vf.${last![0]}: Destruction complete`);
    expect(destroy.stdout).toContain("Resources: 0 added, 0 changed, 1 destroyed.");
    expect(vfRecord(await listIo("t7-b"), last![1])).toBe("");
    const plan = await tf("plan", "-input=false", "-detailed-exitcode");
    expect(plan.status, showRun(plan)).toBe(0);
  }, 90_000);
});
