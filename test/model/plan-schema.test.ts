/**
 * The plan document's JSON Schema is generated from its types (scripts/generate-schemas.mjs);
 * the syntax it spells out must be the vocabulary's, so a correction in src/ldm that the types'
 * JSDoc does not follow fails here.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ALL_LISTINGS } from "../../src/ldm/argv";
import { NAME_MAX_LENGTH, SAFE_NAME_PATTERN, VLAN_RANGE } from "../../src/ldm/assumptions";
import { VF_PROPERTY_ORDER, VNET_PROPERTY_ORDER } from "../../src/ldm/properties";
import { HOST_KEY_FINGERPRINT } from "../../src/ldm/syntax";
import { packageFile } from "../../src/model/package-files";
import { PLAN_FORMAT_VERSION } from "../../src/model";

interface Definition { pattern?: string; maxLength?: number; minimum?: number; maximum?: number; enum?: unknown[]; properties?: Record<string, { const?: unknown; enum?: unknown[] }> }
const schema = JSON.parse(readFileSync(packageFile("schema", "ldoms-plan.schema.json"), "utf8")) as { definitions: Record<string, Definition> };
const defs = schema.definitions;

describe("the plan document schema", () => {
  it("spells names, host keys and VLAN ids as src/ldm does", () => {
    expect(defs["Name"]).toMatchObject({ pattern: SAFE_NAME_PATTERN.source, maxLength: NAME_MAX_LENGTH });
    expect(defs["HostKeyFingerprint"]?.pattern).toBe(HOST_KEY_FINGERPRINT.source);
    expect(defs["VlanId"]).toMatchObject({ minimum: VLAN_RANGE.min, maximum: VLAN_RANGE.max });
  });

  it("lists exactly the catalogued properties and the observe listings", () => {
    expect(defs["VfProperty"]?.enum).toEqual(VF_PROPERTY_ORDER);
    expect(defs["VnetProperty"]?.enum).toEqual(VNET_PROPERTY_ORDER);
    expect(defs["Listing"]?.enum).toEqual(ALL_LISTINGS);
  });

  it("accepts only the current formatVersion and knows every step kind", () => {
    expect(defs["PlanDocument"]?.properties?.["formatVersion"]?.const).toBe(PLAN_FORMAT_VERSION);
    expect(defs["Step"]?.properties?.["kind"]?.enum).toEqual(["create-vf", "name-vf", "set-vf", "assign-vf", "destroy-vf", "add-vnet", "set-vnet"]);
  });
});
