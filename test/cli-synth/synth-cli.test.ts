import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ValidationError } from "../../src/model";
import { synthesizeApp } from "../../src/cli/synth-app";

const repo = resolve(__dirname, "../..");
const tsx = join(repo, "node_modules/tsx/dist/cli.mjs");
const dirs: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function ldoms(args: string[], cwd: string) {
  return spawnSync(process.execPath, [tsx, join(__dirname, "ldoms-cli.ts"), ...args], { cwd, encoding: "utf8" });
}

/** Every file under `dir` with its bytes. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (sub: string) => {
    for (const entry of readdirSync(join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      else files[rel] = readFileSync(join(dir, rel), "utf8");
    }
  };
  walk("");
  return files;
}

/** A project whose cdktf.json runs `source` (TypeScript importing the package from this repo). */
function project(source: string): string {
  const dir = tempDir("ldoms-project-");
  writeFileSync(join(dir, "main.ts"), source.replace(/@src/g, join(repo, "src")));
  writeFileSync(join(dir, "cdktf.json"), JSON.stringify({ language: "typescript", app: `"${process.execPath}" "${tsx}" main.ts` }));
  return dir;
}

describe("ldoms synth", () => {
  it("writes cdk.tf.json, ldoms.plan.json and the scripts, and the same bytes twice", () => {
    const out = join(tempDir("ldoms-out-"), "cdktf.out");
    const first = ldoms(["synth", "--output", out], repo);
    expect(first.stderr).toBe("");
    expect(first.status).toBe(0);
    expect(first.stdout).toContain("Stack prod-move -> ");
    expect(first.stdout).toContain("  host t7-a (ldmops@t7-a.example.net): 6 steps\n");
    expect(first.stdout).toContain(`Stack prod-move -> ${join(out, "stacks", "prod-move")}\n`);
    expect(first.stdout).toMatch(/\n  files: cdk\.tf\.json, ldoms\.plan\.json, topology\.svg, (scripts\/guest-ldg1\.sh, )?scripts\/t7-a\.sh, scripts\/t7-b\.sh\n/);
    const bytes = snapshot(out);
    // Guest-side scripts (scripts/guest-<domain>.sh) may sit beside the host scripts.
    expect(Object.keys(bytes).filter((f) => !f.startsWith("stacks/prod-move/scripts/guest-")).sort()).toEqual([
      "manifest.json",
      "stacks/prod-move/cdk.tf.json",
      "stacks/prod-move/ldoms.plan.json",
      "stacks/prod-move/scripts/t7-a.sh",
      "stacks/prod-move/scripts/t7-b.sh",
      "stacks/prod-move/topology.svg",
    ]);
    const second = ldoms(["synth", "--output", out], repo);
    expect(second.status).toBe(0);
    expect(snapshot(out)).toEqual(bytes);
  });

  it("prints a configuration error without a stack trace, exits 1 and writes nothing", () => {
    const dir = project(`
      import { ControlDomain, EthernetVf, GuestDomain, LdomsStack, Network, runLdomsApp } from "@src";
      runLdomsApp((app) => {
        const stack = new LdomsStack(app, "prod-move");
        new Network(stack, "app-net", { vlan: 5000 });
      });
    `);
    const run = ldoms(["synth"], dir);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("Error: the app `");
    expect(run.stderr).toContain(`exited with status 1; nothing was written to ${join(dir, "cdktf.out")}:\nprod-move/app-net: vlan 5000 is not a VLAN id; use an integer from 1 to 4094\n`);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, "cdktf.out"))).toBe(false);
  });

  it("refuses a migration id that is shell text and leaves the output folder as it was", () => {
    const source = (id: string) => `
      import { ControlDomain, EthernetVf, GuestDomain, IpmpGroup, LdomsStack, Network, SriovMigration, Vnet, runLdomsApp } from "@src";
      runLdomsApp((app) => {
        const stack = new LdomsStack(app, "prod-move");
        const net = new Network(stack, "net");
        const a = new ControlDomain(stack, "t7-a", { address: "t7-a" });
        const b = new ControlDomain(stack, "t7-b", { address: "t7-b" });
        const g = new GuestDomain(a, "ldg1");
        const vf = new EthernetVf(g, "vf0", { pf: "/SYS/MB/NET0/IOVNET.PF0", name: "ldg1-app", network: net });
        new IpmpGroup(g, "ipmp0", { active: vf, standby: new Vnet(g, "vnet0", { vswitch: "primary-vsw0", network: net }) });
        new SriovMigration(stack, ${JSON.stringify(id)}, { domain: g, target: b, targetPf: "/SYS/MB/NET2/IOVNET.PF0", migrate: true });
      });
    `;
    const dir = project(source("ldg1-to-b"));
    expect(ldoms(["synth"], dir).status).toBe(0);
    const before = snapshot(join(dir, "cdktf.out"));
    writeFileSync(join(dir, "main.ts"), source("m1;touch pwned;").replace(/@src/g, join(repo, "src")));
    const run = ldoms(["synth"], dir);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('prod-move/m1;touch pwned;: id "m1;touch pwned;" contains ";"');
    expect(snapshot(join(dir, "cdktf.out"))).toEqual(before);
  });

  it("installs nothing when a stack's plan document would not read back", () => {
    const dir = tempDir("ldoms-project-");
    // An app that writes what cdktf would, with a plan document the engine refuses.
    writeFileSync(join(dir, "app.js"), `
      const { mkdirSync, writeFileSync } = require("node:fs");
      const { join } = require("node:path");
      const out = process.env.CDKTF_OUTDIR;
      mkdirSync(join(out, "stacks", "s1"), { recursive: true });
      writeFileSync(join(out, "manifest.json"), JSON.stringify({ stacks: { s1: { workingDirectory: "stacks/s1" } } }));
      writeFileSync(join(out, "stacks", "s1", "cdk.tf.json"), "{}");
      writeFileSync(join(out, "stacks", "s1", "ldoms.plan.json"), JSON.stringify({ formatVersion: 2, stack: "s1;touch pwned", hosts: [], migrations: [] }));
    `);
    writeFileSync(join(dir, "cdktf.json"), JSON.stringify({ language: "typescript", app: `"${process.execPath}" app.js` }));
    const run = ldoms(["synth"], dir);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`the plan document of stack s1 (nothing was written to ${join(dir, "cdktf.out")}) is not a valid plan document`);
    expect(existsSync(join(dir, "cdktf.out"))).toBe(false);
  });

  it("reports every tree problem of the app together and writes nothing", async () => {
    const dir = project(`
      import { ControlDomain, EthernetVf, GuestDomain, LdomsStack, runLdomsApp } from "@src";
      runLdomsApp((app) => {
        const stack = new LdomsStack(app, "prod-move");
        const host = new ControlDomain(stack, "t7-a", { address: "t7-a" });
        new EthernetVf(new GuestDomain(host, "ldg1"), "vf0", { pf: "/SYS/MB/NET0/IOVNET.PF0", name: "app" });
        new EthernetVf(new GuestDomain(host, "ldg2"), "vf0", { pf: "/SYS/MB/NET0/IOVNET.PF0", name: "app" });
        new EthernetVf(new GuestDomain(host, "ldg3"), "vf0", { pf: "/SYS/MB/NET0/IOVNET.PF1" });
      });
    `);
    const error = await synthesizeApp({ projectDir: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    const message = (error as Error).message;
    expect(message).toContain("the LDoms configuration of prod-move has 2 problems:");
    expect(message).toContain('  - prod-move/t7-a: VF name "app" is used twice on control domain "t7-a"');
    expect(message).toContain("  - prod-move/t7-a/ldg3/vf0: VF has no user-assigned name");
    expect(existsSync(join(dir, "cdktf.out"))).toBe(false);
  });

  it("keeps Terraform state beside the stack, drops scripts of removed hosts, and reports the stacks", async () => {
    const out = tempDir("ldoms-out-");
    const stackDir = join(out, "stacks", "prod-move");
    mkdirSync(join(stackDir, "scripts"), { recursive: true });
    writeFileSync(join(stackDir, "terraform.prod-move.tfstate"), "{}");
    writeFileSync(join(stackDir, "scripts", "old-host.sh"), "#!/bin/sh\n");
    const result = await synthesizeApp({ projectDir: repo, outDir: out });
    expect(result).toEqual({ stacks: [{ name: "prod-move", dir: stackDir, planFile: join(stackDir, "ldoms.plan.json") }] });
    expect(readFileSync(join(stackDir, "terraform.prod-move.tfstate"), "utf8")).toBe("{}");
    expect(readdirSync(join(stackDir, "scripts")).filter((f) => !f.startsWith("guest-")).sort()).toEqual(["t7-a.sh", "t7-b.sh"]);
  });

  it("explains a missing cdktf.json", async () => {
    const dir = tempDir("ldoms-empty-");
    await expect(synthesizeApp({ projectDir: dir })).rejects.toThrow(`no cdktf.json in ${dir}; run ldoms synth in the project directory`);
  });
});

describe("ldoms demo", () => {
  it("synthesizes the example and lists its steps", () => {
    const out = join(tempDir("ldoms-out-"), "demo.out");
    const run = ldoms(["demo", "--output", out], repo);
    expect(run.status, run.stderr).toBe(0);
    // The example is a group: every VF is declared on both hosts, on each host's PF of its network.
    expect(run.stdout.match(/    - create VF "ldg1-app" on \/SYS\/MB\/NET2\/IOVNET\.PF0 \(pvid=100\)\n/g)).toHaveLength(2);
    expect(run.stdout).toContain("  group pair: hosts t7-a, t7-b; mobile domains ldg1 (VF ldg1-app), ldg2 (VF ldg2-app) (move one: ldoms migrate DOMAIN --to HOST)\n");
    expect(existsSync(join(out, "stacks/prod-pair/ldoms.plan.json"))).toBe(true);
  });
});
