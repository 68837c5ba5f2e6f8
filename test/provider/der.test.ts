/** The DER writer of the provider's certificate: lengths, integers and object identifiers as X.690 encodes them. */
import { describe, expect, it } from "vitest";
import { element, oid, unsignedInteger, utcTime } from "../../src/provider/der";

const hex = (b: Buffer) => b.toString("hex");

describe("DER writer", () => {
  it("short and long lengths", () => {
    expect(hex(element(0x04, Buffer.alloc(3)))).toBe("0403000000");
    expect(hex(element(0x04, Buffer.alloc(200)).subarray(0, 3))).toBe("0481c8");
    expect(hex(element(0x04, Buffer.alloc(300)).subarray(0, 4))).toBe("0482012c");
  });

  it("object identifiers, with arcs of several base-128 bytes", () => {
    expect(hex(oid("1.2.840.10045.4.3.2"))).toBe("06082a8648ce3d040302");
    expect(hex(oid("2.5.29.17"))).toBe("0603551d11");
  });

  it("non-negative integers: minimal, with a 0 byte before a high first bit", () => {
    expect(hex(unsignedInteger(Buffer.from([2])))).toBe("020102");
    expect(hex(unsignedInteger(Buffer.from([0x80])))).toBe("02020080");
    expect(hex(unsignedInteger(Buffer.from([0, 0, 0x12])))).toBe("020112");
    expect(hex(unsignedInteger(Buffer.from([0]))).toString()).toBe("020100");
  });

  it("UTCTime to the second", () => {
    expect(utcTime(new Date("2026-12-01T23:59:58.900Z")).subarray(2).toString("ascii")).toBe("261201235958Z");
  });
});
