import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ControlDomain, EthernetVf, GuestDomain, IpmpGroup, Network, SriovMigration, Vnet } from "../../src/constructs";
import type { PlanDocument } from "../../src/model";
import { stackArtifacts, synthesizePlan, writeStackArtifacts } from "../../src/synth";
import { exampleTree, newStack } from "../constructs/fixture";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "ldoms-artifacts-"));
  dirs.push(dir);
  return dir;
}

/** Every file under `dir` as relative path -> text. */
function filesIn(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(path.slice(dir.length + 1), readFileSync(path, "utf8"));
  }
  return files;
}

/** `hosts` control domains in pairs, each guest migrating to the partner; identity files with non-ASCII paths. */
function fleetPlan(hosts: number, guestsPerHost: number): PlanDocument {
  const stack = newStack("fleet");
  const net = new Network(stack, "app-net", { vlan: 100 });
  const domains = Array.from({ length: hosts }, (_, h) =>
    new ControlDomain(stack, `t7-${h}`, { address: `t7-${h}.example.net`, identityFile: `~/.ssh/clé-🔑-${h}` }));
  domains.forEach((host, h) => {
    for (let g = 0; g < guestsPerHost; g++) {
      const guest = new GuestDomain(host, `ldg${h}-${g}`);
      const vf = new EthernetVf(guest, "vf0", { pf: "/SYS/MB/NET0/IOVNET.PF0", name: `ldg${h}-${g}-app`, network: net, pvid: 100 });
      const vnet = new Vnet(guest, "vnet0", { vswitch: "primary-vsw0", network: net, pvid: 100 });
      new IpmpGroup(guest, "ipmp0", { active: vf, standby: vnet });
      new SriovMigration(stack, `ldg${h}-${g}-move`, { domain: guest, target: domains[h ^ 1] as ControlDomain, targetPf: "/SYS/MB/NET4/IOVNET.PF0" });
    }
  });
  return synthesizePlan(stack, "fleet");
}

describe("stack artifacts", () => {
  it("include an IPMP script for every guest with IPMP groups, and none for a guest without", () => {
    const { stack, source } = exampleTree();
    new GuestDomain(source, "ldg2");
    const paths = [...stackArtifacts(synthesizePlan(stack, "prod-move")).keys()];
    expect(paths).toEqual(["ldoms.plan.json", "scripts/guest-ldg1.sh", "scripts/t7-a.sh", "scripts/t7-b.sh"]);
  });

  it("are written to disk byte for byte, scripts executable", () => {
    const plan = fleetPlan(2, 2);
    const dir = tempDir();
    writeStackArtifacts(dir, plan);
    expect(filesIn(dir)).toEqual(stackArtifacts(plan));
    expect(statSync(join(dir, "scripts", "guest-ldg0-0.sh")).mode & 0o777).toBe(0o755);
    expect(statSync(join(dir, "ldoms.plan.json")).mode & 0o777).toBe(0o644);
  });

  it("write a plan larger than one write slice, with non-ASCII text, byte for byte", () => {
    const plan = fleetPlan(16, 10);
    const text = stackArtifacts(plan).get("ldoms.plan.json") as string;
    expect(text.length).toBeGreaterThan(1 << 20);
    expect(text).toContain("clé-🔑-15");
    const dir = tempDir();
    writeStackArtifacts(dir, plan);
    expect(readFileSync(join(dir, "ldoms.plan.json")).equals(Buffer.from(text, "utf8"))).toBe(true);
  });

  it("remove scripts no longer produced and keep every other file", () => {
    const dir = tempDir();
    writeStackArtifacts(dir, fleetPlan(4, 1));
    writeFileSync(join(dir, "cdk.tf.json"), "{}\n");
    writeFileSync(join(dir, "scripts", "notes.txt"), "kept\n");
    writeStackArtifacts(dir, fleetPlan(2, 1));
    expect(readdirSync(join(dir, "scripts")).sort()).toEqual(["guest-ldg0-0.sh", "guest-ldg1-0.sh", "notes.txt", "t7-0.sh", "t7-1.sh"]);
    expect(readFileSync(join(dir, "cdk.tf.json"), "utf8")).toBe("{}\n");
  });
});
