/**
 * The parsers on hand-written, real-shaped samples of each lab variant's alternative (docs/lab.md,
 * "Variants"; shared/docs/ldm-evidence.md): read by key, never by position or line layout.
 */
import { describe, expect, it } from "vitest";
import { parseIpmpstat, parseListDomains, parseListIo, parseListServices } from "../../src/ldm";

const PF = "|dev=pci@300/pci@1/pci@0/pci@4/network@0|alias=/SYS/MB/NET0/IOVNET.PF0|status=|domain=primary|type=PF|class=NETWORK|bus=pci_0";
const VF0 = "|dev=pci@300/pci@1/pci@0/pci@4/network@0,1|alias=/SYS/MB/NET0/IOVNET.PF0.VF0|status=|domain=ldg1|type=VF|class=NETWORK|bus=pci_0";
const VF1 = "|dev=pci@300/pci@1/pci@0/pci@4/network@0,2|alias=/SYS/MB/NET0/IOVNET.PF0.VF1|status=|domain=|type=VF|class=NETWORK|bus=pci_0";

describe("list-io -l -p alternatives", () => {
  it("grouped property lines (evidence §1: the wanted value is the line's second field) with the name on a property line", () => {
    const text = [
      "VERSION 1.6",
      PF,
      "|dev=pci@300/pci@1/pci@0/pci@4/network@0|maxvfs=7",
      VF0,
      "|dev=pci@300/pci@1/pci@0/pci@4/network@0,1|mac-addr=00:14:4f:f8:00:01|alt-mac-addrs=|pvid=100|vid=200,300|mtu=1500|name=ldg1-app",
      VF1,
      "|dev=pci@300/pci@1/pci@0/pci@4/network@0,2|mac-addr=00:14:4f:f8:00:02|alt-mac-addrs=|pvid=|vid=|mtu=1500|name=",
      "",
    ].join("\n");
    const [pf, vf0, vf1] = parseListIo(text);
    expect(pf).toMatchObject({ type: "PF", dev: "pci@300/pci@1/pci@0/pci@4/network@0", properties: { maxvfs: "7" } });
    expect(vf0).toMatchObject({ name: "/SYS/MB/NET0/IOVNET.PF0.VF0", domain: "ldg1", vfName: "ldg1-app", nameShown: true, dev: "pci@300/pci@1/pci@0/pci@4/network@0,1" });
    expect(vf0!.properties).toEqual({ "mac-addr": "00:14:4f:f8:00:01", "alt-mac-addrs": "", pvid: "100", vid: "200,300", mtu: "1500" });
    expect(vf1).toMatchObject({ nameShown: true });
    expect(vf1!.vfName).toBeUndefined();
  });

  it("one property per line with the name on its own | line", () => {
    const text = ["VERSION 1.11", VF0, "|mac-addr=00:14:4f:f8:00:01", "|pvid=100", "|name=ldg1-app", ""].join("\n");
    expect(parseListIo(text)[0]).toMatchObject({ vfName: "ldg1-app", properties: { "mac-addr": "00:14:4f:f8:00:01", pvid: "100" } });
  });

  it("a name on the record and another on a property line is an error quoting both lines", () => {
    const text = ["VERSION 1.11", `${VF0}|name=a`, "|pvid=1|name=b", ""].join("\n");
    expect(() => parseListIo(text)).toThrow(/two different names: "a" on line 2 .* and "b" on line 3/);
  });

  it("no name field anywhere: devices parse, and nameShown stays unset (the engine must refuse)", () => {
    const devices = parseListIo(["VERSION 1.11", VF0, "|dev=x|mac-addr=00:14:4f:f8:00:01|pvid=1", ""].join("\n"));
    expect(devices[0]!.nameShown).toBeUndefined();
  });
});

describe("list -l -p and list-bindings -p alternatives", () => {
  it("flags in letters, multi-item records on keyword lines, VERSION 1.0", () => {
    const text = [
      "VERSION 1.0",
      "DOMAIN|name=ldg1|state=active|flags=-n----|cons=5000|ncpu=8|mem=17179869184|util=0.1|uptime=60|norm_util=0.1",
      "VCPU|count=8",
      "MEMORY|size=17179869184",
      "IO",
      "|dev=pci@300/pci@1/pci@0/pci@4/network@0,1|alias=/SYS/MB/NET0/IOVNET.PF0.VF0",
      "VNET",
      "|name=vnet0|dev=network@0|service=primary-vsw0@primary|mac-addr=00:14:4f:f8:00:10|mode=|pvid=100|vid=|mtu=1500|linkprop=phys-state|id=0|alt-mac-addrs=",
      "|name=vnet1|dev=network@1|service=backup-vsw0@primary|mac-addr=00:14:4f:f8:00:11|mode=|pvid=1|vid=|mtu=1500|linkprop=phys-state|id=1|alt-mac-addrs=",
      "VDISK",
      "|name=vdisk0|vol=ldg1-disk0@primary-vds0|timeout=|dev=disk@0|server=primary|mpgroup=",
      "",
    ].join("\n");
    const listing = parseListDomains(text);
    expect(listing.version).toBe("1.0");
    const [d] = listing.domains;
    expect(d).toMatchObject({ name: "ldg1", state: "active", flags: "-n----", ncpu: 8 });
    expect(d!.vnets.map((v) => [v.name, v.vswitch, v.pvid])).toEqual([["vnet0", "primary-vsw0", 100], ["vnet1", "backup-vsw0", 1]]);
    expect(d!.io.map((i) => i.alias)).toEqual(["/SYS/MB/NET0/IOVNET.PF0.VF0"]);
  });

  it("list-bindings -p: spelled flags, VCPU/MEMORY/IO keyword lines, a VNET keyword with |peer= lines under each vnet", () => {
    const text = [
      "VERSION 1.11",
      "DOMAIN|name=primary|state=active|flags=normal,control,vio-service|cons=UART|ncpu=16|mem=34359738368|util=0.4|uptime=3725|norm_util=0.4",
      "MAC|mac-addr=00:14:4f:f8:00:20",
      "VCPU",
      "|vid=0|pid=0|cid=0|util=0.4|strand=100",
      "|vid=1|pid=1|cid=0|util=0.4|strand=100",
      "MEMORY",
      "|ra=0x10000000|pa=0x10000000|size=34359738368",
      "IO",
      "|dev=pci@300|alias=pci_0",
      "|dev=pci@301|alias=pci_1",
      "VNET",
      "|name=vnet9|dev=network@0|service=primary-vsw0@primary|mac-addr=00:14:4f:f8:00:21|pvid=1|vid=|mtu=1500|id=0",
      "|peer=primary-vsw0@primary|mac-addr=00:14:4f:f8:00:22|pvid=1|vid=|mtu=1500",
      "",
    ].join("\n");
    const [d] = parseListDomains(text).domains;
    expect(d!.flags).toBe("normal,control,vio-service");
    expect(d!.io.map((i) => i.alias)).toEqual(["pci_0", "pci_1"]);
    expect(d!.vnets).toHaveLength(1);
    expect(d!.vnets[0]!.rows).toEqual([{ peer: "primary-vsw0@primary", "mac-addr": "00:14:4f:f8:00:22", pvid: "1", vid: "", mtu: "1500" }]);
    expect(d!.records.find((r) => r.type === "VCPU")!.rows).toHaveLength(2);
  });

  it("list-services -p with VERSION 1.6", () => {
    const listing = parseListServices("VERSION 1.6\nVSW|name=primary-vsw0|ldom=primary|mac-addr=00:14:4f:f8:00:01|net-dev=net0|dev=switch@0|default-vlan-id=1|pvid=1|vid=|mode=|mtu=1500|linkprop=phys-state|id=0|inter-vnet-link=on\n");
    expect(listing.version).toBe("1.6");
    expect(listing.vsws.map((v) => v.name)).toEqual(["primary-vsw0"]);
  });
});

describe("guest ipmpstat on Solaris 11 (evidence §7)", () => {
  it("-i with the M flag, newest first; -g with a failed member", () => {
    const i = parseIpmpstat(
      [
        "INTERFACE   ACTIVE  GROUP       FLAGS     LINK      PROBE     STATE",
        "net1        yes     ipmp0       --mbM--   up        disabled  ok",
        "net0        no      ipmp0       is-----   up        disabled  ok",
        "",
      ].join("\n"),
    );
    expect(i).toEqual([
      { interface: "net1", active: "yes", group: "ipmp0", flags: "--mbM--", link: "up", probe: "disabled", state: "ok" },
      { interface: "net0", active: "no", group: "ipmp0", flags: "is-----", link: "up", probe: "disabled", state: "ok" },
    ]);
    const g = parseIpmpstat(["GROUP       GROUPNAME   STATE     FDT       INTERFACES", "ipmp0       ipmp0       degraded  --        net0 [net1]", ""].join("\n"));
    expect(g).toEqual([{ group: "ipmp0", groupname: "ipmp0", state: "degraded", fdt: "--", interfaces: "net0 [net1]" }]);
  });
});
