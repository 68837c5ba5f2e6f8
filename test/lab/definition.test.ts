import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_LAB_FILE, FC_IB_LAB_FILE, initialLabState, loadLabDefinition, loadLabDefinitionFile } from "../../src/lab";
import { ValidationError } from "../../src/model";

function problems(json: unknown): string {
  try {
    loadLabDefinition(json, "x.json");
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as Error).message;
  }
  throw new Error("expected a ValidationError");
}

const machine = (extra: Record<string, unknown> = {}) => ({
  name: "m1",
  buses: [{ name: "pci_0", dev: "pci@300" }],
  slots: [{ alias: "/SYS/MB/NET0", bus: "pci_0", dev: "pci@300/pci@1" }],
  pfs: [{ alias: "/SYS/MB/NET0/IOVNET.PF0", maxvfs: 4 }],
  domains: [{ name: "primary" }],
  ...extra,
});

describe("lab definition", () => {
  it("loads the shipped default lab: t7-a with ldg1 and t7-b, the same PFs and vswitch on both", () => {
    const def = loadLabDefinitionFile(DEFAULT_LAB_FILE);
    expect(def.machines.map((m) => m.name)).toEqual(["t7-a", "t7-b"]);
    for (const m of def.machines) {
      expect(m.pfs.map((p) => p.alias)).toEqual(["/SYS/MB/NET0/IOVNET.PF0", "/SYS/MB/NET2/IOVNET.PF0"]);
      expect(m.pfs.every((p) => p.network === "lan-a" && p.class === "NETWORK")).toBe(true);
      expect(m.vswitches.map((s) => s.name)).toEqual(["primary-vsw0"]);
      expect(m.buses.every((b) => b.iov)).toBe(true);
    }
    const ldg1 = def.machines[0]!.domains.find((d) => d.name === "ldg1")!;
    expect(ldg1).toMatchObject({ state: "active", guestModel: true, vnets: [] });
  });

  it("loads the FC/IB lab with an FC VF assigned to a guest", () => {
    const def = loadLabDefinitionFile(FC_IB_LAB_FILE);
    const fc = def.machines[0]!.pfs.find((p) => p.class === "FIBRECHANNEL")!;
    expect(fc.vfs[0]!.domain).toBe("fcg1");
    expect(def.machines[0]!.pfs.some((p) => p.class === "INFINIBAND")).toBe(true);
  });

  it("derives bus and device path of a PF from its slot, and class from the pseudonym", () => {
    const def = loadLabDefinition({ machines: [machine()] }, "x.json");
    expect(def.machines[0]!.pfs[0]).toMatchObject({ bus: "pci_0", dev: "pci@300/pci@1/network@0", class: "NETWORK", vfDriver: "ixgbevf" });
  });

  it("names the JSON path and the fix for each problem", () => {
    const text = problems({
      machines: [
        machine({
          pfs: [{ alias: "/SYS/MB/NET0/IOVXX.PF0", maxvfs: 0 }, { alias: "/SYS/MB/NET9/IOVNET.PF0", maxvfs: 2, vfs: [{ domain: "ghost" }, {}, {}] }],
          domains: [{ name: "primary", state: "running" }],
          colour: "red",
        }),
      ],
    });
    expect(text).toContain("Invalid lab definition x.json");
    expect(text).toContain('$.machines[0].pfs[0].alias: "/SYS/MB/NET0/IOVXX.PF0" is not a PF pseudonym; write <slot path>/IOVNET.PF<n>');
    expect(text).toContain("$.machines[0].pfs[0].maxvfs: expected an integer from 1 to 64, got 0");
    expect(text).toContain('$.machines[0].pfs[1].bus: no bus: declare a slot "/SYS/MB/NET9" in $.machines[0].slots or give "bus"');
    expect(text).toContain('$.machines[0].pfs[1].vfs[0].domain: domain "ghost" is not declared in $.machines[0].domains');
    expect(text).toContain("$.machines[0].pfs[1].vfs: 3 VFs declared but maxvfs is 2; raise maxvfs or remove VFs");
    expect(text).toContain('$.machines[0].domains[0].state: expected "active", "bound" or "inactive", got "running"');
    expect(text).toContain("$.machines[0].colour: unknown key; known keys:");
  });

  it("refuses duplicate VF names on one machine, a missing primary, an unknown vswitch and class-foreign VF keys", () => {
    const text = problems({
      machines: [
        machine({
          slots: [
            { alias: "/SYS/MB/NET0", bus: "pci_0", dev: "pci@300/pci@1" },
            { alias: "/SYS/MB/PCIE1", bus: "pci_0", dev: "pci@300/pci@2" },
          ],
          pfs: [
            { alias: "/SYS/MB/NET0/IOVNET.PF0", maxvfs: 4, vfs: [{ name: "a" }, { name: "a" }] },
            { alias: "/SYS/MB/PCIE1/IOVFC.PF0", maxvfs: 4, vfs: [{ name: "fc" }] },
          ],
          domains: [{ name: "ldg1", vnets: [{ name: "vnet0", vswitch: "nope" }] }],
        }),
      ],
    });
    expect(text).toContain('$.machines[0].pfs: VF name "a" is used twice; VF names are unique per machine');
    expect(text).toContain('$.machines[0].domains: no "primary" control domain; add { "name": "primary" }');
    expect(text).toContain('$.machines[0].domains[0].vnets[0].vswitch: virtual switch "nope" is not declared in $.machines[0].vswitches');
    expect(text).toContain('$.machines[0].pfs[1].vfs[0].name: only Ethernet (IOVNET) VFs have "name"; remove it');
  });

  it("refuses an invalid domain name with the allowed characters", () => {
    const text = problems({ machines: [machine({ domains: [{ name: "primary" }, { name: "bad name" }] })] });
    expect(text).toContain('$.machines[0].domains[1].name: "bad name" is not a valid domain name: use letters, digits');
  });

  it("refuses a machine name or address used twice across the lab", () => {
    const text = problems({ machines: [machine({ addresses: ["shared"] }), { ...machine({ addresses: ["shared"] }), name: "m2" }] });
    expect(text).toContain('"shared" names two machines');
  });

  it("reports unreadable files and bad JSON with the path", () => {
    const dir = mkdtempSync(join(tmpdir(), "lab-def-"));
    const bad = join(dir, "bad.json");
    writeFileSync(bad, "{ nope");
    expect(() => loadLabDefinitionFile(bad)).toThrow(`Lab definition ${bad} is not valid JSON`);
    expect(() => loadLabDefinitionFile(join(dir, "missing.json"))).toThrow(`Cannot read lab definition ${join(dir, "missing.json")}`);
  });

  it("builds a plain-JSON state with stable VF numbering and automatic MACs in Oracle's range", () => {
    const def = loadLabDefinition({ machines: [machine({ pfs: [{ alias: "/SYS/MB/NET0/IOVNET.PF0", maxvfs: 4, vfs: [{ name: "a" }, {}] }] })] }, "x.json");
    const state = initialLabState(def, 0);
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    const vfs = state.machines.m1!.pfs[0]!.vfs;
    expect(vfs.map((v) => v.index)).toEqual([0, 1]);
    for (const v of vfs) expect(v.mac).toMatch(/^00:14:4f:f[89ab]:[0-9a-f]{2}:[0-9a-f]{2}$/);
  });
});
