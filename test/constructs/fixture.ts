import { Construct } from "constructs";
import {
  ControlDomain, EthernetVf, GuestDomain, IpmpGroup, Network, SriovMigration, Vnet,
} from "../../src/constructs";

/** A construct tree root without cdktf: constructs and synthesis do not need it. */
export function newStack(id = "prod-move"): Construct {
  const root = new Construct(undefined as unknown as Construct, "");
  return new Construct(root, id);
}

export const KEY_A = "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
export const KEY_B = "SHA256:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";

/** The example's shape: ldg1 on t7-a with VF ldg1-app + vnet0 in ipmp0, migrating to t7-b. */
export function exampleTree(stack: Construct = newStack()) {
  const net = new Network(stack, "app-net", { vlan: 100 });
  const source = new ControlDomain(stack, "t7-a", { address: "t7-a.example.net", user: "ldmops", hostKey: KEY_A });
  const target = new ControlDomain(stack, "t7-b", { address: "t7-b.example.net", user: "ldmops", hostKey: KEY_B });
  const ldg1 = new GuestDomain(source, "ldg1");
  const vf = new EthernetVf(ldg1, "vf0", { pf: "/SYS/MB/NET0/IOVNET.PF0", name: "ldg1-app", network: net, pvid: 100 });
  const vnet = new Vnet(ldg1, "vnet0", { vswitch: "primary-vsw0", network: net, pvid: 100 });
  const ipmp = new IpmpGroup(ldg1, "ipmp0", { active: vf, standby: vnet });
  const migration = new SriovMigration(stack, "ldg1-to-b", { domain: ldg1, target, targetPf: "/SYS/MB/NET2/IOVNET.PF0" });
  return { stack, net, source, target, ldg1, vf, vnet, ipmp, migration };
}
