import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { LdmParseError } from "../../src/ldm/parse-error";
import { LIST_DEVICES_FREE_ARGV, parseListDevices } from "../../src/ldm/list-devices";

const G = 1024 ** 3;

/**
 * `ldm list-devices -p cpu memory` shaped as evidence §4 and §6 show `-p` records: `VERSION 1.6`,
 * the keyword alone on its line, then one `|` row per item.
 */
const FREE_ONLY = ["VERSION 1.6", "VCPU", "|pid=24|free=100|pm=no", "|pid=25|free=100|pm=no", "|pid=26|free=100|pm=no", "MEMORY", "|pa=0xc10000000|size=68719476736", "|pa=0x1c10000000|size=4294967296", ""].join("\n");

/** The `-a` form: bound vCPUs at free=0, bound memory naming its domain, plus records the parser ignores. */
const ALL = [
  "VERSION 1.6",
  "CORE",
  "|cid=0|free=0|cpuset=0,1,2,3,4,5,6,7",
  "|cid=1|free=100|cpuset=8,9,10,11,12,13,14,15",
  "VCPU",
  "|pid=0|free=0|pm=no",
  "|pid=1|free=0|pm=no",
  "|pid=8|free=100|pm=no",
  "|pid=9|free=100|pm=no",
  "MEMORY",
  "|pa=0x8000000|size=100663296|bound=_sys_",
  "|pa=0x10000000|size=34359738368|bound=primary",
  "|pa=0x810000000|size=68719476736|bound=",
  "IO",
  "|dev=pci@300|alias=/SYS/PM0/CMP0/PEX|bound=primary",
  "",
].join("\n");

describe("LIST_DEVICES_FREE_ARGV", () => {
  it("is the read-only listing of free CPU and memory, parseable", () => {
    expect(LIST_DEVICES_FREE_ARGV).toEqual(["list-devices", "-p", "cpu", "memory"]);
  });
});

describe("parseListDevices", () => {
  it("sums the free vCPUs and memory blocks of the free-only listing (VERSION 1.6)", () => {
    expect(parseListDevices(FREE_ONLY)).toEqual({ freeVcpus: 3, freeMemoryBytes: 64 * G + 4 * G });
  });

  it("in the -a form counts only vCPUs at free=100 and memory not bound to a domain; CORE and IO are ignored", () => {
    expect(parseListDevices(ALL)).toEqual({ freeVcpus: 2, freeMemoryBytes: 64 * G });
  });

  it("reads any VERSION x.y the same way, and a listing without one", () => {
    for (const version of ["1.0", "1.11", "2.3"]) expect(parseListDevices(FREE_ONLY.replace("VERSION 1.6", `VERSION ${version}`))).toEqual(parseListDevices(FREE_ONLY));
    expect(parseListDevices(FREE_ONLY.replace("VERSION 1.6\n", ""))).toEqual(parseListDevices(FREE_ONLY));
  });

  it("a VERSION line alone means nothing is free", () => {
    expect(parseListDevices("VERSION 1.6\n")).toEqual({ freeVcpus: 0, freeMemoryBytes: 0 });
  });

  it("tolerates CRLF, blank lines, inline items (VCPU|pid=...), rows without free=, and sizes with a unit or in hex", () => {
    const text = ["VERSION 1.6", "", "VCPU|pid=0|free=100|pm=no", "|pid=1|pm=no", "|pid=2|free=0|pm=no", "MEMORY", "|pa=0x0|size=32G", "|pa=0x800000000|size=0x40000000", ""].join("\r\n");
    expect(parseListDevices(text)).toEqual({ freeVcpus: 2, freeMemoryBytes: 33 * G });
  });

  it("refuses output that is not a list-devices listing, naming the line", () => {
    expect(() => parseListDevices("")).toThrow(LdmParseError);
    expect(() => parseListDevices("")).toThrow("it printed nothing");
    expect(() => parseListDevices("Authorization failed\n")).toThrow(/at line 1: expected "VERSION x.y"/);
    expect(() => parseListDevices("VERSION 1.6\n|pid=0|free=100\n")).toThrow(/at line 2: a "\|key=value" row comes before any VCPU or MEMORY line \(line: "\|pid=0\|free=100"\)/);
    expect(() => parseListDevices("VERSION 1.6\nVCPU\n|pid=0|free=lots|pm=no\n")).toThrow(/at line 3: a VCPU row has free="lots", not a percentage/);
    expect(() => parseListDevices("VERSION 1.6\nMEMORY\n|pa=0x0|size=big\n")).toThrow(/at line 3: a MEMORY row has size="big", not a size in bytes/);
    expect(() => parseListDevices("VERSION 1.6\nMEMORY\n|pa=0x0\n")).toThrow(/at line 3: a MEMORY row has no size=/);
    expect(() => parseListDevices("VERSION 1.6\nVCPU\n|pid=0 free=100\n")).toThrow(/at line 3: a VCPU row has pid="0 free=100", not a number/);
  });

  it("counts exactly the free rows of any listing (property)", () => {
    const vcpu = fc.record({ free: fc.boolean(), inline: fc.constant(false) });
    const block = fc.record({ size: fc.integer({ min: 1, max: 2 ** 40 }), bound: fc.option(fc.constantFrom("primary", "ldg1", "_sys_"), { nil: undefined }) });
    fc.assert(
      fc.property(fc.array(vcpu, { maxLength: 64 }), fc.array(block, { maxLength: 16 }), fc.constantFrom("1.0", "1.6", "1.11"), (vcpus, blocks, version) => {
        const lines = [`VERSION ${version}`];
        if (vcpus.length) lines.push("VCPU", ...vcpus.map((v, pid) => `|pid=${pid}|free=${v.free ? 100 : 0}|pm=no`));
        if (blocks.length) lines.push("MEMORY", ...blocks.map((b, i) => `|pa=0x${(i * 2 ** 41).toString(16)}|size=${b.size}|bound=${b.bound ?? ""}`));
        expect(parseListDevices(`${lines.join("\n")}\n`)).toEqual({
          freeVcpus: vcpus.filter((v) => v.free).length,
          freeMemoryBytes: blocks.filter((b) => b.bound === undefined).reduce((n, b) => n + b.size, 0),
        });
      }),
    );
  });
});
