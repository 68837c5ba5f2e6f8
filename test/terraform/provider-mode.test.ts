/**
 * LdomsStack in its default mode: cdk.tf.json names the ldoms provider and holds one provider
 * resource per declared object, with values in the provider's types.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { afterEach, describe, expect, it } from "vitest";
import { defineMigrationGroupExample } from "../../examples/migration-group/stack";
import { defineSriovMigrationExample } from "../../examples/sriov-migration/stack";
import {
  ControlDomain, EthernetVf, GuestDomain, IpmpGroup, MigrationGroup, Network, PhysicalFunction, SriovMigration, VirtualSwitch, Vnet,
} from "../../src/constructs";
import { ValidationError } from "../../src/model";
import { PROVIDER_ADDRESS } from "../../src/provider/install-layout";
import { hostDigest } from "../../src/synth";
import { LdomsStack } from "../../src/terraform";
import { LDOMS_PROVIDER_SOURCE } from "../../src/terraform/provider-constructs";
import { terraformName } from "../../src/terraform/provider-resources";

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "ldoms-tf-provider-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

type Resources = Record<string, Record<string, Record<string, unknown>>>;
interface TfJson {
  terraform: { required_providers: Record<string, unknown>; backend: unknown };
  provider: Record<string, unknown>;
  resource: Resources;
}

/** Synthesizes `define`'s stack in a new project folder (the app's cwd, as under `ldoms synth`); returns cdk.tf.json's text. */
function synthText(stackName: string, define: (app: App) => void): string {
  const project = tempDir();
  const saved = process.cwd();
  process.chdir(project);
  try {
    const app = new App({ outdir: "cdktf.out" });
    define(app);
    app.synth();
    return readFileSync(join(project, "cdktf.out", "stacks", stackName, "cdk.tf.json"), "utf8");
  } finally {
    process.chdir(saved);
  }
}

/** The resources without cdktf's `//` metadata. */
function resources(tf: TfJson): Resources {
  return Object.fromEntries(Object.entries(tf.resource).map(([type, byName]) => [
    type,
    Object.fromEntries(Object.entries(byName).map(([name, body]) => {
      const { "//": _metadata, ...rest } = body;
      return [name, rest];
    })),
  ]));
}

/** Hosts a, b and c (with nothing declared); g on a, with an opted-in migration to b. */
function migratingStack(app: App): LdomsStack {
  const stack = new LdomsStack(app, "move");
  const net = new Network(stack, "net");
  const a = new ControlDomain(stack, "a", { address: "a" });
  const b = new ControlDomain(stack, "b", { address: "b" });
  new ControlDomain(stack, "c", { address: "c" });
  const g = new GuestDomain(a, "g");
  const vf = new EthernetVf(g, "vf0", { pf: "/SYS/MB/NET0/IOVNET.PF0", name: "g-app", network: net });
  new IpmpGroup(g, "ipmp0", { active: vf, standby: new Vnet(g, "vnet0", { vswitch: "primary-vsw0", network: net }) });
  new SriovMigration(stack, "g-to-b", { domain: g, target: b, targetPf: "/SYS/MB/NET2/IOVNET.PF0", migrate: true });
  // Another domain on each host: the migration does not wait for its resources.
  new EthernetVf(new GuestDomain(a, "other"), "vf0", { pf: "/SYS/MB/NET0/IOVNET.PF0", name: "other-app" });
  new EthernetVf(new GuestDomain(b, "resident"), "vf0", { pf: "/SYS/MB/NET2/IOVNET.PF0", name: "resident-app" });
  return stack;
}

const synth = (stackName: string, define: (app: App) => void): TfJson => JSON.parse(synthText(stackName, define)) as TfJson;

describe("LdomsStack with the ldoms provider (the default)", () => {
  it("names the provider as ldoms provider install installs it, with the plan document beside cdk.tf.json and the pipeline's 30-minute lock wait", () => {
    expect(`registry.terraform.io/${LDOMS_PROVIDER_SOURCE}`).toBe(PROVIDER_ADDRESS);
    const tf = synth("prod-move", (app) => defineSriovMigrationExample(app));
    expect(tf.terraform.required_providers).toEqual({ ldoms: { source: "cdktf-ldoms/ldoms" } });
    expect(tf.terraform.backend).toEqual({ local: { path: "terraform.prod-move.tfstate" } });
    expect(tf.provider).toEqual({ ldoms: [{ plan_document: "ldoms.plan.json", lock_timeout: "30m" }] });
  });

  it("declares the sriov-migration example's VFs, vnet and IPMP group, values in the provider's types", () => {
    const tf = synth("prod-move", (app) => defineSriovMigrationExample(app));
    expect(resources(tf)).toEqual({
      ldoms_vf: {
        "t7-a_ldg1-app": { host: "t7-a", name: "ldg1-app", pf: "/SYS/MB/NET0/IOVNET.PF0", domain: "ldg1", pvid: 100 },
        // The migration's target: the same name, unassigned.
        "t7-b_ldg1-app": { host: "t7-b", name: "ldg1-app", pf: "/SYS/MB/NET2/IOVNET.PF0", pvid: 100 },
      },
      ldoms_vnet: {
        "t7-a_ldg1_vnet0": { host: "t7-a", domain: "ldg1", name: "vnet0", vswitch: "primary-vsw0", pvid: 100 },
      },
      ldoms_ipmp: {
        ldg1_ipmp0: { domain: "ldg1", name: "ipmp0", active_vf: "ldg1-app", standby_vnet: "vnet0", depends_on: ["ldoms_vf.t7-a_ldg1-app", "ldoms_vnet.t7-a_ldg1_vnet0"] },
      },
    });
    // No migration is opted in, so nothing runs a command.
    expect(tf.resource["terraform_data"]).toBeUndefined();
  });

  it("declares the migration-group example's mobile VFs on every host, its vnets and placements once, without a host", () => {
    const tf = synth("prod-pair", (app) => defineMigrationGroupExample(app));
    const vf = (host: string, domain: string) => ({ host, name: `${domain}-app`, pf: "/SYS/MB/NET2/IOVNET.PF0", domain, pvid: 100 });
    const vnet = (domain: string) => ({ domain, name: "vnet0", vswitch: "primary-vsw0", pvid: 100 });
    const ipmp = (domain: string) => ({
      domain, name: "ipmp0", active_vf: `${domain}-app`, standby_vnet: "vnet0",
      depends_on: [`ldoms_vf.t7-a_${domain}-app`, `ldoms_vnet.${domain}_vnet0`, `ldoms_vf.t7-b_${domain}-app`],
    });
    const placement = (domain: string) => ({
      domain,
      depends_on: [`ldoms_vf.t7-a_${domain}-app`, `ldoms_vnet.${domain}_vnet0`, `ldoms_ipmp.${domain}_ipmp0`, `ldoms_vf.t7-b_${domain}-app`],
    });
    expect(resources(tf)).toEqual({
      ldoms_vf: { "t7-a_ldg1-app": vf("t7-a", "ldg1"), "t7-a_ldg2-app": vf("t7-a", "ldg2"), "t7-b_ldg1-app": vf("t7-b", "ldg1"), "t7-b_ldg2-app": vf("t7-b", "ldg2") },
      ldoms_vnet: { ldg1_vnet0: vnet("ldg1"), ldg2_vnet0: vnet("ldg2") },
      ldoms_ipmp: { ldg1_ipmp0: ipmp("ldg1"), ldg2_ipmp0: ipmp("ldg2") },
      ldoms_placement: { ldg1: placement("ldg1"), ldg2: placement("ldg2") },
    });
  });

  it("writes the same bytes from two syntheses in different folders, with no absolute path", () => {
    const first = synthText("prod-pair", (app) => defineMigrationGroupExample(app));
    const second = synthText("prod-pair", (app) => defineMigrationGroupExample(app));
    expect(second).toBe(first);
    expect(first).not.toContain(tmpdir());
    expect(synthText("move", migratingStack)).toBe(synthText("move", migratingStack));
  });

  it("converts every VF and vnet property from ldm syntax", () => {
    const tf = synth("s", (app) => {
      const stack = new LdomsStack(app, "s");
      const net = new Network(stack, "net");
      const g = new GuestDomain(new ControlDomain(stack, "7a", { address: "a" }), "g");
      new EthernetVf(g, "vf0", { pf: "/SYS/MB/NET0/IOVNET.PF0", name: "g-app", network: net, macAddr: "00:14:4f:f8:00:01", altMacAddrs: ["auto", "00:14:4f:f8:00:02"], pvid: 10, vid: [200, 100], mtu: 9000 });
      new Vnet(g, "vnet0", { vswitch: "primary-vsw0", network: net, vid: [300, 301], mtu: 1500 });
    });
    expect(resources(tf)["ldoms_vf"]).toEqual({
      "_7a_g-app": {
        host: "7a", name: "g-app", pf: "/SYS/MB/NET0/IOVNET.PF0", domain: "g",
        mac_addr: "00:14:4f:f8:00:01", alt_mac_addrs: ["auto", "00:14:4f:f8:00:02"], pvid: 10, vid: [200, 100], mtu: 9000,
      },
    });
    expect(resources(tf)["ldoms_vnet"]).toEqual({ "_7a_g_vnet0": { host: "7a", domain: "g", name: "vnet0", vswitch: "primary-vsw0", vid: [300, 301], mtu: 1500 } });
  });

  it("runs an opted-in migration after its domain's resources on the source and its target VF (not the hosts' other domains), again when a host's desired state changes", () => {
    let digests: string[] = [];
    const tf = synth("move", (app) => {
      digests = migratingStack(app).planDocument().hosts.map(hostDigest);
    });
    const migration = tf.resource["terraform_data"]?.["ldoms-migration-g-to-b"] as { depends_on: string[]; triggers_replace: unknown; provisioner: { "local-exec": { command: string } }[] };
    expect(migration.depends_on).toEqual(["ldoms_vf.a_g-app", "ldoms_vnet.a_g_vnet0", "ldoms_ipmp.g_ipmp0", "ldoms_vf.b_g-app"]);
    expect(migration.triggers_replace).toEqual({ migration: "g-to-b", source: digests[0], target: digests[1] });
    expect(migration.provisioner[0]?.["local-exec"].command).toMatch(/^'node' '[^']*bin\/ldoms\.js' 'migrate' 'g-to-b' '--stack' 'move' /);
  });

  it("refuses a VF adopted by pseudonym, with the fix, and writes nothing; local-exec takes it", () => {
    const define = (terraform?: "local-exec") => (app: App) => {
      const stack = new LdomsStack(app, "adopt", terraform ? { terraform } : {});
      const g = new GuestDomain(new ControlDomain(stack, "t7-a", { address: "a" }), "ldg1");
      new EthernetVf(g, "vf0", { vf: "/SYS/MB/NET0/IOVNET.PF0.VF1", name: "ldg1-app" });
    };
    const project = tempDir();
    const app = new App({ outdir: project });
    define()(app);
    expect(() => app.synth()).toThrow(ValidationError);
    expect(() => app.synth()).toThrow([
      'stack adopt cannot be written for the ldoms Terraform provider (LdomsStack terraform: "provider", the default):',
      '  - adopt: VF "ldg1-app" (domain ldg1 on host t7-a) is adopted by its pseudonym (vf: "/SYS/MB/NET0/IOVNET.PF0.VF1"), which ldoms_vf cannot express: ' +
        "it creates a VF on a PF, or takes over one already named so on that PF; once the VF carries its name (ldoms apply with terraform: \"local-exec\" names it), " +
        'declare it with pf: the PF it is on instead of vf, or synthesize this stack with terraform: "local-exec"',
    ].join("\n"));
    expect(existsSync(join(project, "stacks", "adopt"))).toBe(false);
    expect(Object.keys(synth("adopt", define("local-exec")).resource["terraform_data"] ?? {})).toEqual(["ldoms-host-t7-a"]);
  });

  it("refuses a migration target VF adopted by pseudonym and a vnet property the provider does not manage", () => {
    const app = new App({ outdir: tempDir() });
    const stack = new LdomsStack(app, "s");
    const net = new Network(stack, "net");
    const g = new GuestDomain(new ControlDomain(stack, "a", { address: "a" }), "g");
    const b = new ControlDomain(stack, "b", { address: "b" });
    const vf = new EthernetVf(g, "vf0", { pf: "/SYS/MB/NET0/IOVNET.PF0", name: "g-app", network: net });
    new IpmpGroup(g, "ipmp0", { active: vf, standby: new Vnet(g, "vnet0", { vswitch: "primary-vsw0", network: net, linkprop: "phys-state" }) });
    new SriovMigration(stack, "g-to-b", { domain: g, target: b, targetVf: "/SYS/MB/NET2/IOVNET.PF0.VF3" });
    let error: unknown;
    try {
      app.synth();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems).toEqual([
      's: vnet "vnet0" of domain g on host a sets linkprop, which ldoms_vnet does not manage (it sets vswitch, pvid, vid and mtu); remove linkprop from the Vnet, or synthesize this stack with terraform: "local-exec"',
      expect.stringMatching(/^s: VF "g-app" \(unassigned on host b\) is adopted by its pseudonym \(vf: "\/SYS\/MB\/NET2\/IOVNET\.PF0\.VF3"\), which ldoms_vf cannot express: .* or synthesize this stack with terraform: "local-exec"$/),
    ]);
  });

  it("says a mobile domain's problem once, though every host of its group declares the domain", () => {
    const app = new App({ outdir: tempDir() });
    const stack = new LdomsStack(app, "pair");
    const net = new Network(stack, "net", { vlan: 100 });
    const hosts = ["t7-a", "t7-b"].map((id) => {
      const host = new ControlDomain(stack, id, { address: id });
      new PhysicalFunction(host, "pf", { pf: "/SYS/MB/NET2/IOVNET.PF0", network: net });
      new VirtualSwitch(host, "primary-vsw0", { network: net });
      return host;
    });
    const domain = new MigrationGroup(stack, "pair", { hosts }).addDomain("ldg1");
    const vf = new EthernetVf(domain, "vf0", { name: "ldg1-app", network: net, pvid: 100 });
    new IpmpGroup(domain, "ipmp0", { active: vf, standby: new Vnet(domain, "vnet0", { vswitch: "primary-vsw0", network: net, pvid: 100, linkprop: "phys-state" }) });
    expect(() => app.synth()).toThrow([
      'stack pair cannot be written for the ldoms Terraform provider (LdomsStack terraform: "provider", the default):',
      '  - pair: vnet "vnet0" of mobile domain ldg1 sets linkprop, which ldoms_vnet does not manage (it sets vswitch, pvid, vid and mtu); remove linkprop from the Vnet, or synthesize this stack with terraform: "local-exec"',
    ].join("\n"));
  });

  it("refuses two objects whose identities give one Terraform name, naming both, before writing", () => {
    const out = tempDir();
    const app = new App({ outdir: out });
    const stack = new LdomsStack(app, "s");
    const net = new Network(stack, "net");
    const host = new ControlDomain(stack, "t7-a", { address: "a" });
    new EthernetVf(new GuestDomain(host, "g1"), "vf0", { pf: "/SYS/MB/NET0/IOVNET.PF0", name: "app.1", network: net });
    new EthernetVf(new GuestDomain(host, "g2"), "vf0", { pf: "/SYS/MB/NET0/IOVNET.PF0", name: "app1", network: net });
    expect(() => app.synth()).toThrow([
      "stack s cannot be written for Terraform:",
      '  - s: VF "app.1" on host t7-a and VF "app1" on host t7-a become the same Terraform resource ldoms_vf.t7-a_app1 (Terraform names drop . + :, and _ joins the parts of an identity); rename one',
    ].join("\n"));
    expect(readdirSync(out, { recursive: true })).toEqual(["stacks"]);
  });

  it("refuses a mode it does not know, where it is written", () => {
    const app = new App({ outdir: tempDir() });
    expect(() => new LdomsStack(app, "s", { terraform: "exec" as "provider" })).toThrow(
      's: terraform "exec" is not a Terraform mode; use "provider" (the default: the ldoms provider\'s resources) or "local-exec" (terraform_data running ldoms apply per host)',
    );
  });

  it("makes Terraform names of identities: dropped characters, _ between parts, never a leading digit", () => {
    expect(terraformName("t7-a", "ldg1-app")).toBe("t7-a_ldg1-app");
    expect(terraformName("t7.a", "x:y+z")).toBe("t7a_xyz");
    expect(terraformName("7a", "g")).toBe("_7a_g");
  });
});
