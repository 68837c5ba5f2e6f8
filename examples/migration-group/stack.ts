/**
 * Two machines, t7-a and t7-b, in one MigrationGroup, and two mobile domains, ldg1 and ldg2, each
 * with a named SR-IOV Ethernet VF paired with a vnet in an IPMP group. Each domain's VF is kept
 * ready on both machines: assigned where the domain runs, unassigned (same name) on the other.
 * Where a domain runs is observed, so `ldoms migrate ldg1 --to t7-b` and back need no code change.
 *
 * Addresses and host keys below are placeholders: an inventory (`--inventory FILE`, written by
 * `ldoms lab up`) supplies the real ones per host id.
 */
import type { Construct } from "constructs";
import {
  ControlDomain, EthernetVf, IpmpGroup, LdomsStack, type LdomsStackProps, MigrationGroup, Network, PhysicalFunction, VirtualSwitch, Vnet,
} from "../../src";

/** `terraform`: how Terraform changes the hosts (LdomsStackProps; default: the ldoms provider's resources). */
export function defineMigrationGroupExample(app: Construct, props: Pick<LdomsStackProps, "terraform"> = {}): LdomsStack {
  const stack = new LdomsStack(app, "prod-pair", props);
  const net = new Network(stack, "app-net", { vlan: 100 });

  const hosts = (["t7-a", "t7-b"] as const).map((id) => {
    const host = new ControlDomain(stack, id, {
      address: `${id}.example.net`,
      user: "ldmops",
      hostKey: id === "t7-a" ? "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" : "SHA256:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB",
    });
    // The port each machine has cabled to the application network.
    new PhysicalFunction(host, "app-pf", { pf: "/SYS/MB/NET2/IOVNET.PF0", network: net });
    new VirtualSwitch(host, "primary-vsw0", { network: net });
    return host;
  });

  const pair = new MigrationGroup(stack, "pair", { hosts });
  for (const name of ["ldg1", "ldg2"]) {
    const domain = pair.addDomain(name);
    const vf = new EthernetVf(domain, "vf0", { name: `${name}-app`, network: net, pvid: 100 });
    const vnet = new Vnet(domain, "vnet0", { vswitch: "primary-vsw0", network: net, pvid: 100 });
    new IpmpGroup(domain, "ipmp0", { active: vf, standby: vnet });
  }
  return stack;
}
