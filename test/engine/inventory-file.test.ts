import { describe, expect, it } from "vitest";
import { parseInventory } from "../../src/engine/inventory-file";
import { ValidationError } from "../../src/model";

function message(json: unknown): string {
  try {
    parseInventory(json, "inv.json");
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as Error).message;
  }
  throw new Error("expected a ValidationError");
}

const entry = { address: "127.0.0.1", port: 22, user: "ldmops" };
const KNOWN = "(known keys: address, port, user, hostKey, knownHostsFile, identityFile, pfexec, ldmPath)";

describe("inventory file (checked against schema/ldoms-inventory.schema.json)", () => {
  it("reads a valid inventory with its source", () => {
    const hosts = { "t7-a": { ...entry, hostKey: `SHA256:${"A".repeat(43)}`, pfexec: true }, "guest/ldg1": entry };
    expect(parseInventory({ hosts }, "inv.json")).toEqual({ hosts, source: "inv.json" });
  });

  it("names a value of the wrong type with the file, the path and what is allowed", () => {
    expect(message({ hosts: { "t7-a": { ...entry, port: "22", pfexec: "yes" } } })).toBe(
      [
        "invalid inventory inv.json",
        '  - inv.json: $.hosts["t7-a"].port: expected an integer from 1 to 65535, got "22"',
        '  - inv.json: $.hosts["t7-a"].pfexec: expected true or false, got "yes"',
      ].join("\n"),
    );
    expect(message({ hosts: [] })).toBe(
      [
        "invalid inventory inv.json",
        '  - inv.json: $.hosts: expected an object keyed by host id, got []; key each entry by host id: { "<host-id>": { "address", "port", "user" } }',
      ].join("\n"),
    );
    expect(message("hosts")).toBe(
      'invalid inventory inv.json\n  - inv.json: $: expected an object, got "hosts"; an inventory is { "hosts": { "<host-id>": { "address", "port", "user", ... } } }',
    );
  });

  it("names an unknown key with the closest known one, and a missing required key", () => {
    expect(message({ hosts: { db1: { address: "db1", user: "ldmops", prt: 22 } } })).toBe(
      [
        "invalid inventory inv.json",
        '  - inv.json: $.hosts.db1: missing required key "port"; add "port" (SSH port)',
        `  - inv.json: $.hosts.db1: unknown key "prt"; did you mean "port"? ${KNOWN}`,
      ].join("\n"),
    );
  });
});
