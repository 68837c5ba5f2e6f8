/**
 * The package as a user gets it: `npm pack` (which builds), installed from the tarball into a
 * fresh project next to its peers `cdktf` and `constructs`, then the installed `ldoms` command
 * run there: --version, --help, demo (before the project has a TypeScript runner), then a
 * TypeScript app importing "cdktf-ldoms" run with tsx as cdktf.json's app, synthesized, planned
 * and applied against `ldoms lab up`. Everything lives under one temporary folder, removed at the
 * end; the repository gets only its usual build output (dist/).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runProcess, type ProcessRun } from "../support/run-process";

const REPO = resolve(__dirname, "../..");
const VERSION = (JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string }).version;
const NPM_INSTALL = ["install", "--no-audit", "--no-fund", "--prefer-offline"];

/** The environment of a user's shell: none of the npm_* variables of a surrounding `npm test`. */
const userEnv: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));

const HOST_KEY = (c: string) => `"SHA256:${c.repeat(43)}"`;
const MAIN_TS = `import {
  ControlDomain, EthernetVf, GuestDomain, IpmpGroup, LdomsStack, Network, SriovMigration, Vnet, runLdomsApp,
} from "cdktf-ldoms";

runLdomsApp((app) => {
  const stack = new LdomsStack(app, "web");
  const net = new Network(stack, "app-net", { vlan: 100 });
  const src = new ControlDomain(stack, "t7-a", { address: "t7-a.example.net", user: "ldmops", hostKey: ${HOST_KEY("A")} });
  const dst = new ControlDomain(stack, "t7-b", { address: "t7-b.example.net", user: "ldmops", hostKey: ${HOST_KEY("B")} });
  const ldg1 = new GuestDomain(src, "ldg1");
  const vf = new EthernetVf(ldg1, "vf0", { pf: "/SYS/MB/NET0/IOVNET.PF0", name: "ldg1-app", network: net, pvid: 100 });
  const vnet = new Vnet(ldg1, "vnet0", { vswitch: "primary-vsw0", network: net, pvid: 100 });
  new IpmpGroup(ldg1, "ipmp0", { active: vf, standby: vnet });
  new SriovMigration(stack, "ldg1-to-b", { domain: ldg1, target: dst, targetPf: "/SYS/MB/NET2/IOVNET.PF0" });
});
`;

let work: string;
let project: string;
let lab: ChildProcess | undefined;

function ldoms(args: readonly string[], cwd = project): Promise<ProcessRun> {
  return runProcess(join(project, "node_modules", ".bin", "ldoms"), args, { cwd, env: userEnv });
}

function npm(args: readonly string[], cwd: string): Promise<ProcessRun> {
  return runProcess("npm", args, { cwd, env: userEnv });
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "ldoms-package-"));
  const packed = await npm(["pack", "--silent", "--pack-destination", work], REPO);
  expect(packed.status, packed.stdout + packed.stderr).toBe(0);
  const tarball = readdirSync(work).find((f) => f.endsWith(".tgz"));
  expect(tarball, "npm pack wrote no tarball").toBeDefined();
  project = join(work, "project");
  mkdirSync(project);
  // A user's project, with the install scripts README says to deny (ssh2's native addon,
  // protobufjs's version warning, and esbuild's postinstall once tsx is added; all work without them).
  writeFileSync(join(project, "package.json"), `${JSON.stringify({
    name: "ldoms-user-project",
    version: "1.0.0",
    private: true,
    allowScripts: { ssh2: false, "cpu-features": false, protobufjs: false, esbuild: false },
  }, null, 2)}\n`);
  const installed = await npm([...NPM_INSTALL, join(work, tarball!), "cdktf@0.21.0", "constructs@10.7.2"], project);
  expect(installed.status, installed.stderr).toBe(0);
  expect(installed.stderr).not.toMatch(/install-scripts\s+(ssh2|cpu-features|protobufjs)@/);
}, 240_000);

afterAll(async () => {
  if (lab && lab.exitCode === null && lab.signalCode === null) {
    const closed = new Promise((done) => lab!.once("close", done));
    lab.kill("SIGKILL");
    await closed;
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("the packed package, installed in a fresh project", () => {
  it("declares cdktf and constructs as peers, so the project holds one copy of each", async () => {
    const pkg = JSON.parse(readFileSync(join(project, "node_modules/cdktf-ldoms/package.json"), "utf8")) as Record<string, Record<string, string> | undefined>;
    expect(pkg["dependencies"]).not.toHaveProperty("cdktf");
    expect(pkg["dependencies"]).not.toHaveProperty("constructs");
    expect(pkg["peerDependencies"]).toMatchObject({ cdktf: expect.any(String), constructs: expect.any(String) });
    const copies = await npm(["ls", "constructs", "--all", "--parseable"], project);
    expect(copies.status, copies.stderr).toBe(0);
    expect(copies.stdout.trim().split("\n")).toEqual([join(project, "node_modules/constructs")]);
  });

  it("ships every file the README links to", () => {
    const readme = readFileSync(join(project, "node_modules/cdktf-ldoms/README.md"), "utf8");
    const links = [...readme.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => m[1]!).filter((l) => !/^[a-z]+:/i.test(l));
    expect(links.length).toBeGreaterThan(5);
    expect(links.filter((l) => !existsSync(join(project, "node_modules/cdktf-ldoms", l)))).toEqual([]);
  });

  it("ldoms --version prints the package version; --help lists the commands", async () => {
    const version = await ldoms(["--version"]);
    expect(version.stderr).toBe("");
    expect(version.status).toBe(0);
    expect(version.stdout).toBe(`${VERSION}\n`);
    const help = await ldoms(["--help"]);
    expect(help.status, help.stderr).toBe(0);
    for (const command of ["synth", "plan", "apply", "migrate", "evacuate", "status", "lab", "demo", "force-unlock"]) expect(help.stdout).toMatch(new RegExp(`^  ${command}\\b`, "m"));
  });

  it("ldoms demo runs the whole story from the package alone (no cdktf.json, no tsx in the project) and writes nothing there", async () => {
    expect(existsSync(join(project, "node_modules/tsx"))).toBe(false);
    const before = readdirSync(project).sort();
    const demo = await ldoms(["demo"]);
    expect(demo.status, demo.stderr).toBe(0);
    expect(demo.stdout).toContain('    - create VF "ldg1-app" on /SYS/MB/NET2/IOVNET.PF0 (pvid=100)\n');
    expect(demo.stdout).toContain("Result: migrated. ldg1 migrated from t7-a to t7-b in");
    expect(demo.stdout).toContain("Result: migrated. ldg1 migrated from t7-b to t7-a in");
    expect(demo.stdout).toContain("the lab's SSH servers are closed; nothing is left running");
    expect(readdirSync(project).sort()).toEqual(before);
  }, 120_000);

  it("a TypeScript app importing cdktf-ldoms type-checks and synthesizes with `ldoms synth`; a mistake in it is one clean message", async () => {
    const tsx = await npm([...NPM_INSTALL, "--save-dev", "tsx"], project);
    expect(tsx.status, tsx.stderr).toBe(0);
    expect(tsx.stderr).not.toMatch(/install-scripts\s+esbuild@/);
    writeFileSync(join(project, "cdktf.json"), `${JSON.stringify({ language: "typescript", app: "npx tsx main.ts" }, null, 2)}\n`);
    writeFileSync(join(project, "main.ts"), MAIN_TS);

    // The shipped declarations, as a user's editor or `tsc` sees them (types of node from the repository).
    const tsc = await runProcess(process.execPath, [
      join(REPO, "node_modules/typescript/bin/tsc"), "--noEmit", "--strict", "--skipLibCheck", "--target", "es2022",
      "--module", "commonjs", "--moduleResolution", "node", "--typeRoots", join(REPO, "node_modules/@types"), "--types", "node", "main.ts",
    ], { cwd: project, env: userEnv });
    expect(tsc.stdout + tsc.stderr).toBe("");
    expect(tsc.status).toBe(0);

    const synth = await ldoms(["synth"]);
    expect(synth.stderr).toBe("");
    expect(synth.status).toBe(0);
    expect(synth.stdout).toContain("Stack web -> cdktf.out/stacks/web\n");
    expect(synth.stdout).toContain("  host t7-a (ldmops@t7-a.example.net): 6 steps\n");
    for (const file of ["cdk.tf.json", "ldoms.plan.json", "scripts/t7-a.sh", "scripts/t7-b.sh"]) expect(existsSync(join(project, "cdktf.out/stacks/web", file))).toBe(true);

    mkdirSync(join(project, "bad"));
    writeFileSync(join(project, "bad", "cdktf.json"), JSON.stringify({ app: "npx tsx main.ts" }));
    writeFileSync(join(project, "bad", "main.ts"), MAIN_TS.replace("{ vlan: 100 }", "{ vlan: 5000 }"));
    const bad = await ldoms(["synth"], join(project, "bad"));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe(`Error: the app \`npx tsx main.ts\` of cdktf.json exited with status 1; nothing was written to ${join(project, "bad", "cdktf.out")}:\nweb/app-net: vlan 5000 is not a VLAN id; use an integer from 1 to 4094\n`);
  }, 120_000);

  it("plans and applies it against `ldoms lab up`: changes, applied, then no changes (exit 0)", async () => {
    const inventory = join(project, ".lab", "inventory.json");
    lab = spawn(join(project, "node_modules", ".bin", "ldoms"), ["lab", "up", "--inventory-out", inventory, "--state-dir", join(project, ".lab")], { cwd: project, env: userEnv, stdio: ["ignore", "pipe", "pipe"] });
    let labOut = "";
    let labErr = "";
    lab.stdout!.on("data", (d: Buffer) => (labOut += d.toString()));
    lab.stderr!.on("data", (d: Buffer) => (labErr += d.toString()));
    const labClosed = new Promise<number | null>((done) => lab!.once("close", (status) => done(status)));
    for (const started = Date.now(); !labOut.includes("Press Ctrl-C to stop."); ) {
      if (lab.exitCode !== null || Date.now() - started > 30_000) throw new Error(`ldoms lab up did not come up:\n${labOut}${labErr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(existsSync(inventory)).toBe(true);

    const plan = await ldoms(["plan", "--inventory", inventory]);
    expect(plan.status, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('+ create VF "ldg1-app"');
    // Synthesized by the plan above: the next commands read cdktf.out as it is.
    const apply = await ldoms(["apply", "--auto-approve", "--skip-synth", "--inventory", inventory]);
    expect(apply.status, apply.stderr).toBe(0);
    expect(apply.stdout).toContain("Apply complete: 4 mutating command(s) on 2 host(s).\n");
    const again = await ldoms(["plan", "--detailed-exitcode", "--skip-synth", "--inventory", inventory]);
    expect(again.status, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toContain("No changes.");

    lab.kill("SIGTERM");
    expect(await labClosed).toBe(0);
    expect(labOut).toContain("Lab stopped.");
  }, 120_000);
});
