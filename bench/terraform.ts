/**
 * Terraform suite (`npm run bench -- terraform`): the converged refresh of 8 control domains x 8
 * guests, each guest with a named Ethernet VF and a vnet, served over SSH with every `ldm` command
 * taking 100 ms (the engine suite's fleet: proxies adding 20 ms of round trip). Compares, as
 * processes a pipeline would start (process start included, median of 3 runs, taking turns):
 * - `ldoms plan --detailed-exitcode` (bin/ldoms.js on the build in dist/), and
 * - `terraform plan -detailed-exitcode` on a root module declaring the same objects as `ldoms_vf`
 *   and `ldoms_vnet` resources, the provider installed by `ldoms provider install --mode
 *   dev-override` (its launcher runs bin/terraform-provider-ldoms.js on dist/), the state taken
 *   over beforehand by `import` blocks and one `terraform apply`: Terraform starts the provider
 *   for each step (three times);
 * - the same `terraform plan` run by `ldoms provider serve -- terraform plan ...`: one provider
 *   process for the command, its start and stop included;
 * - the same `terraform plan` attached to an `ldoms provider serve` already running (a pipeline
 *   serving the provider for several commands).
 * All must find no changes (exit 0). Target: terraform within 1.5x of ldoms. Also prints the SSH
 * connections, exec requests and `ldm` commands each host served during one run of each, and
 * where the time goes: how often one `terraform plan` starts the provider (from its debug log),
 * what one start costs (spawn to handshake line, mutual TLS), what starting `ldoms` costs, and
 * the read of the 8 hosts in process (the part both commands share), and Terraform's own cost: a
 * plan of as many built-in `terraform_data` resources (no plugin started).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { applyHosts, planHosts } from "../src/engine";
import type { PlanDocument } from "../src/model";
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSION } from "../src/provider/handshake";
import { makeServerCertificate } from "../src/provider/tls";
import { fleetPlan } from "../test-kit/fleet";
import { executorFor, GUESTS, LDM_MS, PARALLELISM, RTT_MS, serveFleet, timed, type Fleet } from "./engine";

const HOSTS = 8;
const RUNS = 3;
const TARGET_RATIO = 1.5;
/** The package root: this file runs as dist/bench/terraform.js. */
const PACKAGE = resolve(__dirname, "../..");

interface ProcessRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runProcess(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<ProcessRun> {
  return new Promise((done, fail) => {
    const child = spawn(command, [...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.once("error", fail);
    child.once("close", (status) => done({ status, stdout, stderr }));
  });
}

function expectExit(run: ProcessRun, status: number, what: string): void {
  if (run.status !== status) throw new Error(`${what}: exit ${run.status}, expected ${status}\n${run.stdout}\n${run.stderr}`);
}

function findTerraform(): string {
  for (const dir of (process.env["PATH"] ?? "").split(delimiter)) {
    if (dir && existsSync(join(dir, "terraform"))) return join(dir, "terraform");
  }
  throw new Error("terraform is not on PATH; the terraform bench runs the real binary (Terraform >= 1.5)");
}

/** One resource per declared object: `ldoms_vf` per VF, `ldoms_vnet` per vnet, with their import ids. */
function declaredObjects(document: PlanDocument): { address: string; importId: string; body: string }[] {
  const objects: { address: string; importId: string; body: string }[] = [];
  const q = JSON.stringify;
  for (const host of document.hosts) {
    for (const domain of host.desired.domains) {
      for (const vf of domain.vfs) {
        const pvid = vf.properties["pvid"];
        objects.push({
          address: `ldoms_vf.${host.id}_${domain.name}_${vf.name.replace(/[^A-Za-z0-9_]/g, "_")}`,
          importId: `${host.id}/${vf.name}`,
          body: `host = ${q(host.id)}\n  name = ${q(vf.name)}\n  pf = ${q(vf.pf)}\n  domain = ${q(domain.name)}${pvid ? `\n  pvid = ${pvid}` : ""}`,
        });
      }
      for (const vnet of domain.vnets) {
        const pvid = vnet.properties["pvid"];
        objects.push({
          address: `ldoms_vnet.${host.id}_${domain.name}_${vnet.ifName}`,
          importId: `${host.id}/${domain.name}/${vnet.ifName}`,
          body: `host = ${q(host.id)}\n  domain = ${q(domain.name)}\n  name = ${q(vnet.ifName)}\n  vswitch = ${q(vnet.vswitch)}${pvid ? `\n  pvid = ${pvid}` : ""}`,
        });
      }
    }
  }
  return objects;
}

function mainTf(document: PlanDocument): string {
  const header = [
    'terraform {\n  required_providers {\n    ldoms = { source = "cdktf-ldoms/ldoms" }\n  }\n}',
    'provider "ldoms" {\n  plan_document = "ldoms.plan.json"\n  inventory     = "inventory.json"\n}',
  ];
  const resources = declaredObjects(document).map((o) => {
    const [type, name] = o.address.split(".");
    return `resource "${type}" "${name}" {\n  ${o.body}\n}`;
  });
  return `${[...header, ...resources].join("\n\n")}\n`;
}

function importsTf(document: PlanDocument): string {
  return declaredObjects(document)
    .map((o) => `import {\n  to = ${o.address}\n  id = ${JSON.stringify(o.importId)}\n}\n`)
    .join("\n");
}

/** Connections, execs and `ldm` commands per host during `fn`, as the lab's servers saw them. */
async function observed<T>(fleet: Fleet, fn: () => Promise<T>) {
  const before = structuredClone(fleet.stats.perHost);
  fleet.ldmCalls.clear();
  const value = await fn();
  const perHost = Object.keys(fleet.inventory.hosts).map((id) => ({
    host: id,
    connections: (fleet.stats.perHost[id]?.connections ?? 0) - (before[id]?.connections ?? 0),
    execs: (fleet.stats.perHost[id]?.execs ?? 0) - (before[id]?.execs ?? 0),
    ldmCommands: fleet.ldmCalls.get(id) ?? 0,
  }));
  return { value, perHost };
}

type PerHost = Awaited<ReturnType<typeof observed>>["perHost"];

function perHostFigures(perHost: PerHost) {
  const range = (key: "connections" | "execs" | "ldmCommands") => {
    const xs = perHost.map((h) => h[key]);
    return Math.min(...xs) === Math.max(...xs) ? Math.min(...xs) : { min: Math.min(...xs), max: Math.max(...xs) };
  };
  return {
    hosts: perHost.length,
    connectionsPerHost: range("connections"),
    sshExecsPerHost: range("execs"),
    ldmCommandsPerHost: range("ldmCommands"),
    oneConnectionAndOneReadPerHost: perHost.every((h) => h.connections === 1 && h.execs === 1),
  };
}

/** One timed run of `command`, expected to exit 0 (no changes), with what each host served meanwhile. */
async function timedRun(fleet: Fleet, what: string, command: () => Promise<ProcessRun>) {
  const run = await observed(fleet, () => timed(command));
  expectExit(run.value.value, 0, what);
  return { ms: run.value.ms, perHost: run.perHost };
}

/**
 * RUNS runs of each command, taking turns so that both see the same load of the machine;
 * median wall times and the last run's per-host counts.
 */
async function measureInTurns(fleet: Fleet, commands: Readonly<Record<string, () => Promise<ProcessRun>>>) {
  const runs = new Map<string, Awaited<ReturnType<typeof timedRun>>[]>();
  for (let i = 0; i < RUNS; i++) {
    for (const [what, command] of Object.entries(commands)) runs.set(what, [...(runs.get(what) ?? []), await timedRun(fleet, what, command)]);
  }
  const figures = (what: string) => {
    const samples = runs.get(what) ?? [];
    return { medianMs: Math.round(median(samples.map((s) => s.ms))), runsMs: samples.map((s) => Math.round(s.ms)), exitCode: 0, ...perHostFigures(samples[samples.length - 1]?.perHost ?? []) };
  };
  return figures;
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** Milliseconds from spawning `launcher` as Terraform does (cookie, protocol, client certificate) to its handshake line. */
function providerStart(launcher: string, env: NodeJS.ProcessEnv, clientCert: string): Promise<number> {
  const pluginEnv = { ...env, [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: String(PLUGIN_PROTOCOL_VERSION), PLUGIN_CLIENT_CERT: clientCert };
  return new Promise((done, fail) => {
    const start = performance.now();
    const child = spawn(launcher, [], { env: pluginEnv, stdio: ["ignore", "pipe", "ignore"] });
    child.once("error", fail);
    child.once("exit", (code) => fail(new Error(`the provider exited (${code}) before its handshake line`)));
    child.stdout.once("data", () => {
      const ms = performance.now() - start;
      child.removeAllListeners("exit");
      child.kill("SIGKILL");
      done(ms);
    });
  });
}

/**
 * Terraform's own cost for as many resources with no plugin to start: a plan of built-in
 * `terraform_data` resources already in the state (median of RUNS).
 */
async function terraformWithoutPlugin(terraform: string, work: string, env: NodeJS.ProcessEnv, count: number): Promise<number> {
  const dir = join(work, "no-plugin");
  mkdirSync(dir);
  writeFileSync(join(dir, "main.tf"), Array.from({ length: count }, (_, i) => `resource "terraform_data" "r${i}" {\n  input = "r${i}"\n}\n`).join("\n"));
  expectExit(await runProcess(terraform, ["apply", "-auto-approve", "-input=false", "-no-color"], dir, env), 0, "terraform apply (terraform_data)");
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const plan = await timed(() => runProcess(terraform, ["plan", "-detailed-exitcode", "-input=false", "-no-color"], dir, env));
    expectExit(plan.value, 0, "terraform plan (terraform_data)");
    samples.push(plan.ms);
  }
  return median(samples);
}

interface ServedProvider {
  readonly reattach: string;
  /** Spawn to the line saying how to attach. */
  readonly startMs: number;
  stop(): Promise<void>;
}

/** `ldoms provider serve --json` in `work`, running until stop(). */
function serveProvider(work: string, env: NodeJS.ProcessEnv): Promise<ServedProvider> {
  return new Promise((done, fail) => {
    const start = performance.now();
    const child = spawn(process.execPath, [join(PACKAGE, "bin", "ldoms.js"), "provider", "serve", "--json"], { cwd: work, env, stdio: ["ignore", "pipe", "inherit"] });
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    let out = "";
    child.once("error", fail);
    void exited.then((code) => fail(new Error(`ldoms provider serve exited (${code}) before saying how to attach`)));
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (!out.includes("\n")) return;
      const { reattach } = JSON.parse(out.slice(0, out.indexOf("\n"))) as { reattach: string };
      done({ reattach, startMs: performance.now() - start, stop: () => (child.kill("SIGTERM"), exited.then(() => undefined)) });
    });
  });
}

/** Where a converged `terraform plan` spends its time beyond the reads `ldoms plan` also makes. */
async function timeSplit(fleet: Fleet, terraform: string, work: string, env: NodeJS.ProcessEnv, resources: number) {
  const log = join(work, "plan-debug.log");
  const debugRun = await runProcess(terraform, ["plan", "-detailed-exitcode", "-input=false", "-no-color"], work, { ...env, TF_LOG: "DEBUG", TF_LOG_PATH: log });
  expectExit(debugRun, 0, "terraform plan (TF_LOG=DEBUG)");
  const starts = (readFileSync(log, "utf8").match(/provider: starting plugin:/g) ?? []).length;
  const clientCert = makeServerCertificate().certPem;
  const startMs: number[] = [];
  const ldomsStartMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    startMs.push(await providerStart(join(work, "plugins", "terraform-provider-ldoms"), env, clientCert));
    const version = await timed(() => runProcess(process.execPath, [join(PACKAGE, "bin", "ldoms.js"), "--version"], work, env));
    expectExit(version.value, 0, "ldoms --version");
    ldomsStartMs.push(version.ms);
  }
  const read = await timed(() => planHosts(fleet.targets, { connect: executorFor, parallelism: PARALLELISM }));
  const withoutPlugin = await terraformWithoutPlugin(terraform, work, env, resources);
  return {
    terraformPlanOfAsManyBuiltInResourcesMs: Math.round(withoutPlugin),
    providerStartsPerTerraformPlan: starts,
    providerStartMs: Math.round(median(startMs)),
    providerStartsTotalMs: Math.round(starts * median(startMs)),
    ldomsVersionProcessMs: Math.round(median(ldomsStartMs)),
    readOfAllHostsInProcessMs: Math.round(read.ms),
  };
}

/** The work folder: plan document, inventory, provider launcher, CLI configuration, root module. */
async function prepareWork(work: string, document: PlanDocument, fleet: Fleet): Promise<NodeJS.ProcessEnv> {
  writeFileSync(join(work, "ldoms.plan.json"), JSON.stringify(document, null, 2));
  writeFileSync(join(work, "inventory.json"), JSON.stringify(fleet.inventory, null, 2));
  const install = await runProcess(process.execPath, [join(PACKAGE, "bin", "ldoms.js"), "provider", "install", "--mode", "dev-override", "--dir", "plugins", "--write-config", "terraform.rc"], work, process.env);
  expectExit(install, 0, "ldoms provider install");
  mkdirSync(join(work, "home"));
  return {
    PATH: [dirname(process.execPath), "/usr/bin", "/bin"].join(delimiter),
    HOME: join(work, "home"),
    TF_CLI_CONFIG_FILE: join(work, "terraform.rc"),
    CHECKPOINT_DISABLE: "1",
    TF_IN_AUTOMATION: "1",
    // Nothing reaches a registry: a connection attempt fails at once.
    HTTPS_PROXY: "http://127.0.0.1:9",
    HTTP_PROXY: "http://127.0.0.1:9",
  };
}

/** Terraform's state takes over the converged objects: `import` blocks, one apply, then the blocks go. */
async function importState(terraform: string, work: string, document: PlanDocument, env: NodeJS.ProcessEnv): Promise<string> {
  writeFileSync(join(work, "main.tf"), mainTf(document));
  writeFileSync(join(work, "imports.tf"), importsTf(document));
  const apply = await runProcess(terraform, ["apply", "-auto-approve", "-input=false", "-no-color"], work, env);
  expectExit(apply, 0, "terraform apply (import)");
  const summary = /Apply complete! Resources: .*/.exec(apply.stdout)?.[0] ?? "";
  const count = declaredObjects(document).length;
  if (summary !== `Apply complete! Resources: ${count} imported, 0 added, 0 changed, 0 destroyed.`) {
    throw new Error(`terraform apply (import): expected ${count} imported and nothing else, got "${summary}"\n${apply.stdout}`);
  }
  unlinkSync(join(work, "imports.tf"));
  return summary;
}

export async function run(): Promise<object> {
  const terraform = findTerraform();
  // The machine's other work changes every figure here: printed next to them.
  const load = loadavg()[0]!;
  const document = fleetPlan(HOSTS, GUESTS);
  const fleet = await serveFleet(document, HOSTS);
  const work = mkdtempSync(join(tmpdir(), "ldoms-bench-terraform-"));
  try {
    const applied = await applyHosts(fleet.targets, { connect: executorFor, parallelism: PARALLELISM });
    const failed = applied.hosts.filter((h) => h.status !== "applied");
    if (failed.length) throw new Error(`ldoms apply failed on ${failed.length} hosts: ${failed[0]!.error?.message}`);
    const env = await prepareWork(work, document, fleet);
    const imported = await importState(terraform, work, document, env);

    const served = await serveProvider(work, env);
    const servedEnv = { ...env, TF_REATTACH_PROVIDERS: served.reattach };
    const ldomsArgs = [join(PACKAGE, "bin", "ldoms.js"), "plan", "--plan-document", "ldoms.plan.json", "--inventory", "inventory.json", "--detailed-exitcode"];
    const tfArgs = ["plan", "-detailed-exitcode", "-input=false", "-no-color"];
    const serveArgs = [join(PACKAGE, "bin", "ldoms.js"), "provider", "serve", "--", terraform, ...tfArgs];
    const measured = await measureInTurns(fleet, {
      "ldoms plan --detailed-exitcode": () => runProcess(process.execPath, ldomsArgs, work, env),
      "terraform plan -detailed-exitcode": () => runProcess(terraform, tfArgs, work, env),
      "ldoms provider serve -- terraform plan -detailed-exitcode": () => runProcess(process.execPath, serveArgs, work, env),
      "terraform plan -detailed-exitcode (served)": () => runProcess(terraform, tfArgs, work, servedEnv),
    });
    await served.stop();
    const ldoms = measured("ldoms plan --detailed-exitcode");
    const tf = measured("terraform plan -detailed-exitcode");
    const tfServed = measured("terraform plan -detailed-exitcode (served)");
    const tfUnderServe = measured("ldoms provider serve -- terraform plan -detailed-exitcode");
    const ratio = tf.medianMs / ldoms.medianMs;
    const underServeRatio = tfUnderServe.medianMs / ldoms.medianMs;
    const servedRatio = tfServed.medianMs / ldoms.medianMs;
    const split = await timeSplit(fleet, terraform, work, env, declaredObjects(document).length);
    return {
      setup: { hosts: HOSTS, guestsPerHost: GUESTS, ldmCommandMs: LDM_MS, rttMs: RTT_MS, runs: RUNS, resources: declaredObjects(document).length, stateTakenOver: imported },
      ldomsPlan: { command: "node bin/ldoms.js plan --detailed-exitcode (a process, dist/)", ...ldoms },
      terraformPlan: { command: "terraform plan -detailed-exitcode (provider: bin/terraform-provider-ldoms.js, dist/)", ...tf },
      terraformPlanUnderServe: {
        command: "ldoms provider serve -- terraform plan -detailed-exitcode (one process serving the provider for this one command, its start and stop included)",
        ...tfUnderServe,
      },
      terraformPlanAttached: {
        command: "terraform plan -detailed-exitcode attached (TF_REATTACH_PROVIDERS) to an `ldoms provider serve` already running",
        serveStartMs: Math.round(served.startMs),
        ...tfServed,
      },
      ratioToLdoms: {
        terraformPlan: Number(ratio.toFixed(2)),
        underServe: Number(underServeRatio.toFixed(2)),
        attached: Number(servedRatio.toFixed(2)),
      },
      targetRatio: TARGET_RATIO,
      withinTarget: { terraformPlan: ratio <= TARGET_RATIO, underServe: underServeRatio <= TARGET_RATIO, attached: servedRatio <= TARGET_RATIO },
      whereTheTimeGoes: split,
      loadAverage1m: { before: Number(load.toFixed(2)), after: Number(loadavg()[0]!.toFixed(2)) },
    };
  } finally {
    await fleet.close();
    rmSync(work, { recursive: true, force: true });
  }
}
