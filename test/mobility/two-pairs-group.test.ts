/**
 * A mobile domain with two VF/vnet pairs, each in its own IPMP group on its own network, in a
 * MigrationGroup: each VF is placed by its network on each host's PhysicalFunction, the domain
 * moves there and back, both IPMP groups are back on their own VFs after each move, and plan has
 * no changes.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Construct } from "constructs";
import { ControlDomain, EthernetVf, IpmpGroup, MigrationGroup, Network, PhysicalFunction, Vnet } from "../../src/constructs";
import { Lab } from "../../src/lab/lab";
import { loadLabDefinition } from "../../src/lab/definition";
import { LabExecutor } from "../../src/lab-serving/executor";
import { synthesizePlan } from "../../src/synth";
import type { PlanDocument } from "../../src/model";
import { NET0_PF, NET2_PF, twoNetworksLabJson } from "../migration/fixtures/two-pairs";
import { GroupCli, mutatingCommands } from "./support";

function mobileTwoPairsPlan(): PlanDocument {
  const root = new Construct(undefined as unknown as Construct, "");
  const stack = new Construct(root, "pairs");
  const app = new Network(stack, "lan-app", { vlan: 100 });
  const db = new Network(stack, "lan-db", { vlan: 200 });
  const hosts = ["t7-a", "t7-b"].map((id) => {
    const host = new ControlDomain(stack, id, { address: `${id}.example.net`, user: "ldmops" });
    new PhysicalFunction(host, "app", { pf: NET2_PF, network: app });
    new PhysicalFunction(host, "db", { pf: NET0_PF, network: db });
    return host;
  });
  const ldg1 = new MigrationGroup(stack, "pair", { hosts }).addDomain("ldg1", { access: { address: "ldg1.example.net", user: "ldmops" } });
  for (const [vfName, net, vnetName, vswitch, group, vlan] of [["ldg1-app", app, "vnet0", "primary-vsw0", "ipmp-app", 100], ["ldg1-db", db, "vnet1", "primary-vsw1", "ipmp-db", 200]] as const) {
    const vf = new EthernetVf(ldg1, vfName, { name: vfName, network: net, pvid: vlan });
    const vnet = new Vnet(ldg1, vnetName, { vswitch, network: net, pvid: vlan });
    new IpmpGroup(ldg1, group, { active: vf, standby: vnet });
  }
  return synthesizePlan(stack, "pairs");
}

const removals: (() => void)[] = [];
afterEach(() => { for (const r of removals.splice(0)) r(); });

describe("a mobile domain with two VF/vnet pairs", () => {
  it("moves there and back; after each move both IPMP groups are back on their own VFs and nothing is left to do", async () => {
    const json = twoNetworksLabJson();
    json.options = { ...json.options, invSettleMs: 300, migrationMs: 500 };
    const lab = Lab.fromDefinition(loadLabDefinition(json, "two networks"));
    const cli = new GroupCli(mobileTwoPairsPlan(), undefined, (target) => new LabExecutor(lab, target.id));
    removals.push(() => cli.remove());
    const applied = await cli.apply();
    expect(applied.code, applied.stdout).toBe(0);
    // Each VF on the PF of its network, on both hosts.
    for (const machine of ["t7-a", "t7-b"]) {
      const records = (await lab.runLdm(machine, ["list-io", "-l", "-p"])).stdout.split(/\n(?=\|dev=)/);
      const pfOf = (name: string) => /alias=([^|]+)\.VF\d+/.exec(records.find((r) => new RegExp(`name=${name}$`, "m").test(r)) ?? "")?.[1];
      expect([pfOf("ldg1-app"), pfOf("ldg1-db")], machine).toEqual([NET2_PF, NET0_PF]);
    }
    for (const to of ["t7-b", "t7-a"]) {
      const moved = await cli.migrate("ldg1", to, { acceptUnverified: false });
      expect(moved.code, moved.stdout).toBe(0);
      const report = JSON.parse(moved.stdout) as { outcome: string; postVerify: { id: string; status: string; message: string }[] };
      expect(report.outcome).toBe("migrated");
      const ipmp = report.postVerify.find((c) => c.id === "post/guest-ipmp-on-vf");
      expect(ipmp?.status).toBe("passed");
      expect(ipmp?.message).toMatch(new RegExp(`IPMP group ipmp-app: net\\d \\(VF ldg1-app\\) active, net\\d \\(vnet vnet0\\) standby, both up; IPMP group ipmp-db: net\\d \\(VF ldg1-db\\) active, net\\d \\(vnet vnet1\\) standby, both up on ${to}`));
      expect(report.postVerify.filter((c) => c.id.startsWith("post/target-vf-assigned/")).map((c) => [c.id, c.status])).toEqual([["post/target-vf-assigned/ldg1-app", "passed"], ["post/target-vf-assigned/ldg1-db", "passed"]]);
      expect((await cli.plan()).code).toBe(0);
      expect(mutatingCommands(await cli.apply())).toBe(0);
    }
  }, 120_000);
});
