import { describe, expect, it } from "vitest";
import { LDM_ERRORS } from "../../src/ldm/assumptions";
import { parseListIo } from "../../src/ldm/parse-list-io";
import { VF_PROPERTIES, VF_PROPERTY_ORDER, type PropertySpec, type ValueSyntax } from "../../src/ldm/properties";
import { sameLdmValue } from "../../src/ldm/syntax";
import { SYNOPSES } from "../../src/lab/ldm/synopsis";
import { NET0, testLab } from "./helpers";

/** A valid value of each syntax, the `n`th of its kind (so two properties do not share a MAC). */
const SAMPLE: { readonly [S in ValueSyntax]: (spec: PropertySpec, n: number) => string } = {
  mac: (_, n) => `00:14:4f:fa:10:${String(n).padStart(2, "0")}`,
  "mac-list": (_, n) => `00:14:4f:fa:20:${String(n).padStart(2, "0")}`,
  vlan: (spec) => String(spec.range?.min ?? 1),
  "vlan-list": (spec) => `${spec.range?.min ?? 1},${(spec.range?.min ?? 1) + 1}`,
  integer: (spec) => String(spec.range?.max ?? 7),
  word: () => "catalogue-word",
};

const samples = VF_PROPERTY_ORDER.map((key, n) => [key, SAMPLE[VF_PROPERTIES[key].syntax](VF_PROPERTIES[key], n)] as const);
const VF0 = `${NET0}.VF0`;

async function listedProperties(t: ReturnType<typeof testLab>): Promise<Readonly<Record<string, string>>> {
  const out = await t.ldm("t7-a", "list-io", "-l", "-p", VF0);
  expect(out.exitCode).toBe(0);
  return parseListIo(out.stdout).find((d) => d.name === VF0)!.properties;
}

describe("the lab reads the VF property catalogue (src/ldm/properties.ts)", () => {
  it("create-vf accepts every catalogued property, and list-io -l -p prints each under its listedAs key", async () => {
    const t = testLab();
    const created = await t.ldm("t7-a", "create-vf", ...samples.map(([k, v]) => `${k}=${v}`), NET0);
    expect(created.stderr).toBe("");
    const listed = await listedProperties(t);
    for (const [key, value] of samples) {
      expect({ key, listed: sameLdmValue(listed[VF_PROPERTIES[key].listedAs], value) }).toEqual({ key, listed: true });
    }
  });

  it("set-io changes every catalogued property of an unassigned VF, printed under its listedAs key", async () => {
    const t = testLab();
    expect((await t.ldm("t7-a", "create-vf", NET0)).exitCode).toBe(0);
    for (const [key, value] of samples) expect({ key, ...(await t.ldm("t7-a", "set-io", `${key}=${value}`, VF0)) }).toMatchObject({ key, exitCode: 0, stderr: "" });
    const listed = await listedProperties(t);
    for (const [key, value] of samples) expect({ key, same: sameLdmValue(listed[VF_PROPERTIES[key].listedAs], value) }).toEqual({ key, same: true });
  });

  it("set-io refuses exactly the properties the catalogue marks needsDomainStopped while the owner is active", async () => {
    const t = testLab();
    await t.ldm("t7-a", "create-vf", NET0);
    t.settle();
    expect((await t.ldm("t7-a", "add-io", VF0, "ldg1")).exitCode).toBe(0);
    for (const [key, value] of samples) {
      const out = await t.ldm("t7-a", "set-io", `${key}=${value}`, VF0);
      const refused = out.stderr === `${VF0}: the change must be made when the owning domain ldg1 is in the inactive or bound state\n`;
      expect({ key, refused }).toEqual({ key, refused: VF_PROPERTIES[key].needsDomainStopped });
    }
  });

  it("refuses a value outside a catalogued range, and shows every catalogued property in the create-vf and set-io synopses", async () => {
    const t = testLab();
    for (const key of VF_PROPERTY_ORDER) {
      const range = (VF_PROPERTIES[key] as PropertySpec).range;
      if (range === undefined) continue;
      expect((await t.ldm("t7-a", "create-vf", `${key}=${range.max + 1}`, NET0)).stderr).toBe(`${LDM_ERRORS.invalidValue(key, String(range.max + 1))}\n`);
    }
    for (const line of [SYNOPSES["create-vf"]![0]!, SYNOPSES["set-io"]![1]!]) {
      for (const key of VF_PROPERTY_ORDER) expect(line).toContain(`[${key}=`);
    }
  });
});
