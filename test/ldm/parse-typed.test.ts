import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseCreatedVfs } from "../../src/ldm/parse-created-vfs";
import { LdmParseError } from "../../src/ldm/parse-error";
import { parseIpmpGroupInterfaces, parseIpmpstat } from "../../src/ldm/parse-ipmpstat";
import { parseListDomains } from "../../src/ldm/parse-list-domains";
import { parseListServices } from "../../src/ldm/parse-list-services";
import { CREATE_VF_OUTPUT, IPMPSTAT_G, IPMPSTAT_I, LIST_NETWORK_HUMAN, LIST_P, VNET_CONSTRAINT_LINE } from "./samples";

describe("parseListDomains", () => {
  it("reads the real `ldm list -p` sample (§2.5)", () => {
    const listing = parseListDomains(LIST_P);
    expect(listing.version).toBe("1.11");
    expect(listing.domains.map((d) => d.name)).toEqual(["primary", "host1"]);
    const primary = listing.domains[0]!;
    expect(primary).toMatchObject({ name: "primary", state: "active", flags: "-n-cv-", cons: "UART", ncpu: 5, mem: 47272862140, util: "0.4", uptime: 4772570, vnets: [], io: [], records: [] });
    expect(primary.fields.norm_util).toBe("0.4");
  });

  it("leaves blank fields of an inactive domain undefined", () => {
    const [domain] = parseListDomains("VERSION 1.11\nDOMAIN|name=ldg2|state=inactive|flags=------|cons=|ncpu=2|mem=4294967296|util=|uptime=|norm_util=\n").domains;
    expect(domain).toEqual({
      name: "ldg2", state: "inactive", flags: "------", ncpu: 2, mem: 4294967296,
      fields: { name: "ldg2", state: "inactive", flags: "------", cons: "", ncpu: "2", mem: "4294967296", util: "", uptime: "", norm_util: "" },
      vnets: [], io: [], records: [],
    });
  });

  it("groups VNET, IO and other resource records under their DOMAIN (list -l -p / list-bindings -p)", () => {
    const text = [
      "VERSION 1.11",
      "DOMAIN|name=ldg1|state=active|flags=normal|cons=5000|ncpu=8|mem=8589934592|util=0.1|uptime=60",
      "UUID|uuid=0f9c4e4c-0000-4000-8000-000000000001",
      "VCPU|count=8",
      VNET_CONSTRAINT_LINE,
      "VNET|name=vnet1|dev=network@2|service=primary-vsw0@primary|mac-addr=00:14:4f:f9:8a:c2|mode=|pvid=100|vid=200,300|mtu=1500|linkprop=phys-state|id=2",
      "|peer=primary-vsw0@primary|mac-addr=00:14:4f:fb:00:01|pvid=1|vid=|mtu=1500",
      "IO",
      "|dev=pci@400/pci@2/pci@0/pci@6/network@0,80|alias=/SYS/MB/NET0/IOVNET.PF0.VF0",
      "DOMAIN|name=primary|state=active|flags=normal,control,vio-service|cons=UART|ncpu=8|mem=17179869184",
      "IO|dev=pci@400|alias=pci_0",
    ].join("\n");
    const [ldg1, primary] = parseListDomains(text).domains;
    expect(ldg1!.vnets).toEqual([
      { name: "pubnet0", service: "primary-vsw1@primary", vswitch: "primary-vsw1", serviceDomain: "primary", vids: [], dev: "network@1", fields: { name: "pubnet0", dev: "network@1", service: "primary-vsw1@primary" }, rows: [] },
      {
        name: "vnet1", service: "primary-vsw0@primary", vswitch: "primary-vsw0", serviceDomain: "primary", pvid: 100, vids: [200, 300], mtu: 1500,
        macAddr: "00:14:4f:f9:8a:c2", id: "2", linkprop: "phys-state", dev: "network@2",
        fields: { name: "vnet1", dev: "network@2", service: "primary-vsw0@primary", "mac-addr": "00:14:4f:f9:8a:c2", mode: "", pvid: "100", vid: "200,300", mtu: "1500", linkprop: "phys-state", id: "2" },
        rows: [{ peer: "primary-vsw0@primary", "mac-addr": "00:14:4f:fb:00:01", pvid: "1", vid: "", mtu: "1500" }],
      },
    ]);
    expect(ldg1!.io).toEqual([{ dev: "pci@400/pci@2/pci@0/pci@6/network@0,80", alias: "/SYS/MB/NET0/IOVNET.PF0.VF0", fields: { dev: "pci@400/pci@2/pci@0/pci@6/network@0,80", alias: "/SYS/MB/NET0/IOVNET.PF0.VF0" } }]);
    expect(ldg1!.records.map((r) => r.type)).toEqual(["UUID", "VCPU"]);
    expect(primary!.flags).toBe("normal,control,vio-service");
    expect(primary!.io.map((io) => io.alias)).toEqual(["pci_0"]);
  });

  it("reads a VNET header whose lines each name a vnet", () => {
    const [domain] = parseListDomains("DOMAIN|name=ldg1\nVNET\n|name=vnet0|service=sw@primary\n|name=vnet1|service=sw@primary|pvid=7\n").domains;
    expect(domain!.vnets.map((v) => [v.name, v.pvid])).toEqual([["vnet0", undefined], ["vnet1", 7]]);
  });

  it("refuses human output, records before a DOMAIN and nameless records", () => {
    expect(() => parseListDomains(LIST_NETWORK_HUMAN)).toThrow(LdmParseError);
    expect(() => parseListDomains("VERSION 1.11\nVNET|name=vnet0\n")).toThrow('record "VNET" comes before any DOMAIN record');
    expect(() => parseListDomains("DOMAIN|state=active\n")).toThrow("a DOMAIN record has no name=");
    expect(() => parseListDomains("DOMAIN|name=a\nVNET\n|service=x\n")).toThrow("the first line under a VNET keyword has no name=");
  });
});

describe("parseListServices", () => {
  it("reads VSW, VDS with volumes and VCC, with the owning domain from ldom= or the enclosing DOMAIN", () => {
    const text = [
      "VERSION 1.11",
      "VCC|name=primary-vcc0|ldom=primary|port-range=5000-5100",
      "VSW|name=primary-vsw0|ldom=primary|mac-addr=00:14:4f:fb:2e:9c|net-dev=net0|dev=switch@0|default-vlan-id=1|pvid=1|vid=100,200|mode=|mtu=1500|linkprop=phys-state|id=0",
      "VDS|name=primary-vds0|ldom=primary|vol=vol0|opts=|dev=/dev/zvol/dsk/rpool/vol0|mpgroup=",
      "|vol=vol1|opts=ro|dev=/dev/zvol/dsk/rpool/vol1|mpgroup=mp1",
      "DOMAIN|name=svc1",
      "VSW|name=svc1-vsw0|net-dev=net4",
      "VDPCS|name=ignored",
    ].join("\n");
    const listing = parseListServices(text);
    expect(listing.version).toBe("1.11");
    expect(listing.vccs).toEqual([{ name: "primary-vcc0", domain: "primary", portRange: "5000-5100", fields: { name: "primary-vcc0", ldom: "primary", "port-range": "5000-5100" } }]);
    expect(listing.vsws.map((s) => [s.name, s.domain, s.netDev, s.pvid, s.vids, s.defaultVlanId, s.mtu, s.linkprop, s.id, s.macAddr])).toEqual([
      ["primary-vsw0", "primary", "net0", 1, [100, 200], 1, 1500, "phys-state", "0", "00:14:4f:fb:2e:9c"],
      ["svc1-vsw0", "svc1", "net4", undefined, [], undefined, undefined, undefined, undefined, undefined],
    ]);
    expect(listing.vdss[0]!.volumes.map((v) => [v.name, v.dev, v.opts, v.mpgroup])).toEqual([
      ["vol0", "/dev/zvol/dsk/rpool/vol0", undefined, undefined],
      ["vol1", "/dev/zvol/dsk/rpool/vol1", "ro", "mp1"],
    ]);
  });

  it("refuses a service without a name", () => {
    expect(() => parseListServices("VSW|net-dev=net0\n")).toThrow("a VSW record has no name=");
  });
});

describe("parseIpmpstat", () => {
  it("reads the real -g and -i tables (§6.2)", () => {
    expect(parseIpmpstat(IPMPSTAT_G)).toEqual([{ group: "ipmp0", groupname: "ipmp0", state: "ok", fdt: "--", interfaces: "net1 (net0)" }]);
    expect(parseIpmpstat(IPMPSTAT_I)).toEqual([
      { interface: "net1", active: "yes", group: "ipmp0", flags: "--mb---", link: "up", probe: "disabled", state: "ok" },
      { interface: "net0", active: "no", group: "ipmp0", flags: "is-----", link: "up", probe: "disabled", state: "ok" },
    ]);
  });

  it("keeps a blank FDT cell blank instead of shifting INTERFACES", () => {
    const text = "GROUP   GROUPNAME   STATE      FDT        INTERFACES\nipmp0   ipmp0       degraded              net0 [net1]\n";
    expect(parseIpmpstat(text)).toEqual([{ group: "ipmp0", groupname: "ipmp0", state: "degraded", fdt: "", interfaces: "net0 [net1]" }]);
  });

  it("reads -P -o output with escaped colons", () => {
    const text = "ipmp0:ok:net1 (net0)\nipmp1:failed:[net2]\nv6\\:grp:ok:\n";
    expect(parseIpmpstat(text, ["GROUP", "STATE", "INTERFACES"])).toEqual([
      { group: "ipmp0", state: "ok", interfaces: "net1 (net0)" },
      { group: "ipmp1", state: "failed", interfaces: "[net2]" },
      { group: "v6:grp", state: "ok", interfaces: "" },
    ]);
    expect(() => parseIpmpstat("a:b\n", ["group", "state", "interfaces"])).toThrow("at line 1: expected 3 fields (group:state:interfaces), found 2");
  });

  it("splits group members into active, (inactive) and [unusable]", () => {
    expect(parseIpmpGroupInterfaces("net1 (net0) [net2]")).toEqual({ active: ["net1"], inactive: ["net0"], unusable: ["net2"] });
    expect(parseIpmpGroupInterfaces("--")).toEqual({ active: [], inactive: [], unusable: [] });
  });
});

describe("parseCreatedVfs", () => {
  it("reads the real create-vf output (§3.6) and one line per VF", () => {
    expect(parseCreatedVfs(CREATE_VF_OUTPUT)).toEqual(["/SYS/RIO/NET2/IOVNET.PF0.VF0"]);
    expect(parseCreatedVfs("Notice: x\r\nCreated new vf: /SYS/A/IOVNET.PF0.VF1\r\nCreated new vf: /SYS/A/IOVNET.PF0.VF2\r\n")).toEqual(["/SYS/A/IOVNET.PF0.VF1", "/SYS/A/IOVNET.PF0.VF2"]);
    expect(parseCreatedVfs("")).toEqual([]);
  });
});

describe("typed parsers never crash (fuzz)", () => {
  const pieces = fc.constantFrom("|", "=", ":", "\\", "\n", " ", "VERSION 1.11", "DOMAIN", "VNET", "IO", "VSW", "VDS", "VCC", "name", "vol", "service", "GROUP", "INTERFACES", "(x)", "[y]", "Created new vf: ");
  const text = fc.oneof(fc.string({ unit: "binary" }), fc.array(pieces, { maxLength: 40 }).map((p) => p.join("")));
  const parsers: [string, (t: string) => unknown][] = [
    ["parseListDomains", parseListDomains],
    ["parseListServices", parseListServices],
    ["parseIpmpstat human", (t) => parseIpmpstat(t)],
    ["parseIpmpstat -P", (t) => parseIpmpstat(t, ["group", "state", "interfaces"])],
    ["parseCreatedVfs", parseCreatedVfs],
  ];
  for (const [name, parse] of parsers) {
    it(`${name}: a result or an LdmParseError`, () => {
      fc.assert(
        fc.property(text, (input) => {
          try {
            parse(input);
          } catch (error) {
            expect(error).toBeInstanceOf(LdmParseError);
          }
        }),
        { numRuns: 300 },
      );
    });
  }
});
