import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { App, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { afterEach, describe, expect, it } from "vitest";
import { defineSriovMigrationExample } from "../../examples/sriov-migration/stack";
import { ControlDomain, EthernetVf, GuestDomain, IpmpGroup, Network, SriovMigration, Vnet } from "../../src/constructs";
import { ValidationError } from "../../src/model";
import { hostDigest } from "../../src/synth";
import { LdomsStack } from "../../src/terraform";

const REPO = resolve(__dirname, "../..");
const dirs: string[] = [];
function outdir(): string {
  const dir = mkdtempSync(join(tmpdir(), "ldoms-tf-"));
  dirs.push(dir);
  return dir;
}

/** Runs `build` with a new temporary folder as the project folder (the app's cwd, as under `ldoms synth`). */
function inProject<T>(build: (project: string) => T): T {
  const project = outdir();
  const saved = process.cwd();
  process.chdir(project);
  try {
    return build(project);
  } finally {
    process.chdir(saved);
  }
}

/** The local-exec provisioner synthesis writes for a stack of `project`: node runs this package's bin script there. */
function localExec(project: string, ...args: string[]): { "local-exec": { command: string; working_dir: string } } {
  const bin = relative(project, join(REPO, "bin", "ldoms.js"));
  return { "local-exec": { command: ["node", bin, ...args].map((word) => `'${word}'`).join(" "), working_dir: "../../.." } };
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

interface TfJson {
  terraform: { backend: { local: { path: string } } };
  resource: { terraform_data: Record<string, { provisioner: { "local-exec": { command: string; working_dir: string } }[]; triggers_replace: Record<string, string>; depends_on?: string[] }> };
}

/** The sriov-migration example synthesized with Terraform running `ldoms apply` per host (local-exec). */
function synthExample(customize?: (stack: LdomsStack) => void): { dir: string; tf: TfJson; stack: LdomsStack; project: string } {
  return inProject((project) => {
    const app = new App({ outdir: "cdktf.out" });
    const stack = defineSriovMigrationExample(app, { terraform: "local-exec" });
    customize?.(stack);
    app.synth();
    const dir = join(project, "cdktf.out", "stacks", "prod-move");
    return { dir, tf: JSON.parse(readFileSync(join(dir, "cdk.tf.json"), "utf8")) as TfJson, stack, project };
  });
}

/** Every string value in a JSON value. */
function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === "object") return Object.values(value).flatMap(strings);
  return [];
}

describe("LdomsStack with terraform: \"local-exec\"", () => {
  it("writes cdk.tf.json, the plan document and one script per host", () => {
    const { dir } = synthExample();
    expect(readdirSync(dir).sort()).toEqual(["cdk.tf.json", "ldoms.plan.json", "scripts"]);
    expect(readdirSync(join(dir, "scripts")).filter((f) => !f.startsWith("guest-")).sort()).toEqual(["t7-a.sh", "t7-b.sh"]);
  });

  it("declares a terraform_data per control domain running ldoms apply for it, with a relative state file", () => {
    const { tf, stack, project } = synthExample();
    expect(tf.terraform.backend.local.path).toBe("terraform.prod-move.tfstate");
    const resources = tf.resource.terraform_data;
    expect(Object.keys(resources).sort()).toEqual(["ldoms-host-t7-a", "ldoms-host-t7-b"]);
    expect(resources["ldoms-host-t7-a"]?.provisioner).toEqual([
      localExec(project, "apply", "--stack", "prod-move", "--host", "t7-a", "--plan-document", "cdktf.out/stacks/prod-move/ldoms.plan.json", "--lock-timeout", "1800000", "--auto-approve"),
    ]);
    const plan = stack.planDocument();
    expect(resources["ldoms-host-t7-b"]?.triggers_replace).toEqual({ host: "t7-b", desired: hostDigest(plan.hosts[1]!) });
  });

  it("single-quotes every word of every local-exec command", () => {
    const { tf } = synthExample((stack) => {
      const [, target] = stack.node.findAll().filter((c): c is ControlDomain => c instanceof ControlDomain);
      const g = new GuestDomain(target!, "g2");
      const net = new Network(stack, "net2");
      const vf = new EthernetVf(g, "vf0", { pf: "/SYS/MB/NET0/IOVNET.PF1", name: "g2-app", network: net });
      new IpmpGroup(g, "ipmp0", { active: vf, standby: new Vnet(g, "vnet0", { vswitch: "primary-vsw0", network: net }) });
      const [source] = stack.node.findAll().filter((c): c is ControlDomain => c instanceof ControlDomain);
      new SriovMigration(stack, "g2-to-a", { domain: g, target: source!, targetPf: "/SYS/MB/NET2/IOVNET.PF1", migrate: true });
    });
    const commands = Object.values(tf.resource.terraform_data).flatMap((r) => r.provisioner.map((p) => p["local-exec"].command));
    expect(commands).toHaveLength(3);
    for (const command of commands) expect(command).toMatch(/^'[^']*'( '[^']*')*$/);
  });

  it("has no absolute path in cdk.tf.json", () => {
    const { tf, project } = synthExample();
    const text = JSON.stringify(tf);
    expect(text).not.toContain(project);
    expect(text).not.toContain(tmpdir());
    expect(strings(tf).filter((s) => s.startsWith("/") || /^[A-Za-z]:\\/.test(s))).toEqual([]);
  });

  it("changes a host's trigger when its desired state changes, not when its address does", () => {
    const triggerOf = (address: string, mtu?: number): string => {
      const out = outdir();
      const app = new App({ outdir: out });
      const stack = new LdomsStack(app, "prod-move", { terraform: "local-exec" });
      const net = new Network(stack, "app-net", { vlan: 100 });
      const a = new ControlDomain(stack, "t7-a", { address, user: "ldmops" });
      const b = new ControlDomain(stack, "t7-b", { address: "t7-b.example.net", user: "ldmops" });
      const ldg1 = new GuestDomain(a, "ldg1");
      const vf = new EthernetVf(ldg1, "vf0", { pf: "/SYS/MB/NET0/IOVNET.PF0", name: "ldg1-app", network: net, pvid: 100, ...(mtu ? { mtu } : {}) });
      new IpmpGroup(ldg1, "ipmp0", { active: vf, standby: new Vnet(ldg1, "vnet0", { vswitch: "primary-vsw0", network: net, pvid: 100 }) });
      new SriovMigration(stack, "ldg1-to-b", { domain: ldg1, target: b, targetPf: "/SYS/MB/NET2/IOVNET.PF0" });
      app.synth();
      const tf = JSON.parse(readFileSync(join(out, "stacks/prod-move/cdk.tf.json"), "utf8")) as TfJson;
      return tf.resource.terraform_data["ldoms-host-t7-a"]?.triggers_replace["desired"] as string;
    };
    const base = triggerOf("t7-a.example.net");
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(triggerOf("192.0.2.10")).toBe(base);
    expect(triggerOf("t7-a.example.net", 9000)).not.toBe(base);
  });

  it("runs an opted-in migration after both hosts", () => inProject((project) => {
    const out = join(project, "build");
    const app = new App({ outdir: out });
    const stack = new LdomsStack(app, "move", { terraform: "local-exec" });
    const net = new Network(stack, "net");
    const a = new ControlDomain(stack, "a", { address: "a" });
    const b = new ControlDomain(stack, "b", { address: "b" });
    const g = new GuestDomain(a, "g");
    const vf = new EthernetVf(g, "vf0", { pf: "/SYS/MB/NET0/IOVNET.PF0", name: "g-app", network: net });
    new IpmpGroup(g, "ipmp0", { active: vf, standby: new Vnet(g, "vnet0", { vswitch: "primary-vsw0", network: net }) });
    new SriovMigration(stack, "g-to-b", { domain: g, target: b, targetPf: "/SYS/MB/NET2/IOVNET.PF0", migrate: true });
    app.synth();
    const tf = JSON.parse(readFileSync(join(out, "stacks/move/cdk.tf.json"), "utf8")) as TfJson;
    const migration = tf.resource.terraform_data["ldoms-migration-g-to-b"];
    expect(migration?.provisioner).toEqual([localExec(project, "migrate", "g-to-b", "--stack", "move", "--plan-document", "build/stacks/move/ldoms.plan.json", "--lock-timeout", "1800000", "--auto-approve")]);
    expect(migration?.depends_on).toEqual(["terraform_data.ldoms-host-a", "terraform_data.ldoms-host-b"]);
  }));

  it("orders opted-in migrations that share a host, so a pipeline never runs them at once", () => inProject((project) => {
    const out = join(project, "build");
    const app = new App({ outdir: out });
    const stack = new LdomsStack(app, "move", { terraform: "local-exec" });
    const net = new Network(stack, "net");
    const a = new ControlDomain(stack, "a", { address: "a" });
    const b = new ControlDomain(stack, "b", { address: "b" });
    const c = new ControlDomain(stack, "c", { address: "c" });
    for (const [name, target] of [["g1", b], ["g2", b], ["g3", c]] as const) {
      const g = new GuestDomain(name === "g3" ? c : a, name);
      const vf = new EthernetVf(g, "vf0", { pf: "/SYS/MB/NET0/IOVNET.PF0", name: `${name}-app`, network: net });
      new IpmpGroup(g, "ipmp0", { active: vf, standby: new Vnet(g, "vnet0", { vswitch: "primary-vsw0", network: net }) });
      new SriovMigration(stack, `${name}-move`, { domain: g, target: target === c ? a : target, targetPf: "/SYS/MB/NET2/IOVNET.PF0", migrate: true });
    }
    app.synth();
    const tf = JSON.parse(readFileSync(join(out, "stacks/move/cdk.tf.json"), "utf8")) as TfJson;
    const dependsOn = (id: string) => tf.resource.terraform_data[`ldoms-migration-${id}`]?.depends_on;
    expect(dependsOn("g1-move")).toEqual(["terraform_data.ldoms-host-a", "terraform_data.ldoms-host-b"]);
    // g2 shares a and b with g1; g3 (c -> a) shares a with g2, the last one on a.
    expect(dependsOn("g2-move")).toEqual(["terraform_data.ldoms-host-a", "terraform_data.ldoms-host-b", "terraform_data.ldoms-migration-g1-move"]);
    expect(dependsOn("g3-move")).toEqual(["terraform_data.ldoms-host-c", "terraform_data.ldoms-host-a", "terraform_data.ldoms-migration-g2-move"]);
  }));

  it("refuses a stack id that would be shell text or a path, where it is written", () => {
    const rule = "use 1-64 characters: letters, digits and - _ + . : (starting with a letter or digit)";
    const app = new App({ outdir: outdir() });
    expect(() => new LdomsStack(app, "prod;touch pwned;")).toThrow(ValidationError);
    expect(() => new LdomsStack(app, "move;touch pwned;"))
      .toThrow(`move;touch pwned;: id "move;touch pwned;" contains ";", which is not allowed in LDoms names here; ${rule}`);
    expect(() => new LdomsStack(app, "prod move")).toThrow('prod move: id "prod move" contains " "');
    expect(() => new LdomsStack(app, "..")).toThrow('..: id ".." is not a valid LDoms name');
  });

  it("refuses ids that Terraform would merge into one resource name, before writing", () => {
    const out = outdir();
    const app = new App({ outdir: out });
    const stack = new LdomsStack(app, "s", { terraform: "local-exec" });
    new ControlDomain(stack, "t7.a", { address: "a" });
    new ControlDomain(stack, "t7a", { address: "b" });
    new ControlDomain(stack, "t7:b", { address: "c" });
    new ControlDomain(stack, "t7+b", { address: "d" });
    new ControlDomain(stack, "t7-c", { address: "e" });
    expect(() => app.synth()).toThrow([
      "stack s cannot be written for Terraform:",
      '  - s: host id "t7+b" and host id "t7:b" become the same Terraform resource name "ldoms-host-t7b" (Terraform names drop . + :); rename one',
      '  - s: host id "t7.a" and host id "t7a" become the same Terraform resource name "ldoms-host-t7a" (Terraform names drop . + :); rename one',
    ].join("\n"));
    expect(readdirSync(out, { recursive: true })).toEqual(["stacks"]);
  });

  it("stops on a configuration error before writing the stack", () => {
    const out = outdir();
    const app = new App({ outdir: out });
    const stack = new LdomsStack(app, "broken");
    const a = new ControlDomain(stack, "a", { address: "a" });
    new EthernetVf(new GuestDomain(a, "g"), "vf0", { pf: "/SYS/MB/NET0/IOVNET.PF0" });
    expect(() => app.synth()).toThrow(ValidationError);
    expect(() => app.synth()).toThrow('broken/a/g/vf0: VF has no user-assigned name');
    expect(existsSync(join(out, "stacks", "broken"))).toBe(false);
  });

  it("writes no stack when a construct outside the LDoms stacks is invalid", () => {
    const out = outdir();
    const app = new App({ outdir: out });
    defineSriovMigrationExample(app);
    const other = new TerraformStack(app, "other");
    new Construct(other, "custom").node.addValidation({ validate: () => ["custom rule broken"] });
    new Construct(app, "loose").node.addValidation({ validate: () => ["loose rule broken"] });
    expect(() => app.synth()).toThrow(
      "the app has 2 validation errors outside its LDoms stacks; nothing was written:\n  - other/custom: custom rule broken\n  - loose: loose rule broken",
    );
    // cdktf makes the empty output folders when the App is created; no file is written.
    expect(readdirSync(out, { recursive: true })).toEqual(["stacks"]);
  });

  it("reports the validations of other constructs of the stack with the LDoms rules", () => {
    const out = outdir();
    const app = new App({ outdir: out });
    const stack = defineSriovMigrationExample(app);
    new Construct(stack, "custom").node.addValidation({ validate: () => ["custom rule broken"] });
    expect(() => app.synth()).toThrow("the LDoms configuration of prod-move has 1 problem:\n  - prod-move/custom: custom rule broken");
  });

  it("synthesizes without a terraform binary on PATH", () => {
    const saved = process.env["PATH"];
    process.env["PATH"] = "/nonexistent";
    try {
      const { dir } = synthExample();
      expect(existsSync(join(dir, "cdk.tf.json"))).toBe(true);
    } finally {
      process.env["PATH"] = saved;
    }
  });
});
