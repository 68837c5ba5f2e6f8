/**
 * A small kit for tests of programs built on cdktf-ldoms, exported as `Testing` from the package
 * root. `examplePlan()` synthesizes the example's shape in-process (one guest, ldg1, on t7-a with
 * a named VF and a vnet in an IPMP group, migrating to t7-b), without cdktf or files.
 */
import { Construct } from "constructs";
import { ControlDomain, EthernetVf, GuestDomain, IpmpGroup, Network, SriovMigration, Vnet } from "./constructs";
import { synthesizePlan } from "./synth";
import type { PlanDocument } from "./model";

export interface ExampleOptions {
  /** Stack name in the plan document. Default "prod-move". */
  readonly stack?: string;
}

/** The plan document of the example stack; host ids t7-a and t7-b, as in the default lab. */
export function examplePlan(options: ExampleOptions = {}): PlanDocument {
  const root = new Construct(undefined as unknown as Construct, "");
  const stack = new Construct(root, options.stack ?? "prod-move");
  const net = new Network(stack, "app-net", { vlan: 100 });
  const source = new ControlDomain(stack, "t7-a", { address: "t7-a.example.net", user: "ldmops", hostKey: "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" });
  const target = new ControlDomain(stack, "t7-b", { address: "t7-b.example.net", user: "ldmops", hostKey: "SHA256:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB" });
  const ldg1 = new GuestDomain(source, "ldg1");
  const vf = new EthernetVf(ldg1, "vf0", { pf: "/SYS/MB/NET0/IOVNET.PF0", name: "ldg1-app", network: net, pvid: 100 });
  const vnet = new Vnet(ldg1, "vnet0", { vswitch: "primary-vsw0", network: net, pvid: 100 });
  new IpmpGroup(ldg1, "ipmp0", { active: vf, standby: vnet });
  new SriovMigration(stack, "ldg1-to-b", { domain: ldg1, target, targetPf: "/SYS/MB/NET2/IOVNET.PF0" });
  return synthesizePlan(stack, options.stack ?? "prod-move");
}
