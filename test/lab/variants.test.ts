/**
 * Lab variants (docs/lab.md, "Variants"): each unverified format choice as an option; the
 * defaults print the lab's usual output byte for byte.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ALTERNATIVE_VARIANTS, DEFAULT_LAB_FILE, DEFAULT_VARIANTS, Lab, loadLabDefinition, type LabVariants } from "../../src/lab";
import { parseListDomains } from "../../src/ldm/parse-list-domains";
import { parseListIo } from "../../src/ldm/parse-list-io";
import { parseListServices } from "../../src/ldm/parse-list-services";
import { NET0 } from "./helpers";

function labWith(variants: unknown): Lab {
  const json = JSON.parse(readFileSync(DEFAULT_LAB_FILE, "utf8"));
  json.options = { ...json.options, invSettleMs: 0, ...(variants === undefined ? {} : { variants }) };
  return Lab.fromDefinition(loadLabDefinition(json, "variants test"), { now: () => 1_700_000_000_000 });
}

async function withNamedVf(lab: Lab): Promise<void> {
  const made = await lab.runLdm("t7-a", ["create-vf", "name=ldg1-app", "pvid=100", NET0]);
  expect(made.exitCode).toBe(0);
  expect((await lab.runLdm("t7-a", ["add-io", `${NET0}.VF0`, "ldg1"])).exitCode).toBe(0);
  expect((await lab.runLdm("t7-a", ["add-vnet", "vnet0", "primary-vsw0", "ldg1"])).exitCode).toBe(0);
}

const out = async (lab: Lab, ...argv: string[]) => (await lab.runLdm("t7-a", argv)).stdout;

describe("lab variants", () => {
  it("an absent variants key, {} and \"default\" print the same listings", async () => {
    const labs = [labWith(undefined), labWith({}), labWith("default"), labWith({ ...DEFAULT_VARIANTS })];
    for (const lab of labs) await withNamedVf(lab);
    for (const argv of [["list-io", "-l", "-p"], ["list-io", "-p"], ["list-io", "-l"], ["list", "-l", "-p"], ["list-bindings", "-p"], ["list-services", "-p"], ["list"]]) {
      const texts = await Promise.all(labs.map((l) => out(l, ...argv)));
      expect(new Set(texts).size, argv.join(" ")).toBe(1);
    }
  });

  it("vfName record (default): name= ends the VF record line", async () => {
    const lab = labWith(undefined);
    await withNamedVf(lab);
    const text = await out(lab, "list-io", "-l", "-p");
    expect(text).toContain(`|alias=${NET0}.VF0|status=|domain=ldg1|type=VF|class=NETWORK|bus=pci_0|name=ldg1-app\n`);
  });

  it("vfName property-line: a |name= line under the record; the parser reads it", async () => {
    const lab = labWith({ vfName: "property-line" });
    await withNamedVf(lab);
    const text = await out(lab, "list-io", "-l", "-p");
    const lines = text.split("\n");
    const at = lines.findIndex((l) => l.includes(`|alias=${NET0}.VF0|`));
    expect(lines[at]).not.toContain("name=");
    expect(lines.slice(at + 1, at + 8)).toContain("|name=ldg1-app");
    expect(parseListIo(text).find((d) => d.type === "VF")).toMatchObject({ vfName: "ldg1-app", nameShown: true });
    expect(parseListIo(await out(lab, "list-io", "-p")).find((d) => d.type === "VF")?.vfName).toBe("ldg1-app");
  });

  it("vfName human-only: no name= in -p listings, `name = X` in list-io -l", async () => {
    const lab = labWith({ vfName: "human-only" });
    await withNamedVf(lab);
    expect(await out(lab, "list-io", "-l", "-p")).not.toContain("name=");
    expect(await out(lab, "list-io", "-p")).not.toContain("name=");
    expect(await out(lab, "list-io", "-l")).toContain("    name = ldg1-app\n");
  });

  it("vfName nowhere: in no listing", async () => {
    const lab = labWith({ vfName: "nowhere" });
    await withNamedVf(lab);
    for (const argv of [["list-io", "-l", "-p"], ["list-io", "-p"], ["list-io", "-l"], ["list-io"]]) expect(await out(lab, ...argv), argv.join(" ")).not.toMatch(/name ?= ?ldg1-app/);
    expect(parseListIo(await out(lab, "list-io", "-l", "-p")).find((d) => d.type === "VF")?.nameShown).toBeUndefined();
  });

  it("propertyLines grouped: one line of fields per device, the first property second", async () => {
    const lab = labWith({ propertyLines: "grouped" });
    await withNamedVf(lab);
    const text = await out(lab, "list-io", "-l", "-p");
    const lines = text.split("\n");
    const pf = lines.findIndex((l) => l.includes(`|alias=${NET0}|`));
    expect(lines[pf + 1]).toBe("|dev=pci@300/pci@1/pci@0/pci@4/network@0|maxvfs=7");
    expect(lines[pf + 1]!.split("|")[2]).toBe("maxvfs=7");
    const vf = lines.findIndex((l) => l.includes(`|alias=${NET0}.VF0|`));
    expect(lines[vf + 1]!.split("|")[2]).toMatch(/^mac-addr=00:14:4f:/);
    expect(lines[vf + 1]).toMatch(/\|pvid=100\|vid=\|mtu=1500$/);
    const device = parseListIo(text).find((d) => d.type === "VF")!;
    expect(device.properties).toMatchObject({ pvid: "100", mtu: "1500" });
    expect(device.dev).toBe("pci@300/pci@1/pci@0/pci@4/network@0,1");
  });

  it("domainFlags letters: list -l -p prints the six letters", async () => {
    const lab = labWith({ domainFlags: "letters" });
    expect(await out(lab, "list", "-l", "-p", "primary")).toContain("DOMAIN|name=primary|state=active|flags=-n-cv-|");
    expect(await out(labWith(undefined), "list", "-l", "-p", "primary")).toContain("|flags=normal,control,vio-service|");
  });

  it("multiItemRecords keyword-line: VNET, IO, VDISK alone on a line, one | row per item; the parser reads them", async () => {
    const lab = labWith({ multiItemRecords: "keyword-line" });
    await withNamedVf(lab);
    const text = await out(lab, "list", "-l", "-p", "ldg1");
    expect(text).toMatch(/\nIO\n\|dev=pci@300\/pci@1\/pci@0\/pci@4\/network@0,1\|alias=\/SYS\/MB\/NET0\/IOVNET\.PF0\.VF0\n/);
    expect(text).toMatch(/\nVNET\n\|name=vnet0\|dev=network@0\|service=primary-vsw0@primary\|/);
    expect(text).toMatch(/\nVDISK\n\|name=vdisk0\|/);
    const [domain] = parseListDomains(text).domains;
    expect(domain!.vnets.map((v) => [v.name, v.vswitch])).toEqual([["vnet0", "primary-vsw0"]]);
    expect(domain!.io.map((i) => i.alias)).toEqual([`${NET0}.VF0`]);
  });

  it("versions: VERSION per listing", async () => {
    const lab = labWith({ versions: { "list-io": "1.6", "list-services": "1.0" } });
    expect((await out(lab, "list-io", "-l", "-p")).split("\n")[0]).toBe("VERSION 1.6");
    expect((await out(lab, "list-services", "-p")).split("\n")[0]).toBe("VERSION 1.0");
    expect((await out(lab, "list", "-l", "-p")).split("\n")[0]).toBe("VERSION 1.11");
    expect(parseListServices(await out(lab, "list-services", "-p")).version).toBe("1.0");
  });

  it("errors plain: no LDom word, the command as typed first, wrapped at 64 columns", async () => {
    const lab = labWith({ errors: "plain" });
    const r = await lab.runLdm("t7-a", ["rm-io", `${NET0}.VF0`, "ghost-domain-with-a-long-name"]);
    expect(r.exitCode).toBe(1);
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^rm-io: /);
    expect(r.stderr).not.toContain("LDom");
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(64);
    expect((await labWith(undefined).runLdm("t7-a", ["add-io", `${NET0}.VF0`, "ghost"])).stderr).toBe(`Invalid device ${NET0}.VF0: it does not exist\n`);
    const usage = await lab.runLdm("t7-a", ["add-io"]);
    expect(usage.stderr.startsWith("Usage:")).toBe(true);
  });

  it("the alternatives preset by name equals ALTERNATIVE_VARIANTS, and leaves out the variants the engine cannot work with", () => {
    const lab = labWith("alternatives");
    expect(lab.store.read((s) => s.options.variants)).toEqual(ALTERNATIVE_VARIANTS);
    const alt: LabVariants = ALTERNATIVE_VARIANTS;
    for (const key of ["vfName", "propertyLines", "domainFlags", "multiItemRecords", "errors"] as const) expect(alt[key], key).not.toBe(DEFAULT_VARIANTS[key]);
    expect(["human-only", "nowhere"]).not.toContain(alt.vfName);
  });

  it("a bad variant is a definition error with its path", () => {
    const json = JSON.parse(readFileSync(DEFAULT_LAB_FILE, "utf8"));
    json.options = { variants: { vfName: "somewhere" } };
    expect(() => loadLabDefinition(json, "bad.json")).toThrow(/\$\.options\.variants/);
  });
});

describe("ldoms demo --lab-variant", () => {
  it("takes a preset name, nothing for none, and refuses another word naming the presets", async () => {
    const { labVariantOption } = await import("../../src/cli/commands/demo");
    expect(labVariantOption("alternatives")).toBe("alternatives");
    expect(labVariantOption("default")).toBe("default");
    expect(labVariantOption(undefined)).toBeUndefined();
    expect(labVariantOption("")).toBeUndefined();
    expect(() => labVariantOption("nowhere")).toThrow("--lab-variant nowhere is not a lab variant; use one of default, alternatives");
  });
});
