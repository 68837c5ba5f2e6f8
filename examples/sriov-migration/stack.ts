/**
 * One guest domain, ldg1, on machine t7-a, with a named SR-IOV Ethernet VF and a vnet paired in
 * an IPMP group, prepared for live migration to machine t7-b.
 *
 * Addresses and host keys below are placeholders: an inventory (`--inventory FILE`, written by
 * `ldoms lab up`) supplies the real ones per host id.
 */
import type { Construct } from "constructs";
import {
  ControlDomain, EthernetVf, GuestDomain, IpmpGroup, LdomsStack, type LdomsStackProps, Network, SriovMigration, Vnet,
} from "../../src";

/** `terraform`: how Terraform changes the hosts (LdomsStackProps; default: the ldoms provider's resources). */
export function defineSriovMigrationExample(app: Construct, props: Pick<LdomsStackProps, "terraform"> = {}): LdomsStack {
  const stack = new LdomsStack(app, "prod-move", props);
  const net = new Network(stack, "app-net", { vlan: 100 });

  const source = new ControlDomain(stack, "t7-a", {
    address: "t7-a.example.net",
    user: "ldmops",
    hostKey: "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
  });
  const target = new ControlDomain(stack, "t7-b", {
    address: "t7-b.example.net",
    user: "ldmops",
    hostKey: "SHA256:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB",
  });

  const ldg1 = new GuestDomain(source, "ldg1");
  const vf = new EthernetVf(ldg1, "vf0", {
    pf: "/SYS/MB/NET0/IOVNET.PF0",
    name: "ldg1-app",
    network: net,
    pvid: 100,
  });
  const vnet = new Vnet(ldg1, "vnet0", { vswitch: "primary-vsw0", network: net, pvid: 100 });
  new IpmpGroup(ldg1, "ipmp0", { active: vf, standby: vnet });

  new SriovMigration(stack, "ldg1-to-b", {
    domain: ldg1,
    target,
    targetPf: "/SYS/MB/NET2/IOVNET.PF0",
  });
  return stack;
}
