import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_LAB_FILE, FC_IB_LAB_FILE, initialLabState, loadLabDefinition, loadLabDefinitionFile } from "../../src/lab";
import { ValidationError } from "../../src/model";
import { DEFAULT_VARIANTS } from "../../src/lab/variants";

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

  it("names the JSON path, the bad value and the fix for each structural problem (checked by the schema)", () => {
    const text = problems({
      machines: [
        machine({
          pfs: [{ alias: "/SYS/MB/NET0/IOVXX.PF0", maxvfs: 0 }],
          domains: [{ name: "primary", state: "running" }],
          colour: "red",
        }),
      ],
    });
    expect(text).toBe(
      [
        "Invalid lab definition x.json (4 problems)",
        '  - $.machines[0]: unknown key "colour"; remove it (known keys: name, addresses, platform, capacity, buses, slots, pfs, domains, vswitches, vdiskServices)',
        '  - $.machines[0].pfs[0].alias: "/SYS/MB/NET0/IOVXX.PF0" is not a PF pseudonym; write <slot path>/IOVNET.PF<n> (Ethernet), /IOVFC.PF<n> (Fibre Channel) or /IOVIB.PF<n> (InfiniBand)',
        "  - $.machines[0].pfs[0].maxvfs: expected an integer from 1 to 64, got 0",
        '  - $.machines[0].domains[0].state: expected "active", "bound" or "inactive", got "running"',
      ].join("\n"),
    );
  });

  it("names the JSON path and the fix for each problem the schema cannot see: a PF without slot, too many VFs, an undeclared domain", () => {
    const text = problems({ machines: [machine({ pfs: [{ alias: "/SYS/MB/NET9/IOVNET.PF0", maxvfs: 2, vfs: [{ domain: "ghost" }, {}, {}] }] })] });
    expect(text).toBe(
      [
        "Invalid lab definition x.json (4 problems)",
        '  - $.machines[0].pfs[0].bus: no bus: declare a slot "/SYS/MB/NET9" in $.machines[0].slots or give "bus"',
        '  - $.machines[0].pfs[0].dev: no device path: declare the slot in $.machines[0].slots or give "dev"',
        "  - $.machines[0].pfs[0].vfs: 3 VFs declared but maxvfs is 2; raise maxvfs or remove VFs",
        '  - $.machines[0].pfs[0].vfs[0].domain: domain "ghost" is not declared in $.machines[0].domains',
      ].join("\n"),
    );
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
    expect(text).toBe(
      [
        "Invalid lab definition x.json (5 problems)",
        '  - $.machines[0].pfs[1].vfs[0].name: only Ethernet (IOVNET) VFs have "name"; remove it',
        '  - $.machines[0].domains: no "primary" control domain; add { "name": "primary" }',
        '  - $.machines[0].buses[0].domain: domain "primary" is not declared in $.machines[0].domains',
        '  - $.machines[0].pfs: VF name "a" is used twice; VF names are unique per machine',
        '  - $.machines[0].domains[0].vnets[0].vswitch: virtual switch "nope" is not declared in $.machines[0].vswitches',
      ].join("\n"),
    );
  });

  it("refuses an invalid domain name with the allowed characters", () => {
    const text = problems({ machines: [machine({ domains: [{ name: "primary" }, { name: "bad name" }] })] });
    expect(text).toBe(
      [
        "Invalid lab definition x.json (1 problem)",
        '  - $.machines[0].domains[1].name: "bad name" is not a valid name; use letters, digits and - _ + # . : ; ~ ( ), starting with a letter or digit, at most 64 characters',
      ].join("\n"),
    );
  });

  it("refuses a machine name or address used twice across the lab", () => {
    const text = problems({ machines: [machine({ addresses: ["shared"] }), { ...machine({ addresses: ["shared"] }), name: "m2" }] });
    expect(text).toBe(
      ["Invalid lab definition x.json (1 problem)", '  - $.machines: "shared" names two machines; names and addresses must be unique across the lab'].join("\n"),
    );
  });

  it("names a value of the wrong type with what is allowed", () => {
    const text = problems({ machines: [machine({ domains: [{ name: "primary", ncpu: "8", guestModel: "yes" }], buses: { name: "pci_0" } })] });
    expect(text).toBe(
      [
        "Invalid lab definition x.json (3 problems)",
        '  - $.machines[0].buses: expected an array, got {"name":"pci_0"}',
        '  - $.machines[0].domains[0].ncpu: expected an integer from 0 to 4096, got "8"',
        '  - $.machines[0].domains[0].guestModel: expected true or false, got "yes"',
      ].join("\n"),
    );
  });

  it("names a misspelt or missing key, suggesting the closest known one", () => {
    expect(problems({ machine: [] })).toBe(
      [
        "Invalid lab definition x.json (2 problems)",
        '  - $: missing required key "machines"; add "machines"',
        '  - $: unknown key "machine"; did you mean "machines"? (known keys: $schema, description, options, faults, machines)',
      ].join("\n"),
    );
    expect(problems({ machines: [{ buses: [{ dev: "pci@300" }] }] })).toBe(
      [
        "Invalid lab definition x.json (2 problems)",
        '  - $.machines[0]: missing required key "name"; add "name" (a valid name)',
        '  - $.machines[0].buses[0]: missing required key "name"; add "name" (Bus name, e.g. `pci_0`)',
      ].join("\n"),
    );
  });

  it("checks options, faults, MACs, VLAN ids and memory sizes with their ranges and formats", () => {
    const text = problems({
      machines: [machine({ pfs: [{ alias: "/SYS/MB/NET0/IOVNET.PF0", maxvfs: 4, vfs: [{ mac: "zz", vid: [0, 5000] }] }], domains: [{ name: "primary", memory: "lots" }] })],
      options: { invSettleMs: -1 },
      faults: { latencyMs: { "*": "slow" } },
    });
    expect(text).toBe(
      [
        "Invalid lab definition x.json (6 problems)",
        "  - $.options.invSettleMs: expected an integer from 0 to 3600000, got -1",
        '  - $.faults.latencyMs["*"]: expected an integer from 0 to 3600000, got "slow"',
        '  - $.machines[0].pfs[0].vfs[0].mac: "zz" is not a MAC address; write it like 00:14:4f:f8:00:01',
        "  - $.machines[0].pfs[0].vfs[0].vid[0]: expected an integer from 1 to 4094, got 0",
        "  - $.machines[0].pfs[0].vfs[0].vid[1]: expected an integer from 1 to 4094, got 5000",
        '  - $.machines[0].domains[0].memory: "lots" is not a size like "16G", "512M" or a byte count; write a whole number of bytes, or one followed by K, M, G or T',
      ].join("\n"),
    );
    expect(problems({ machines: [] })).toBe("Invalid lab definition x.json (1 problem)\n  - $.machines: expected at least 1 item, got []; declare at least one machine");
    expect(problems([])).toBe(
      'Invalid lab definition x.json (1 problem)\n  - $: expected an object, got []; a lab definition is { "machines": [ { "name", "buses", "slots", "pfs", "domains", ... } ] }',
    );
  });

  it("fills the defaults the schema declares, without changing the input", () => {
    const input = {
      machines: [
        machine({
          pfs: [{ alias: "/SYS/MB/NET0/IOVNET.PF0", maxvfs: 4, vfs: [{ name: "a" }] }],
          domains: [{ name: "primary" }, { name: "ldg1", vnets: [{ name: "vnet0", vswitch: "primary-vsw0" }] }],
          vswitches: [{ name: "primary-vsw0" }],
        }),
      ],
    };
    const before = JSON.stringify(input);
    const def = loadLabDefinition(input, "x.json");
    expect(JSON.stringify(input)).toBe(before);
    expect(def.options).toEqual({ invSettleMs: 1500, migrationMs: 2000, ldmVersion: "3.5.0.0", variants: DEFAULT_VARIANTS });
    expect(def.faults).toEqual({ failNth: [], extraInvMs: 0, latencyMs: {}, stallMs: {} });
    const m = def.machines[0]!;
    expect(m).toMatchObject({ platform: "SPARC T7-2", addresses: [], vdiskServices: [] });
    expect(m.buses[0]).toEqual({ name: "pci_0", dev: "pci@300", iov: true, domain: "primary" });
    expect(m.slots[0]!.status).toBe("OCC");
    expect(m.domains[0]).toEqual({ name: "primary", state: "active", ncpu: 8, memory: 8 * 1024 ** 3, vnets: [], vdisks: [], guestModel: false });
    expect(m.vswitches[0]).toEqual({ name: "primary-vsw0", domain: "primary", pvid: 1, vid: [], mtu: 1500 });
    expect(m.domains[1]!.vnets[0]).toEqual({ name: "vnet0", vswitch: "primary-vsw0", pvid: 1, vid: [], mtu: 1500 });
    expect(m.pfs[0]!.vfs[0]).toEqual({ name: "a", mtu: 1500 });
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
