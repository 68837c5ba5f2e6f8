import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { LdmParseError } from "../../src/ldm/parse-error";
import { parseListIo } from "../../src/ldm/parse-list-io";
import { LIST_IO_HUMAN, LIST_IO_HUMAN_T4, LIST_IO_P_LINE } from "./samples";

describe("parseListIo, human format (§3.1)", () => {
  it("reads the real sample with blank STATUS as undefined", () => {
    const devices = parseListIo(LIST_IO_HUMAN);
    expect(devices).toHaveLength(7);
    expect(devices[0]).toEqual({ name: "/SYS/PM0/CMP0/PEX", type: "BUS", bus: "pci_0", domain: "primary", status: "IOV", properties: {} });
    expect(devices[1]).toEqual({ name: "/SYS/PM0/CMP0/NIU_CORE", type: "NIU", bus: "niu_0", domain: "primary", properties: {} });
    expect(devices.map((d) => [d.type, d.status])).toEqual([
      ["BUS", "IOV"], ["NIU", undefined], ["PCIE", "EMP"], ["PCIE", "OCC"], ["PCIE", "OCC"], ["PF", undefined], ["PF", undefined],
    ]);
  });

  it("never shifts a STATUS into DOMAIN when DOMAIN is blank (T4-2 sample)", () => {
    const devices = parseListIo(LIST_IO_HUMAN_T4);
    expect(devices[1]).toEqual({ name: "pci_1", type: "BUS", bus: "pci_1", properties: {} });
    expect(devices[3]).toEqual({ name: "/SYS/MB/PCIE1", type: "PCIE", bus: "pci_1", status: "UNK", properties: {} });
    expect(devices[3]!.domain).toBeUndefined();
  });

  it("copes with a NAME wider than its column", () => {
    const long = "/SYS/MB/RISER0/PCIE3/SOME/VERY/LONG/PATH/IOVNET.PF0.VF12";
    const text = `${LIST_IO_HUMAN_T4}${long} VF     pci_1             INV\n${long}2 VF     pci_1    ldg1\n`;
    const devices = parseListIo(text);
    expect(devices[4]).toEqual({ name: long, type: "VF", bus: "pci_1", status: "INV", properties: {} });
    expect(devices[5]).toEqual({ name: `${long}2`, type: "VF", bus: "pci_1", domain: "ldg1", properties: {} });
  });

  it("reads -l: device path, class and indented properties (including the VF name)", () => {
    const text = [
      "NAME                                      TYPE   BUS      DOMAIN   STATUS",
      "----                                      ----   ---      ------   ------",
      "/SYS/MB/NET0/IOVNET.PF0                   PF     pci_0    primary",
      "[pci@400/pci@2/pci@0/pci@6/network@0]",
      "    maxvfs = 7",
      "/SYS/MB/NET0/IOVNET.PF0.VF0               VF     pci_0    ldg1",
      "[pci@400/pci@2/pci@0/pci@6/network@0,80]",
      "    Class properties [NETWORK]",
      "        mac-addr = 00:14:4f:f8:07:ad",
      "        name = ldg1-app",
      "        SUNW,child@0",
      "",
    ].join("\n");
    expect(parseListIo(text)).toEqual([
      { name: "/SYS/MB/NET0/IOVNET.PF0", type: "PF", bus: "pci_0", domain: "primary", dev: "pci@400/pci@2/pci@0/pci@6/network@0", properties: { maxvfs: "7" } },
      {
        name: "/SYS/MB/NET0/IOVNET.PF0.VF0", type: "VF", bus: "pci_0", domain: "ldg1", dev: "pci@400/pci@2/pci@0/pci@6/network@0,80",
        class: "NETWORK", vfName: "ldg1-app", nameShown: true, properties: { "mac-addr": "00:14:4f:f8:07:ad" },
      },
    ]);
  });

  it("refuses rows that do not fit the columns", () => {
    expect(() => parseListIo(`${LIST_IO_HUMAN_T4}onlyname\n`)).toThrow("at line 7: a device row needs NAME, TYPE and BUS");
    expect(() => parseListIo(`${LIST_IO_HUMAN_T4}a  VF  pci_1  d1 s1 extra\n`)).toThrow("too many values");
    expect(() => parseListIo("hello world\n")).toThrow('expected the "NAME TYPE BUS DOMAIN STATUS" header');
  });
});

describe("parseListIo, parseable formats (§3.2, §3.3)", () => {
  it("reads the real -p line with empty status as undefined", () => {
    expect(parseListIo(`VERSION 1.11\r\n${LIST_IO_P_LINE}\r\n`)).toEqual([
      { name: "/SYS/PCI-EM14/IOVFC.PF0", type: "PF", bus: "pci_3", domain: "fc-nprd3", dev: "pci@700/pci@1/pci@0/pci@4/SUNW,emlxs@0", properties: {} },
    ]);
    expect(parseListIo(LIST_IO_P_LINE)).toHaveLength(1); // without a VERSION line
  });

  it("reads -l -p: class, VF name, unknown keys and property lines under a device", () => {
    const text = [
      "VERSION 1.11",
      "|dev=pci@400/pci@2/pci@0/pci@6/network@0|alias=/SYS/MB/NET0/IOVNET.PF0|status=|domain=primary|type=PF|bus=pci_0|class=NETWORK",
      "|maxvfs=7",
      "|dev=pci@400/pci@2/pci@0/pci@6/network@0,80|alias=/SYS/MB/NET0/IOVNET.PF0.VF0|status=INV|domain=|type=VF|bus=pci_0|class=NETWORK|name=ldg1-app|pvid=100|vid=",
      "|dev=pci@400/pci@2/pci@0/pci@6/network@0,81|alias=/SYS/MB/NET0/IOVNET.PF0.VF1|status=|domain=ldg2|type=VF|bus=pci_0|class=NETWORK|name=",
    ].join("\n");
    expect(parseListIo(text)).toEqual([
      { name: "/SYS/MB/NET0/IOVNET.PF0", type: "PF", bus: "pci_0", domain: "primary", dev: "pci@400/pci@2/pci@0/pci@6/network@0", class: "NETWORK", properties: { maxvfs: "7" } },
      { name: "/SYS/MB/NET0/IOVNET.PF0.VF0", type: "VF", bus: "pci_0", status: "INV", dev: "pci@400/pci@2/pci@0/pci@6/network@0,80", class: "NETWORK", vfName: "ldg1-app", nameShown: true, properties: { pvid: "100", vid: "" } },
      { name: "/SYS/MB/NET0/IOVNET.PF0.VF1", type: "VF", bus: "pci_0", domain: "ldg2", dev: "pci@400/pci@2/pci@0/pci@6/network@0,81", class: "NETWORK", nameShown: true, properties: {} },
    ]);
  });

  it("reads property lines with several fields, even dev=, under the device whose line has type= (evidence §1)", () => {
    const text = [
      "VERSION 1.11",
      "|dev=pci@400/pci@2/pci@0/pci@6/network@0|alias=/SYS/MB/NET0/IOVNET.PF0|status=|domain=primary|type=PF|class=NETWORK|bus=pci_0",
      "|dev=pci@400/pci@2/pci@0/pci@6/network@0|maxvfs=7",
      "|dev=pci@400/pci@2/pci@0/pci@6/network@0,80|alias=/SYS/MB/NET0/IOVNET.PF0.VF0|status=|domain=ldg1|type=VF|class=NETWORK|bus=pci_0",
      "|mac-addr=00:14:4f:f8:07:ad|name=ldg1-app|pvid=100",
    ].join("\n");
    expect(parseListIo(text)).toEqual([
      { name: "/SYS/MB/NET0/IOVNET.PF0", type: "PF", bus: "pci_0", domain: "primary", dev: "pci@400/pci@2/pci@0/pci@6/network@0", class: "NETWORK", properties: { maxvfs: "7" } },
      { name: "/SYS/MB/NET0/IOVNET.PF0.VF0", type: "VF", bus: "pci_0", domain: "ldg1", dev: "pci@400/pci@2/pci@0/pci@6/network@0,80", class: "NETWORK", vfName: "ldg1-app", nameShown: true, properties: { "mac-addr": "00:14:4f:f8:07:ad", pvid: "100" } },
    ]);
  });

  it("refuses two different names for one VF, quoting both lines", () => {
    const text = [
      "|dev=pci@400/pci@2/pci@0/pci@6/network@0,80|alias=/SYS/MB/NET0/IOVNET.PF0.VF0|status=|domain=|type=VF|class=NETWORK|bus=pci_0|name=app-a",
      "|name=app-b|pvid=1",
    ].join("\n");
    expect(() => parseListIo(text)).toThrow(
      '/SYS/MB/NET0/IOVNET.PF0.VF0 has two different names: "app-a" on line 1 ("|dev=pci@400/pci@2/pci@0/pci@6/network@0,80|alias=/SYS/MB/NET0/IOVNET.PF0.VF0|status=|domain=|type=VF|class=NETWORK|bus=pci_0|name=app-a") and "app-b" on line 2 ("|name=app-b|pvid=1")',
    );
    // The same name twice, or a blank field next to a name, is one name.
    expect(parseListIo(`${text.split("\n")[0]}\n|name=app-a\n|name=`)[0]?.vfName).toBe("app-a");
  });

  it("gives no devices for empty output, and typed errors for incomplete records", () => {
    expect(parseListIo("")).toEqual([]);
    expect(parseListIo("VERSION 1.11\n")).toEqual([]);
    expect(() => parseListIo("|maxvfs=7\n")).toThrow('property line "|maxvfs=7" comes before any device');
    expect(() => parseListIo("|alias=/SYS/X|type=PF\n")).toThrow("lacks alias/dev, type or bus");
    expect(() => parseListIo("VERSION 1.11\nDOMAIN|name=x\n")).toThrow('unexpected record type "DOMAIN"');
  });

  it("returns devices or an LdmParseError for any text (fuzz)", () => {
    const pieces = fc.constantFrom("|", "=", "\n", " ", "        ", "NAME TYPE BUS DOMAIN STATUS", "----", "VERSION 1.11", "alias", "dev", "type", "bus", "PF", "[x]", "Class properties [NETWORK]", "a = b");
    const text = fc.oneof(fc.string({ unit: "binary" }), fc.array(pieces, { maxLength: 40 }).map((p) => p.join("")));
    fc.assert(
      fc.property(text, (input) => {
        try {
          for (const device of parseListIo(input)) expect(device.name.length).toBeGreaterThan(0);
        } catch (error) {
          expect(error).toBeInstanceOf(LdmParseError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
