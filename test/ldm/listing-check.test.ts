import { describe, expect, it } from "vitest";
import { checkListing, describeListingNote } from "../../src/ldm/listing-check";

const LIST_IO = "VERSION 1.11\n|dev=pci@300|alias=/SYS/PM0/CMP0/PEX|status=IOV|domain=primary|type=BUS|bus=pci_0\n";
const LIST = "VERSION 1.11\nDOMAIN|name=primary|state=active|flags=normal,control,vio-service\nDOMAIN|name=ldg1|state=active\n";

describe("checkListing: is a listing's answer plausible before it is trusted", () => {
  it("accepts the listings of a real-looking control domain, without notes", () => {
    expect(checkListing("list-io", LIST_IO)).toEqual({ notes: [] });
    expect(checkListing("list", LIST)).toEqual({ notes: [] });
    expect(checkListing("list-services", "VERSION 1.11\n")).toEqual({ notes: [] });
    expect(checkListing("list-services", "VERSION 1.0\nVSW|name=primary-vsw0|ldom=primary\n")).toEqual({ notes: [] });
  });

  it("refuses an empty answer (an ldm that exits 0 after Authorization failed)", () => {
    for (const listing of ["list-io", "list", "list-services"] as const) {
      expect(checkListing(listing, "")).toEqual({ refusal: "printed nothing (no VERSION line, no records)", notes: [] });
      expect(checkListing(listing, "\n  \n").refusal).toBe("printed nothing (no VERSION line, no records)");
    }
  });

  it("refuses list-io without a device and list without the control domain, saying what was seen", () => {
    expect(checkListing("list-io", "VERSION 1.11\n").refusal).toBe('printed no device (no line with type=): only "VERSION 1.11"');
    expect(checkListing("list-io", "Authorization failed\n").refusal).toBe('printed no device (no line with type=): 1 line(s) (the first: "Authorization failed")');
    expect(checkListing("list", "VERSION 1.11\nDOMAIN|name=ldg1|state=active\n").refusal).toBe('printed no DOMAIN record of the control domain primary: 1 line(s) (the first: "DOMAIN|name=ldg1|state=active")');
    expect(checkListing("list", "VERSION 1.11\nVNET|name=primary\n").refusal).toMatch(/^printed no DOMAIN record of the control domain primary/);
  });

  it("notes an unknown VERSION and a missing VERSION line, and still reads them", () => {
    expect(checkListing("list-io", LIST_IO.replace("1.11", "2.0"))).toEqual({ notes: [{ kind: "unknown-version", version: "2.0" }] });
    expect(checkListing("list", LIST.replace("VERSION 1.11\n", ""))).toEqual({ notes: [{ kind: "no-version" }] });
    expect(describeListingNote({ kind: "unknown-version", version: "2.0" })).toBe("printed VERSION 2.0, which this ldoms has not seen (known: 1.0, 1.6, 1.11)");
    expect(describeListingNote({ kind: "no-version" })).toBe("printed no VERSION line");
  });
});
