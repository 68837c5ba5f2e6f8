/**
 * Two domains migrating off the same host, one after the other: the second migration's
 * preparation ignores the steps of the domain the first one moved away (they are that
 * migration's business, not missing preparation), and its --apply does not try to redo them.
 */
import { Construct } from "constructs";
import { describe, expect, it } from "vitest";
import { ControlDomain, EthernetVf, GuestDomain, IpmpGroup, Network, SriovMigration, Vnet } from "../../src/constructs";
import { synthesizePlan } from "../../src/synth";
import type { PlanDocument } from "../../src/model";
import { defaultLabJson, startMigrationLab } from "./support";

const PF0 = "/SYS/MB/NET0/IOVNET.PF0";
const TARGET_PF = "/SYS/MB/NET2/IOVNET.PF0";

/** The example plus ldg2 on t7-a, with its own VF, vnet, IPMP pairing and migration to t7-b. */
function twoDomainPlan(): PlanDocument {
  const root = new Construct(undefined as unknown as Construct, "");
  const stack = new Construct(root, "two-move");
  const net = new Network(stack, "app-net", { vlan: 100 });
  const source = new ControlDomain(stack, "t7-a", { address: "t7-a.example.net", user: "ldmops" });
  const target = new ControlDomain(stack, "t7-b", { address: "t7-b.example.net", user: "ldmops" });
  for (const name of ["ldg1", "ldg2"]) {
    const guest = new GuestDomain(source, name);
    const vf = new EthernetVf(guest, "vf0", { pf: PF0, name: `${name}-app`, network: net, pvid: 100 });
    const vnet = new Vnet(guest, "vnet0", { vswitch: "primary-vsw0", network: net, pvid: 100 });
    new IpmpGroup(guest, "ipmp0", { active: vf, standby: vnet });
    new SriovMigration(stack, `${name}-to-b`, { domain: guest, target, targetPf: TARGET_PF });
  }
  return synthesizePlan(stack, "two-move");
}

function labWithLdg2() {
  const json = defaultLabJson();
  const t7a = json.machines.find((m) => m.name === "t7-a") as { domains: Record<string, unknown>[] };
  t7a.domains.push({ name: "ldg2", state: "active", ncpu: 4, memory: "8G" });
  return json;
}

describe("a second migration off the same host", () => {
  it("is prepared and migrates after the first one moved its domain away", async () => {
    const lab = await startMigrationLab({ json: labWithLdg2(), document: twoDomainPlan() });
    try {
      const first = await lab.migrate({ migrationId: "ldg1-to-b", apply: true, acceptUnverified: true });
      expect([first.outcome, first.summary]).toEqual(["migrated", expect.any(String)]);
      const second = await lab.migrate({ migrationId: "ldg2-to-b", acceptUnverified: true });
      expect(second.missingPreparation).toEqual([]);
      expect(second.outcome).toBe("migrated");
      // Back where the first one left it: both domains now on t7-b, nothing left to prepare.
      const again = await lab.migrate({ migrationId: "ldg1-to-b", acceptUnverified: true });
      expect(again.outcome).toBe("already-migrated");
    } finally {
      await lab.close();
    }
  }, 90_000);
});
