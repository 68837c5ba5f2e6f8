import { describe, expect, it } from "vitest";
import {
  ControlDomain, EthernetVf, FibreChannelVf, GuestDomain, InfiniBandVf, IpmpGroup, Network, SriovMigration, VirtualSwitch, Vnet, validateTree,
} from "../../src/constructs";
import { ValidationError } from "../../src/model";
import { exampleTree, newStack } from "./fixture";

function problemsOf(root: Parameters<typeof validateTree>[0]): readonly string[] {
  try {
    validateTree(root);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).problems;
  }
  return [];
}

describe("tree-wide rules", () => {
  it("accepts the example", () => {
    const { stack } = exampleTree();
    expect(problemsOf(stack)).toEqual([]);
  });

  it("reports every broken rule together, each with its construct path", () => {
    const stack = newStack();
    const net = new Network(stack, "app-net", { vlan: 100 });
    const other = new Network(stack, "backup-net", { vlan: 200 });
    const a = new ControlDomain(stack, "t7-a", { address: "t7-a" });
    const b = new ControlDomain(stack, "t7-b", { address: "t7-b" });
    new VirtualSwitch(b, "backup-vsw0", { network: other });

    // ldg1 migrates to its own machine, with an unnamed VF, an FC VF, an IB VF and no IPMP group.
    const ldg1 = new GuestDomain(a, "ldg1");
    new EthernetVf(ldg1, "vf0", { pf: "/SYS/MB/NET0/IOVNET.PF0", network: net, pvid: 100 });
    new FibreChannelVf(ldg1, "fc0", { device: "/SYS/MB/PCIE7/IOVFC.PF0.VF0" });
    new InfiniBandVf(ldg1, "ib0", { device: "/SYS/MB/RISER1/PCIE4/IOVIB.PF0.VF0" });
    new SriovMigration(stack, "ldg1-home", { domain: ldg1, target: a, targetPf: "/SYS/MB/NET2/IOVNET.PF0" });

    // ldg2: VF name clashes with ldg3's, vnet on another network, VLAN mismatch, no target,
    // its switch missing on the target, and a second migration of the same domain.
    const ldg2 = new GuestDomain(a, "ldg2");
    const vf2 = new EthernetVf(ldg2, "vf0", { pf: "/SYS/MB/NET0/IOVNET.PF0", name: "app", network: net, pvid: 300 });
    const vnet2 = new Vnet(ldg2, "vnet0", { vswitch: "primary-vsw0", network: other, pvid: 200 });
    new IpmpGroup(ldg2, "ipmp0", { active: vf2, standby: vnet2 });
    new SriovMigration(stack, "ldg2-to-b", { domain: ldg2, target: b });
    new SriovMigration(stack, "ldg2-again", { domain: ldg2, target: b, targetPf: "/SYS/MB/NET2/IOVNET.PF0" });
    const ldg3 = new GuestDomain(a, "ldg3");
    new EthernetVf(ldg3, "vf0", { pf: "/SYS/MB/NET1/IOVNET.PF0", name: "app" });
    new GuestDomain(a, "ldg3-copy", { name: "ldg3" });
    new Vnet(ldg3, "vnet0", { vswitch: "primary-vsw0" });
    new Vnet(ldg3, "vnet0-again", { ifName: "vnet0", vswitch: "primary-vsw0" });

    const problems = problemsOf(stack);
    const expected = [
      'prod-move/t7-a: VF name "app" is used twice on control domain "t7-a" (by prod-move/t7-a/ldg2/vf0 and by prod-move/t7-a/ldg3/vf0); VF names are unique per machine: rename one',
      'prod-move/t7-a: domain name "ldg3" is declared twice on control domain "t7-a" (prod-move/t7-a/ldg3 and prod-move/t7-a/ldg3-copy); give each GuestDomain its own name',
      'prod-move/t7-a/ldg1/vf0: VF has no user-assigned name, but domain "ldg1" migrates (prod-move/ldg1-home) and Oracle\'s migration requires every Ethernet VF of the domain to be named; set name: "ldg1-vf0"',
      "prod-move/t7-a/ldg2/vf0: VF has pvid 300 and vid [] but is on network \"app-net\" (VLAN 100); set pvid: 100 (or add 100 to vid)",
      'prod-move/t7-a/ldg3: vnet if-name "vnet0" is used twice in domain "ldg3" (prod-move/t7-a/ldg3/vnet0 and prod-move/t7-a/ldg3/vnet0-again); if-names are unique per domain',
      'prod-move/ldg1-home: target "t7-a" is the control domain domain "ldg1" already runs on; choose the ControlDomain of another machine',
      'prod-move/ldg1-home: domain "ldg1" has Fibre Channel VF /SYS/MB/PCIE7/IOVFC.PF0.VF0 (prod-move/t7-a/ldg1/fc0); a domain with a Fibre Channel or InfiniBand VF cannot be migrated: remove the VF from the domain or drop the migration',
      'prod-move/ldg1-home: domain "ldg1" has InfiniBand VF /SYS/MB/RISER1/PCIE4/IOVIB.PF0.VF0 (prod-move/t7-a/ldg1/ib0); a domain with a Fibre Channel or InfiniBand VF cannot be migrated: remove the VF from the domain or drop the migration',
      'prod-move/ldg1-home: VF prod-move/t7-a/ldg1/vf0 is not the active interface of any IpmpGroup; a migrating domain needs the VF and a vnet in one IPMP group: add new IpmpGroup(domain, "ipmp0", { active: vf, standby: vnet })',
      'prod-move/ldg2-to-b: VF prod-move/t7-a/ldg2/vf0 has no target VF on "t7-b"; set targetPf (or addTargetVf(vf, { pf }))',
      'prod-move/ldg2-to-b: VF prod-move/t7-a/ldg2/vf0 is on network "app-net" but its standby vnet prod-move/t7-a/ldg2/vnet0 has network "backup-net"; put both on the same Network',
      'prod-move/ldg2-to-b: vnet prod-move/t7-a/ldg2/vnet0 uses virtual switch "primary-vsw0", which is not declared on target "t7-b" (declared: backup-vsw0); a domain that moves needs a switch of the same name on every machine it may run on: declare it there',
      'prod-move/ldg2-again: domain "ldg2" already migrates in prod-move/ldg2-to-b; declare one SriovMigration per domain',
    ];
    for (const message of expected) expect(problems).toContain(message);
    // Nothing else is reported: a second migration of a domain only says so.
    expect(problems.filter((p) => !expected.includes(p))).toEqual([]);
  });

  it("reports a VF without a network on a migrating domain and a missing EthernetVf", () => {
    const { stack, ldg1, target } = exampleTree();
    const noVf = new GuestDomain(ldg1.controlDomain, "ldg5");
    new SriovMigration(stack, "ldg5-to-b", { domain: noVf, target, targetPf: "/SYS/MB/NET2/IOVNET.PF1" });
    const ldg6 = new GuestDomain(ldg1.controlDomain, "ldg6");
    const vf = new EthernetVf(ldg6, "vf0", { pf: "/SYS/MB/NET0/IOVNET.PF1", name: "ldg6-app" });
    const vnet = new Vnet(ldg6, "vnet0", { vswitch: "primary-vsw0" });
    new IpmpGroup(ldg6, "ipmp0", { active: vf, standby: vnet });
    new SriovMigration(stack, "ldg6-to-b", { domain: ldg6, target, targetPf: "/SYS/MB/NET2/IOVNET.PF1" });
    expect(problemsOf(stack)).toEqual([
      'prod-move/ldg5-to-b: domain "ldg5" has no EthernetVf; an SR-IOV migration prepares the domain\'s named Ethernet VF: declare one',
      "prod-move/ldg6-to-b: VF prod-move/t7-a/ldg6/vf0 has no network; declare the Network it reaches (network: net) so the VF, the vnet and the target VF can be checked to reach the same network",
    ]);
  });

  it("counts a migration's target VF against the names already used on the target", () => {
    const { target } = exampleTree();
    const ldg9 = new GuestDomain(target, "ldg9");
    new EthernetVf(ldg9, "vf0", { pf: "/SYS/MB/NET2/IOVNET.PF1", name: "ldg1-app" });
    expect(problemsOf(target.node.scope!)).toEqual([
      'prod-move/t7-b: VF name "ldg1-app" is used twice on control domain "t7-b" (by prod-move/t7-b/ldg9/vf0 and by the target VF of prod-move/ldg1-to-b); VF names are unique per machine: rename one',
    ]);
  });

  it("checks vnets against the switches declared on their own machine and the network of the switch", () => {
    const stack = newStack();
    const net = new Network(stack, "app-net");
    const other = new Network(stack, "other-net");
    const a = new ControlDomain(stack, "t7-a", { address: "t7-a" });
    const sw = new VirtualSwitch(a, "primary-vsw0", { network: other });
    const ldg1 = new GuestDomain(a, "ldg1");
    new Vnet(ldg1, "vnet0", { vswitch: "primary-vsw1" });
    new Vnet(ldg1, "vnet1", { vswitch: sw, network: net });
    new VirtualSwitch(a, "dup", { name: "primary-vsw0" });
    const vf = new EthernetVf(ldg1, "vf0", { vf: "/SYS/MB/NET0/IOVNET.PF0.VF0", name: "a" });
    new EthernetVf(ldg1, "vf1", { vf: "/SYS/MB/NET0/IOVNET.PF0.VF0", name: "b" });
    expect(vf.vfName).toBe("a");
    expect(problemsOf(stack)).toEqual([
      'prod-move/t7-a: VF /SYS/MB/NET0/IOVNET.PF0.VF0 is declared twice on control domain "t7-a" (by prod-move/t7-a/ldg1/vf0 and by prod-move/t7-a/ldg1/vf1); declare each existing VF once',
      'prod-move/t7-a: virtual switch "primary-vsw0" is declared twice on control domain "t7-a" (prod-move/t7-a/primary-vsw0 and prod-move/t7-a/dup); declare it once',
      'prod-move/t7-a/ldg1/vnet0: vnet uses virtual switch "primary-vsw1", which is not among the switches declared on control domain "t7-a" (primary-vsw0, primary-vsw0); declare it or use one of those',
      'prod-move/t7-a/ldg1/vnet1: vnet is on network "app-net" but its switch "primary-vsw0" is on network "other-net"; use a switch on the same network',
    ]);
  });

  it("says how many problems there are in the message", () => {
    const stack = newStack();
    const a = new ControlDomain(stack, "t7-a", { address: "t7-a" });
    new EthernetVf(new GuestDomain(a, "ldg1"), "vf0", { pf: "/SYS/MB/NET0/IOVNET.PF0" });
    expect(() => validateTree(stack)).toThrow(
      'the LDoms configuration of prod-move has 1 problem:\n  - prod-move/t7-a/ldg1/vf0: VF has no user-assigned name; the plan finds its VF again by name: set name: "ldg1-vf0"',
    );
  });
});

describe("more relation rules", () => {
  it("reports vnet VLAN mismatch, ambiguous targetVf, a target switch on another network and duplicate IPMP groups", () => {
    const stack = newStack();
    const net = new Network(stack, "app-net", { vlan: 100 });
    const other = new Network(stack, "other-net", { vlan: 200 });
    const a = new ControlDomain(stack, "t7-a", { address: "t7-a" });
    const b = new ControlDomain(stack, "t7-b", { address: "t7-b" });
    new VirtualSwitch(b, "primary-vsw0", { network: other });
    const ldg1 = new GuestDomain(a, "ldg1");
    const vf0 = new EthernetVf(ldg1, "vf0", { pf: "/SYS/MB/NET0/IOVNET.PF0", name: "ldg1-a", network: net, vid: [100] });
    const vf1 = new EthernetVf(ldg1, "vf1", { pf: "/SYS/MB/NET0/IOVNET.PF0", name: "ldg1-b", network: net, pvid: 100 });
    const vnet = new Vnet(ldg1, "vnet0", { vswitch: "primary-vsw0", network: net, pvid: 1 });
    new IpmpGroup(ldg1, "ipmp0", { active: vf0, standby: vnet });
    new IpmpGroup(ldg1, "ipmp0-again", { name: "ipmp0", active: vf1, standby: vnet });
    new SriovMigration(stack, "ldg1-to-b", { domain: ldg1, target: b, targetVf: "/SYS/MB/NET2/IOVNET.PF0.VF0" });
    expect(problemsOf(stack)).toEqual([
      'prod-move/t7-a/ldg1: IPMP group "ipmp0" is declared twice in domain "ldg1" (prod-move/t7-a/ldg1/ipmp0 and prod-move/t7-a/ldg1/ipmp0-again); declare it once',
      'prod-move/t7-a/ldg1/vnet0: vnet has pvid 1 and vid [] but is on network "app-net" (VLAN 100); set pvid: 100 (or add 100 to vid)',
      "prod-move/ldg1-to-b: targetVf /SYS/MB/NET2/IOVNET.PF0.VF0 is ambiguous: domain \"ldg1\" has 2 Ethernet VFs; use addTargetVf(vf, { vf }) for each",
      'prod-move/ldg1-to-b: VF prod-move/t7-a/ldg1/vf0 has no target VF on "t7-b"; set targetPf (or addTargetVf(vf, { pf }))',
      'prod-move/ldg1-to-b: VF prod-move/t7-a/ldg1/vf1 has no target VF on "t7-b"; set targetPf (or addTargetVf(vf, { pf }))',
      'prod-move/ldg1-to-b: vnet prod-move/t7-a/ldg1/vnet0 is on network "app-net" but switch "primary-vsw0" on target "t7-b" is on network "other-net"; the switch must reach the same network',
    ]);
  });
});
