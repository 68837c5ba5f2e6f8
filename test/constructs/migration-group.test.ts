/** MigrationGroup and PhysicalFunction: bad input is refused where it was made, or at synthesis with every problem listed. */
import { Construct } from "constructs";
import { describe, expect, it } from "vitest";
import { ControlDomain, EthernetVf, IpmpGroup, MigrationGroup, Network, PhysicalFunction, SriovMigration, Vnet } from "../../src/constructs";
import { synthesizePlan } from "../../src/synth";
import { guestScriptArtifacts } from "../../src/synth/guest-script";

function base() {
  const root = new Construct(undefined as unknown as Construct, "");
  const stack = new Construct(root, "s");
  const net = new Network(stack, "app-net", { vlan: 100 });
  const a = new ControlDomain(stack, "t7-a", { address: "a.example.net" });
  const b = new ControlDomain(stack, "t7-b", { address: "b.example.net" });
  return { stack, net, a, b };
}

function mobile(group: MigrationGroup, net: Network, name: string, vfName = `${name}-app`) {
  const d = group.addDomain(name);
  const vf = new EthernetVf(d, "vf0", { name: vfName, network: net, pvid: 100 });
  const vnet = new Vnet(d, "vnet0", { vswitch: "primary-vsw0", network: net, pvid: 100 });
  new IpmpGroup(d, "ipmp0", { active: vf, standby: vnet });
  return d;
}

describe("MigrationGroup", () => {
  it("refuses a group with one host, or a host twice", () => {
    const { stack, a } = base();
    expect(() => new MigrationGroup(stack, "g", { hosts: [a] })).toThrow('s/g: hosts ["t7-a"] has 1 control domain; a group needs at least two machines to move domains between: add the other ControlDomain');
    expect(() => new MigrationGroup(stack, "h", { hosts: [a, a] })).toThrow('s/h: hosts ["t7-a","t7-a"] lists "t7-a" twice; list each control domain once');
  });

  it("refuses pf, vf or a MAC on a mobile domain's VF, and a VF without network", () => {
    const { stack, net, a, b } = base();
    const d = new MigrationGroup(stack, "g", { hosts: [a, b] }).addDomain("ldg1");
    expect(() => new EthernetVf(d, "v1", { name: "x", pf: "/SYS/MB/NET0/IOVNET.PF0", network: net })).toThrow("s/g/ldg1/v1: pf \"/SYS/MB/NET0/IOVNET.PF0\" is given, but the domain moves between the hosts of s/g; a VF of a mobile domain is created on each host's PhysicalFunction of its network: remove pf and declare the PFs with PhysicalFunction");
    expect(() => new EthernetVf(d, "v2", { name: "x" })).toThrow("s/g/ldg1/v2: network is not set;");
    expect(() => new EthernetVf(d, "v3", { name: "x", network: net, macAddr: "00:14:4f:f8:00:01" })).toThrow("each machine's VF keeps its own MAC address: remove macAddr");
  });

  it("lists each host and network without a PF, a PF on two networks, and a VF name used twice, all at synthesis", () => {
    const { stack, net, a, b } = base();
    const other = new Network(stack, "backup-net", { vlan: 200 });
    new PhysicalFunction(a, "pf", { pf: "/SYS/MB/NET2/IOVNET.PF0", network: net });
    new PhysicalFunction(a, "pf-again", { pf: "/SYS/MB/NET2/IOVNET.PF0", network: other });
    const group = new MigrationGroup(stack, "g", { hosts: [a, b] });
    mobile(group, net, "ldg1", "shared-app");
    mobile(group, net, "ldg2", "shared-app");
    let message = "";
    try {
      synthesizePlan(stack, "s");
    } catch (error) {
      message = String((error as { problems?: string[] }).problems?.join("\n") ?? error);
    }
    expect(message).toContain('host "t7-b" has no PhysicalFunction on network "app-net", needed by s/g/ldg1/vf0, s/g/ldg2/vf0; declare new PhysicalFunction(<t7-b>');
    expect(message).toContain('PF /SYS/MB/NET2/IOVNET.PF0 is declared on network "app-net" (s/t7-a/pf) and on network "backup-net" (s/t7-a/pf-again) on control domain "t7-a"');
    expect(message).toContain('VF name "shared-app" is used twice on control domain "t7-a" (by s/g/ldg1/vf0 and by s/g/ldg2/vf0)');
  });

  it("refuses an SriovMigration of a mobile domain, and a vnet bound to one machine's switch object", () => {
    const { stack, net, a, b } = base();
    new PhysicalFunction(a, "pf", { pf: "/SYS/MB/NET2/IOVNET.PF0", network: net });
    new PhysicalFunction(b, "pf", { pf: "/SYS/MB/NET2/IOVNET.PF0", network: net });
    const group = new MigrationGroup(stack, "g", { hosts: [a, b] });
    const d = mobile(group, net, "ldg1");
    expect(() => new SriovMigration(stack, "m", { domain: d, target: b, targetPf: "/SYS/MB/NET0/IOVNET.PF0" })).toThrow("s/m: domain \"s/g/ldg1\" is a mobile domain of s/g, which already moves it between its hosts; drop the SriovMigration and run: ldoms migrate ldg1 --to <host>");
    const sw = a.addVirtualSwitch("primary-vsw0");
    expect(() => new Vnet(d, "vnet9", { vswitch: sw })).toThrow('name the switch (vswitch: "primary-vsw0"); every host of the group needs a switch by that name');
  });

  it("declares a mobile domain on every host, its VF on each host's PF of its network", () => {
    const { stack, net, a, b } = base();
    new PhysicalFunction(a, "pf", { pf: "/SYS/MB/NET0/IOVNET.PF0", network: net });
    new PhysicalFunction(b, "pf", { pf: "/SYS/MB/NET2/IOVNET.PF0", network: net });
    mobile(new MigrationGroup(stack, "g", { hosts: [b, a], migrationAddresses: { "t7-b": "10.0.0.2" } }), net, "ldg1");
    const doc = synthesizePlan(stack, "s");
    const vfOn = (host: string) => doc.hosts.find((h) => h.id === host)?.desired.domains[0]?.vfs[0];
    expect([vfOn("t7-a")?.pf, vfOn("t7-b")?.pf]).toEqual(["/SYS/MB/NET0/IOVNET.PF0", "/SYS/MB/NET2/IOVNET.PF0"]);
    expect(doc.hosts.every((h) => h.desired.domains[0]?.mobile?.group === "g")).toBe(true);
    // One guest script per mobile domain, whichever host it runs on.
    expect([...guestScriptArtifacts(doc).keys()]).toEqual(["scripts/guest-ldg1.sh"]);
    expect(guestScriptArtifacts(doc).get("scripts/guest-ldg1.sh")).toContain("# IPMP inside guest domain ldg1 (mobile in group g, stack s)");
    expect(doc.groups).toEqual([{ auth: { kind: "certificate" }, domains: [{ name: "ldg1", requiredVswitches: ["primary-vsw0"], vfs: ["ldg1-app"] }], hosts: [{ id: "t7-b", migrationAddress: "10.0.0.2" }, { id: "t7-a", migrationAddress: "a.example.net" }], id: "g" }]);
  });
});
