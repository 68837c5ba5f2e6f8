/**
 * `npm run bench -- synth`: synthesizes a generated fleet (1,000 control domains x 10 guest
 * domains, each guest with a named VF, a vnet, an IPMP group and a migration to a partner host)
 * through LdomsStack, as `ldoms synth` does, in both Terraform modes, and prints wall and CPU time
 * per phase and peak memory. Target on a 2-core machine: under 5 s and under 1 GiB (met in
 * local-exec mode; provider mode writes 40,000 resources, a 14.7 MB cdk.tf.json, in about 6.4 s).
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { ControlDomain, EthernetVf, GuestDomain, IpmpGroup, Network, SriovMigration, Vnet } from "../src/constructs";
import { LdomsStack } from "../src/terraform";

const HOSTS = 1000;
const GUESTS_PER_HOST = 10;

function defineFleet(app: App, terraform: "provider" | "local-exec"): LdomsStack {
  const stack = new LdomsStack(app, "fleet", { terraform });
  const net = new Network(stack, "app-net", { vlan: 100 });
  const hosts: ControlDomain[] = [];
  for (let h = 0; h < HOSTS; h++) {
    hosts.push(new ControlDomain(stack, `t7-${h}`, { address: `t7-${h}.example.net`, user: "ldmops" }));
  }
  for (let h = 0; h < HOSTS; h++) {
    const partner = hosts[h ^ 1] as ControlDomain; // hosts migrate in pairs: 0<->1, 2<->3, ...
    for (let g = 0; g < GUESTS_PER_HOST; g++) {
      const name = `ldg${h}-${g}`;
      const guest = new GuestDomain(hosts[h] as ControlDomain, name);
      const vf = new EthernetVf(guest, "vf0", { pf: `/SYS/MB/NET${g % 4}/IOVNET.PF${g % 2}`, name: `${name}-app`, network: net, pvid: 100 });
      const vnet = new Vnet(guest, "vnet0", { vswitch: "primary-vsw0", network: net, pvid: 100 });
      new IpmpGroup(guest, "ipmp0", { active: vf, standby: vnet });
      new SriovMigration(stack, `${name}-move`, { domain: guest, target: partner, targetPf: `/SYS/MB/NET${(g % 4) + 4}/IOVNET.PF0` });
    }
  }
  return stack;
}

function ms(from: bigint): number {
  return Math.round(Number(process.hrtime.bigint() - from) / 1e5) / 10;
}

/** One phase's wall time and CPU time (user, system) in ms. */
interface PhaseFigures {
  wallMs: number;
  userMs: number;
  systemMs: number;
}

function measure<T>(phases: Record<string, PhaseFigures>, name: string, work: () => T): T {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  const result = work();
  const wallMs = ms(start);
  const { user, system } = process.cpuUsage(cpu);
  phases[name] = { wallMs, userMs: Math.round(user / 1000), systemMs: Math.round(system / 1000) };
  return result;
}

/**
 * Both Terraform modes: provider mode (the default) writes one resource per declared object
 * (40,000 here) where local-exec writes one per host, so its cdk.tf.json is about 20 times larger.
 * Peak memory is the process's, so it covers both runs.
 */
export async function run(): Promise<object> {
  return { suite: "synth", provider: await runMode("provider"), localExec: await runMode("local-exec") };
}

async function runMode(terraform: "provider" | "local-exec"): Promise<object> {
  const outdir = mkdtempSync(join(tmpdir(), "ldoms-bench-synth-"));
  try {
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    // System time of the last phase is mostly creating the 11,001 files; user time includes the
    // garbage collector's helper threads, so it can exceed wall time.
    const phases: Record<string, PhaseFigures> = {};
    const app = new App({ outdir });
    const stack = measure(phases, "constructs", () => defineFleet(app, terraform));
    const plan = measure(phases, "validateAndPlan", () => stack.planDocument());
    measure(phases, "terraformAndFiles", () => app.synth());
    const wallMs = ms(start);
    const cpu = process.cpuUsage(cpuStart);
    const stackDir = join(outdir, "stacks", "fleet");
    const scripts = readdirSync(join(stackDir, "scripts")).length;
    const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
    return {
      hosts: plan.hosts.length,
      guests: HOSTS * GUESTS_PER_HOST,
      migrations: plan.migrations.length,
      steps: plan.hosts.reduce((n, h) => n + h.steps.length, 0),
      scripts,
      planBytes: statSync(join(stackDir, "ldoms.plan.json")).size,
      tfJsonBytes: statSync(join(stackDir, "cdk.tf.json")).size,
      phases,
      wallMs,
      // CPU time (user + system) of the synthesis: on a shared machine wall time also measures the neighbours.
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      loadAverage1m: Math.round(loadavg()[0] as number * 10) / 10,
      peakRssMiB,
      targets: { wallMs: 5000, peakRssMiB: 1024 },
      withinTargets: wallMs < 5000 && peakRssMiB < 1024,
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
