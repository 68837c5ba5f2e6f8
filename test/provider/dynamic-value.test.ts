import { describe, expect, it } from "vitest";
import { attribute, containsUnknown, decodeDynamicValue, encodeDynamicValue, UNKNOWN, type TerraformValue } from "../../src/provider/dynamic-value";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const str = (s: string) => Buffer.concat([Buffer.from([0xa0 | s.length]), Buffer.from(s)]).toString("hex");

describe("DynamicValue as MessagePack", () => {
  it("encodes null, strings, numbers, bools, lists and objects as Terraform reads them", () => {
    expect(hex(encodeDynamicValue(null).msgpack)).toBe("c0");
    expect(hex(encodeDynamicValue("t7-a").msgpack)).toBe(str("t7-a"));
    expect(hex(encodeDynamicValue(7).msgpack)).toBe("07");
    expect(hex(encodeDynamicValue(true).msgpack)).toBe("c3");
    expect(hex(encodeDynamicValue([]).msgpack)).toBe("90");
    // A map with string keys; a null attribute is nil, not left out.
    expect(hex(encodeDynamicValue({ host: "t7-a", vfs: null }).msgpack)).toBe(`82${str("host")}${str("t7-a")}${str("vfs")}c0`);
  });

  it("encodes an unknown value as extension 0 and reads extensions 0 and 12 (refined) as unknown", () => {
    expect(hex(encodeDynamicValue(UNKNOWN).msgpack)).toBe("d40000");
    expect(decodeDynamicValue({ msgpack: Buffer.from("d40000", "hex") })).toBe(UNKNOWN);
    // Refined unknown: extension 12 holding a map of refinements (here {1: true}, "not null").
    expect(decodeDynamicValue({ msgpack: Buffer.from("c7030c8101c3", "hex") })).toBe(UNKNOWN);
    const config = decodeDynamicValue({ msgpack: Buffer.from(`82${str("host")}d40000${str("vfs")}c0`, "hex") });
    expect(attribute(config, "host")).toBe(UNKNOWN);
    expect(containsUnknown(config)).toBe(true);
    expect(containsUnknown({ host: "t7-a", vfs: [{ name: null }] })).toBe(false);
  });

  it("round-trips the data source's state", () => {
    const state: TerraformValue = {
      host: "t7-a",
      domains: [{ name: "ldg1", state: "active" }],
      vfs: [{ name: null, pseudonym: "/SYS/MB/NET0/IOVNET.PF0.VF0", pf: "/SYS/MB/NET0/IOVNET.PF0", domain: null }],
      pfs: [],
    };
    expect(decodeDynamicValue(encodeDynamicValue(state))).toEqual(state);
  });

  it("reads JSON when there is no MessagePack, and nothing at all as null", () => {
    expect(decodeDynamicValue({ msgpack: new Uint8Array(), json: Buffer.from('{"host":"t7-b"}') })).toEqual({ host: "t7-b" });
    expect(decodeDynamicValue(undefined)).toBeNull();
    expect(decodeDynamicValue({})).toBeNull();
    expect(attribute(null, "host")).toBeNull();
    expect(attribute({ other: "x" }, "host")).toBeNull();
  });
});
