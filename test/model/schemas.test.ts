/**
 * The shipped JSON Schemas of the inventory and the lab definition are generated from the
 * TypeScript types (scripts/generate-schemas.mjs): a type changed without `npm run schemas`
 * fails here, and so does a bound of the lab schema that drifted from src/ldm/assumptions.ts.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LDM_NAME_PATTERN, NAME_MAX_LENGTH, VF_MTU_RANGE, VLAN_RANGE, VNET_MTU_RANGE } from "../../src/ldm/assumptions";
import { packageFile } from "../../src/model/package-files";

const SCRIPT = join(__dirname, "../../scripts/generate-schemas.mjs");

function run(...args: string[]) {
  return spawnSync(process.execPath, [SCRIPT, ...args], { encoding: "utf8" });
}

type Definitions = Record<string, { pattern?: string; maxLength?: number; minimum?: number; maximum?: number }>;

describe("generated JSON Schemas (scripts/generate-schemas.mjs)", () => {
  it("the committed schemas are the ones the types generate (after a type change: npm run schemas)", () => {
    const result = run("--check");
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("3 schemas up to date\n");
    expect(result.status).toBe(0);
  }, 60_000);

  it("--check exits 1 naming each stale or missing schema, its type and the command to run", () => {
    const dir = mkdtempSync(join(tmpdir(), "ldoms-schemas-"));
    try {
      cpSync(packageFile("schema"), dir, { recursive: true });
      const lab = join(dir, "ldoms-lab.schema.json");
      writeFileSync(lab, readFileSync(lab, "utf8").replace('"maximum": 4094', '"maximum": 4095'));
      rmSync(join(dir, "ldoms-inventory.schema.json"));
      const result = run("--check", "--schema-dir", dir);
      expect(result.status).toBe(1);
      expect(result.stdout).toBe("");
      expect(result.stderr).toBe(
        [
          "JSON Schemas out of date:",
          "  schema/ldoms-inventory.schema.json is missing from InventoryFile in src/model/inventory.ts",
          "  schema/ldoms-lab.schema.json differs from the one generated from LabDocument in src/lab/definition/document.ts",
          "run `npm run schemas` and commit the result",
          "",
        ].join("\n"),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("are pretty-printed JSON with a trailing newline and their definitions sorted", () => {
    for (const file of ["ldoms-inventory.schema.json", "ldoms-lab.schema.json"]) {
      const text = readFileSync(packageFile("schema", file), "utf8");
      const schema = JSON.parse(text) as { definitions: Definitions };
      expect(text).toBe(`${JSON.stringify(schema, null, 2)}\n`);
      const names = Object.keys(schema.definitions);
      expect(names).toEqual([...names].sort());
    }
  });

  it("the lab schema's name pattern and ranges are those of src/ldm/assumptions.ts", () => {
    const { definitions } = JSON.parse(readFileSync(packageFile("schema", "ldoms-lab.schema.json"), "utf8")) as { definitions: Definitions };
    expect(definitions["LdmName"]).toMatchObject({ pattern: LDM_NAME_PATTERN.source, maxLength: NAME_MAX_LENGTH });
    expect(definitions["VlanId"]).toMatchObject({ minimum: VLAN_RANGE.min, maximum: VLAN_RANGE.max });
    expect(definitions["VfMtu"]).toMatchObject({ minimum: VF_MTU_RANGE.min, maximum: VF_MTU_RANGE.max });
    expect(definitions["VnetMtu"]).toMatchObject({ minimum: VNET_MTU_RANGE.min, maximum: VNET_MTU_RANGE.max });
  });
});
