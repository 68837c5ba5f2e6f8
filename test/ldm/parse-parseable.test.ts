import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { LdmParseError } from "../../src/ldm/parse-error";
import { parseParseable } from "../../src/ldm/parse-parseable";
import { LIST_IO_P_LINE, LIST_P, VNET_CONSTRAINT_LINE } from "./samples";

describe("parseParseable", () => {
  it("reads the real `ldm list -p` sample (§2.5)", () => {
    const doc = parseParseable(LIST_P);
    expect(doc.version).toBe("1.11");
    expect(doc.records.map((r) => r.type)).toEqual(["DOMAIN", "DOMAIN"]);
    expect(doc.records[0]!.fields).toEqual({
      name: "primary", state: "active", flags: "-n-cv-", cons: "UART", ncpu: "5", mem: "47272862140", util: "0.4", uptime: "4772570", norm_util: "0.4",
    });
    expect(doc.records[1]!.fields.cons).toBe("5000");
  });

  it("puts leading continuation lines (list-io -p, §3.2) in a headless record of type \"\"", () => {
    const doc = parseParseable(`VERSION 1.11\n${LIST_IO_P_LINE}\n`);
    expect(doc.records).toEqual([
      {
        type: "",
        fields: {},
        rows: [{ dev: "pci@700/pci@1/pci@0/pci@4/SUNW,emlxs@0", alias: "/SYS/PCI-EM14/IOVFC.PF0", status: "", domain: "fc-nprd3", type: "PF", bus: "pci_3" }],
        rowLines: [2],
      },
    ]);
  });

  it("attaches continuation lines to the record above and keeps `=` inside values", () => {
    const doc = parseParseable(
      ["VERSION 1.11", "DOMAIN|name=ldg1|state=bound", VNET_CONSTRAINT_LINE, "|peer=primary-vsw1@primary|mac-addr=00:14:4f:fa:1b:2c", "VARIABLES", "|boot-args=-v a=b==c", ""].join("\r\n"),
    );
    expect(doc.records.map((r) => r.type)).toEqual(["DOMAIN", "VNET", "VARIABLES"]);
    expect(doc.records[1]!.fields).toEqual({ name: "pubnet0", dev: "network@1", service: "primary-vsw1@primary" });
    expect(doc.records[1]!.rows).toEqual([{ peer: "primary-vsw1@primary", "mac-addr": "00:14:4f:fa:1b:2c" }]);
    expect(doc.records[2]!.rows).toEqual([{ "boot-args": "-v a=b==c" }]);
  });

  it("tolerates trailing blanks, blank lines, trailing `|` and unknown keys", () => {
    const doc = parseParseable("\n\nVSW|name=primary-vsw0|future-key=x|   \n\n");
    expect(doc.version).toBeUndefined();
    expect(doc.records).toEqual([{ type: "VSW", fields: { name: "primary-vsw0", "future-key": "x" }, rows: [], rowLines: [] }]);
  });

  it("keeps a `__proto__` key as plain data", () => {
    const doc = parseParseable("DOMAIN|__proto__=x|name=a");
    expect(Object.getPrototypeOf(doc.records[0]!.fields)).toBe(Object.prototype);
    expect(Object.keys(doc.records[0]!.fields)).toEqual(["__proto__", "name"]);
  });

  it("refuses human output and fields without `=` with the line number", () => {
    expect(() => parseParseable("NAME   STATE   FLAGS\nprimary active -n-cv-")).toThrow(
      /Cannot parse ldm -p output at line 1: expected "VERSION x.y", "TYPE\|key=value\|\.\.\." or "\|key=value\|\.\.\.", found "NAME   STATE   FLAGS"/,
    );
    expect(() => parseParseable("VERSION 1.11\nDOMAIN|name=a|garbage")).toThrow('at line 2: field "garbage" is not key=value');
    expect(() => parseParseable("DOMAIN|=x")).toThrow('field "=x" is not key=value');
  });

  it("returns a document or an LdmParseError for any text (fuzz)", () => {
    const pieces = fc.constantFrom("|", "=", "\n", "\r\n", " ", "VERSION 1.11", "DOMAIN", "VNET", "name", "x", "__proto__", "constructor", "\t");
    const text = fc.oneof(fc.string({ unit: "binary" }), fc.array(pieces, { maxLength: 40 }).map((p) => p.join("")));
    fc.assert(
      fc.property(text, (input) => {
        try {
          const doc = parseParseable(input);
          for (const record of doc.records) expect(typeof record.type).toBe("string");
        } catch (error) {
          expect(error).toBeInstanceOf(LdmParseError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
