/**
 * `ldoms evacuate`: three mobile domains leave t7-a for t7-b and t7-c, placed by group preference
 * and free capacity; a domain no target can hold stops the whole evacuation before anything moves.
 */
import { afterEach, describe, expect, it } from "vitest";
import { App } from "cdktf";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ControlDomain, EthernetVf, IpmpGroup, LdomsStack, MigrationGroup, Network, PhysicalFunction, VirtualSwitch, Vnet } from "../../src";
import { runEvacuate } from "../../src/cli/commands/evacuate";
import { Lab } from "../../src/lab/lab";
import { loadLabDefinition } from "../../src/lab/definition";
import { LabExecutor } from "../../src/lab-serving/executor";
import { synthesizePlan } from "../../src/synth";
import type { PlanDocument } from "../../src/model";
import { Capture } from "../support/capture";
import { GroupCli, mutatingCommands, pairLabJson, type LabJson } from "./support";

const DOMAINS = ["ldg1", "ldg2", "ldg3"];
const HOSTS = ["t7-a", "t7-b", "t7-c"];

function trioPlan(): PlanDocument {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), "ldoms-trio-")) });
  const stack = new LdomsStack(app, "trio");
  const net = new Network(stack, "app-net", { vlan: 100 });
  const hosts = HOSTS.map((id) => {
    const host = new ControlDomain(stack, id, { address: `${id}.example.net`, hostKey: "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" });
    new PhysicalFunction(host, "app-pf", { pf: "/SYS/MB/NET2/IOVNET.PF0", network: net });
    new VirtualSwitch(host, "primary-vsw0", { network: net });
    return host;
  });
  const group = new MigrationGroup(stack, "trio", { hosts });
  for (const name of DOMAINS) {
    const d = group.addDomain(name);
    const vf = new EthernetVf(d, "vf0", { name: `${name}-app`, network: net, pvid: 100 });
    const vnet = new Vnet(d, "vnet0", { vswitch: "primary-vsw0", network: net, pvid: 100 });
    new IpmpGroup(d, "ipmp0", { active: vf, standby: vnet });
  }
  return synthesizePlan(stack, "trio");
}

/** t7-a runs ldg1-3 (8 vCPUs, 16G each); t7-b has room for `roomOnB` of them, t7-c for `roomOnC`. */
function trioLab(roomOnC: 0 | 1, roomOnB = 2): LabJson {
  const json = pairLabJson();
  const [a, b] = json.machines as [Record<string, any>, Record<string, any>];
  const guest = a.domains.find((d: { name: string }) => d.name === "ldg1");
  b.domains = b.domains.filter((d: { name: string }) => d.name === "primary");
  a.domains = [...a.domains.filter((d: { name: string }) => d.name === "primary"), ...DOMAINS.map((name) => ({ ...guest, name, vdisks: [{ name: "vdisk0", volume: `${name}-disk0@primary-vds0` }] }))];
  const c = JSON.parse(JSON.stringify(b)) as Record<string, any>;
  c.name = "t7-c";
  c.addresses = ["t7-c.lab", "t7-c.example.net"];
  // The control domain holds 16 vCPUs and 32G of each.
  b.capacity = { vcpus: 16 + 8 * roomOnB, memory: `${32 + 16 * roomOnB}G` };
  c.capacity = { vcpus: 32, memory: roomOnC ? "52G" : "40G" };
  for (const m of [a, b, c]) m.vdiskServices[0].volumes = DOMAINS.map((n) => ({ name: `${n}-disk0`, dev: `/dev/zvol/dsk/rpool/${n}-disk0` }));
  json.machines = [a, b, c];
  return json;
}

const removals: (() => void)[] = [];
afterEach(() => { for (const r of removals.splice(0)) r(); });

type Connect = (target: { id: string }) => LabExecutor;

async function setUp(roomOnC: 0 | 1, roomOnB = 2): Promise<{ cli: GroupCli; lab: Lab; evacuate: (extra?: Record<string, unknown>, via?: Connect) => Promise<{ code: number; report: any; stderr: string }> }> {
  const lab = Lab.fromDefinition(loadLabDefinition(trioLab(roomOnC, roomOnB), "trio lab"));
  const connect: Connect = (target) => new LabExecutor(lab, target.id);
  const cli = new GroupCli(trioPlan(), undefined, connect as never);
  removals.push(() => cli.remove());
  const applied = await cli.apply();
  expect(applied.code, applied.stdout).toBe(0);
  const evacuate = async (extra: Record<string, unknown> = {}, via: Connect = connect) => {
    const stdout = new Capture();
    const stderr = new Capture();
    const code = await runEvacuate("t7-a", { planDocument: cli.planDocument, autoApprove: true, acceptUnverified: true, json: true, pollInterval: 100, ...extra }, { stdout, stderr, cwd: cli.dir, env: {}, connect: via as never });
    return { code, report: JSON.parse(stdout.text), stderr: stderr.text };
  };
  return { cli, lab, evacuate };
}

async function domainsOn(lab: Lab, machine: string): Promise<string[]> {
  const listed = await lab.runLdm(machine, ["list", "-p"]);
  return [...listed.stdout.matchAll(/^DOMAIN\|name=(ldg\d)\|/gm)].map((m) => m[1] as string).sort();
}

describe("ldoms evacuate", () => {
  it("moves three mobile domains onto two targets by preference and free capacity, two at a time, then converges", async () => {
    const { cli, lab, evacuate } = await setUp(1);
    const dry = await evacuate({ dryRun: true });
    expect(dry.code).toBe(0);
    expect(dry.report.outcome).toBe("dry-run-passed");
    expect(await domainsOn(lab, "t7-a")).toEqual(DOMAINS);

    // Two at a time: both leave t7-a, so the second waits for the first's lock there.
    const run = await evacuate({ parallel: 2, lockTimeout: 60_000 });
    expect(run.code, JSON.stringify(run.report, null, 1)).toBe(0);
    expect(run.stderr).toMatch(/\[ldg\d\] waiting for the lock on t7-a, /);
    expect(run.report.domains.map((d: { domain: string; target: string; status: string }) => [d.domain, d.target, d.status])).toEqual([
      ["ldg1", "t7-b", "migrated"],
      ["ldg2", "t7-b", "migrated"],
      ["ldg3", "t7-c", "migrated"],
    ]);
    expect(run.stderr).toMatch(/\[ldg3\] migrating: \d+%/);
    expect(await domainsOn(lab, "t7-a")).toEqual([]);
    expect(await domainsOn(lab, "t7-b")).toEqual(["ldg1", "ldg2"]);
    expect(await domainsOn(lab, "t7-c")).toEqual(["ldg3"]);
    expect((await cli.plan()).code).toBe(0);
    expect(mutatingCommands(await cli.apply())).toBe(0);

    const again = await evacuate();
    expect([again.code, again.report.outcome]).toEqual([0, "nothing-to-move"]);
  }, 120_000);

  it("a domain another run moves elsewhere after evacuate read the host is reported as gone, not refused, and the others move", async () => {
    const { cli, lab, evacuate } = await setUp(1, 3);
    let moved = false;
    // Right after evacuate's first read of t7-a (its list of domains to move), another run moves
    // ldg1 to t7-c; evacuate places ldg1-3 on t7-b from that list.
    const racing: Connect = (target) => {
      const executor = new LabExecutor(lab, target.id);
      if (target.id !== "t7-a") return executor;
      const exec = executor.exec.bind(executor);
      executor.exec = async (...args: Parameters<LabExecutor["exec"]>) => {
        const result = await exec(...args);
        if (!moved) {
          moved = true;
          const migrated = await cli.migrate("ldg1", "t7-c");
          expect(migrated.code, migrated.stdout).toBe(0);
        }
        return result;
      };
      return executor;
    };
    const run = await evacuate({ lockTimeout: 60_000 }, racing);
    expect(moved).toBe(true);
    expect(run.code, JSON.stringify(run.report, null, 1)).toBe(0);
    expect(run.report.outcome).toBe("evacuated");
    expect(run.report.domains.map((d: { domain: string; status: string }) => [d.domain, d.status])).toEqual([["ldg1", "left"], ["ldg2", "migrated"], ["ldg3", "migrated"]]);
    expect(run.report.domains[0].reason).toBe("no longer on t7-a: moved or removed by another run");
    expect(await domainsOn(lab, "t7-a")).toEqual([]);
    expect(await domainsOn(lab, "t7-c")).toEqual(["ldg1"]);
  }, 120_000);

  it("refuses before anything moves when one domain fits nowhere, naming it and why", async () => {
    const { lab, evacuate } = await setUp(0);
    const journal = lab.journal().length;
    const run = await evacuate();
    expect(run.code).toBe(1);
    expect(run.report.outcome).toBe("refused");
    const ldg3 = run.report.domains.find((d: { domain: string }) => d.domain === "ldg3");
    expect(ldg3.status).toBe("refused");
    expect(ldg3.reason).toMatch(/no target can hold it: ldg3 needs 8 vCPUs and 16G, t7-b has .* free .*; ldg3 needs 8 vCPUs and 16G, t7-c has .* free \(not enough memory\)/);
    expect(run.report.domains.filter((d: { status: string }) => d.status === "not-run").map((d: { domain: string }) => d.domain)).toEqual(["ldg1", "ldg2"]);
    expect(await domainsOn(lab, "t7-a")).toEqual(DOMAINS);
    expect(lab.journal().length).toBe(journal);
  }, 120_000);
});
