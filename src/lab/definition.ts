/**
 * The lab definition: a JSON file describing the emulated SPARC machines (buses, slots, PFs and
 * their VFs, domains, virtual switches, disk services) and the lab's options. docs/lab.md
 * documents the format; `loadLabDefinition` validates it and reports every problem with its
 * JSON path and the fix.
 */
import { readFileSync } from "node:fs";
import { ValidationError } from "../model/errors";
import { LDM_NAME_PATTERN, NAME_MAX_LENGTH, VF_MTU_RANGE, VLAN_RANGE, VNET_MTU_RANGE } from "../ldm/assumptions";

export type IoClass = "NETWORK" | "FIBRECHANNEL" | "INFINIBAND";
export type DomainStateName = "active" | "bound" | "inactive";

export interface BusDefinition {
  /** Bus name, e.g. `pci_0`. */
  readonly name: string;
  /** Pseudonym shown in the NAME column; when absent the bus name is shown (T4 style). */
  readonly alias?: string;
  /** Device path without the leading `/`, e.g. `pci@300`. */
  readonly dev: string;
  /** I/O virtualization enabled (`IOV` status). */
  readonly iov: boolean;
  /** Root domain owning the bus; empty for an unowned bus. */
  readonly domain?: string;
}

export interface SlotDefinition {
  readonly alias: string;
  readonly bus: string;
  readonly dev: string;
  readonly status: "OCC" | "EMP" | "UNK";
}

export interface VfDefinition {
  readonly name?: string;
  readonly domain?: string;
  readonly mac?: string;
  readonly pvid?: number;
  readonly vid?: readonly number[];
  readonly mtu?: number;
  readonly portWwn?: string;
  readonly nodeWwn?: string;
  readonly bwPercent?: number;
}

export interface PfDefinition {
  /** Pseudonym, e.g. `/SYS/MB/NET0/IOVNET.PF0`; the class comes from `IOVNET`/`IOVFC`/`IOVIB`. */
  readonly alias: string;
  readonly bus: string;
  readonly dev: string;
  readonly class: IoClass;
  readonly maxvfs: number;
  /** Label of the physical network the port is cabled to (same label = same L2 network). */
  readonly network?: string;
  /** Solaris driver name of this PF's VFs inside a guest, e.g. `ixgbevf`. */
  readonly vfDriver: string;
  readonly vfs: readonly VfDefinition[];
}

export interface VnetDefinition {
  readonly name: string;
  readonly vswitch: string;
  readonly mac?: string;
  readonly pvid?: number;
  readonly vid?: readonly number[];
  readonly mtu?: number;
  readonly id?: number;
}

export interface VdiskDefinition {
  readonly name: string;
  /** `volume@service`. */
  readonly volume: string;
}

export interface DomainDefinition {
  readonly name: string;
  readonly state: DomainStateName;
  readonly ncpu: number;
  /** Bytes. */
  readonly memory: number;
  readonly vnets: readonly VnetDefinition[];
  readonly vdisks: readonly VdiskDefinition[];
  /** The domain runs a modelled Solaris guest (dladm/ipadm/ipmpstat via `runGuest`). */
  readonly guestModel: boolean;
  /** Console port for a guest; the control domain shows `UART`. */
  readonly console?: number;
}

export interface VswitchDefinition {
  readonly name: string;
  readonly domain: string;
  readonly netDev?: string;
  readonly pvid?: number;
  readonly vid?: readonly number[];
  readonly mtu?: number;
  readonly network?: string;
}

export interface VdsDefinition {
  readonly name: string;
  readonly domain: string;
  readonly volumes: readonly { readonly name: string; readonly dev: string }[];
}

export interface MachineDefinition {
  readonly name: string;
  readonly addresses: readonly string[];
  readonly platform: string;
  readonly buses: readonly BusDefinition[];
  readonly slots: readonly SlotDefinition[];
  readonly pfs: readonly PfDefinition[];
  readonly domains: readonly DomainDefinition[];
  readonly vswitches: readonly VswitchDefinition[];
  readonly vdiskServices: readonly VdsDefinition[];
}

export interface FailNthDefinition {
  /** 1-based count of mutating commands (lab-wide, or on `machine` when given). */
  readonly nth: number;
  readonly message: string;
  readonly exitCode?: number;
  readonly machine?: string;
}

export interface FaultsDefinition {
  readonly failNth: readonly FailNthDefinition[];
  /** Extra milliseconds added to every INV period. */
  readonly extraInvMs: number;
  /** Milliseconds of latency added to each `ldm` subcommand (`*` = every subcommand). */
  readonly latencyMs: Readonly<Record<string, number>>;
  /** Milliseconds a subcommand stalls (after its work, before answering). */
  readonly stallMs: Readonly<Record<string, number>>;
}

export interface LabOptions {
  /** How long a PF/VF shows `INV` after create-vf/destroy-vf; stands for Oracle's ~45 s. */
  readonly invSettleMs: number;
  /** How long a live migration takes in the lab. */
  readonly migrationMs: number;
  /** Version printed by `ldm -V`. */
  readonly ldmVersion: string;
}

export interface LabDefinition {
  readonly source: string;
  readonly options: LabOptions;
  readonly faults: FaultsDefinition;
  readonly machines: readonly MachineDefinition[];
}

export const DEFAULT_LAB_OPTIONS: LabOptions = { invSettleMs: 1500, migrationMs: 2000, ldmVersion: "3.5.0.0" };

const PF_ALIAS = /^(\/\S+)\/IOV(NET|FC|IB)\.PF(\d+)$/;
const CLASS_BY_TAG: Record<string, IoClass> = { NET: "NETWORK", FC: "FIBRECHANNEL", IB: "INFINIBAND" };
const DEFAULT_VF_DRIVER: Record<IoClass, string> = { NETWORK: "ixgbevf", FIBRECHANNEL: "emlxs", INFINIBAND: "hermon" };
const MAC = /^[0-9a-f]{1,2}(:[0-9a-f]{1,2}){5}$/i;
const WWN = /^[0-9a-f]{2}(:[0-9a-f]{2}){7}$/i;

/** Collects problems while walking the JSON, each with its path. */
class Walker {
  readonly problems: string[] = [];
  constructor(readonly source: string) {}

  problem(path: string, text: string): void {
    this.problems.push(`${path}: ${text}`);
  }

  object(value: unknown, path: string, known: readonly string[]): Record<string, unknown> | undefined {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      this.problem(path, `expected an object, got ${describe(value)}`);
      return undefined;
    }
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!known.includes(key)) this.problem(`${path}.${key}`, `unknown key; known keys: ${known.join(", ")}`);
    }
    return record;
  }

  array(value: unknown, path: string, optional = true): unknown[] {
    if (value === undefined && optional) return [];
    if (!Array.isArray(value)) {
      this.problem(path, `expected an array, got ${describe(value)}`);
      return [];
    }
    return value;
  }

  string(value: unknown, path: string, fix: string): string | undefined {
    if (typeof value !== "string" || value === "") {
      this.problem(path, `expected a non-empty string (${fix}), got ${describe(value)}`);
      return undefined;
    }
    return value;
  }

  optionalString(value: unknown, path: string, fix: string): string | undefined {
    return value === undefined ? undefined : this.string(value, path, fix);
  }

  name(value: unknown, path: string, what: string): string | undefined {
    const text = this.string(value, path, `the ${what} name`);
    if (text === undefined) return undefined;
    if (!LDM_NAME_PATTERN.test(text) || text.length > NAME_MAX_LENGTH) {
      this.problem(path, `"${text}" is not a valid ${what} name: use letters, digits and - _ + # . : ; ~ ( ), starting with a letter or digit, at most ${NAME_MAX_LENGTH} characters`);
    }
    return text;
  }

  integer(value: unknown, path: string, min: number, max: number, fallback?: number): number | undefined {
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
      this.problem(path, `expected an integer from ${min} to ${max}, got ${describe(value)}`);
      return undefined;
    }
    return value;
  }

  optionalInteger(value: unknown, path: string, min: number, max: number): number | undefined {
    return value === undefined ? undefined : this.integer(value, path, min, max);
  }

  boolean(value: unknown, path: string, fallback: boolean): boolean {
    if (value === undefined) return fallback;
    if (typeof value !== "boolean") {
      this.problem(path, `expected true or false, got ${describe(value)}`);
      return fallback;
    }
    return value;
  }

  vlanList(value: unknown, path: string): number[] | undefined {
    if (value === undefined) return undefined;
    return this.array(value, path).map((v, i) => this.integer(v, `${path}[${i}]`, VLAN_RANGE.min, VLAN_RANGE.max) ?? 0);
  }

  mac(value: unknown, path: string): string | undefined {
    if (value === undefined) return undefined;
    const text = this.string(value, path, "a MAC address like 00:14:4f:f8:00:01");
    if (text !== undefined && !MAC.test(text)) this.problem(path, `"${text}" is not a MAC address; write it like 00:14:4f:f8:00:01`);
    return text;
  }

  wwn(value: unknown, path: string): string | undefined {
    if (value === undefined) return undefined;
    const text = this.string(value, path, "a WWN like 10:00:00:14:4f:fc:f4:7c");
    if (text !== undefined && !WWN.test(text)) this.problem(path, `"${text}" is not a WWN; write it like 10:00:00:14:4f:fc:f4:7c`);
    return text;
  }
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  return JSON.stringify(value);
}

const MEMORY = /^(\d+)([KMGT])?$/i;
const UNIT: Record<string, number> = { K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/** `16G`, `512M` or a byte count. */
export function parseMemorySize(text: string | number): number | undefined {
  if (typeof text === "number") return Number.isInteger(text) && text >= 0 ? text : undefined;
  const m = MEMORY.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * (m[2] ? UNIT[m[2].toUpperCase()]! : 1);
}

function loadMachine(w: Walker, raw: unknown, path: string): MachineDefinition | undefined {
  const o = w.object(raw, path, ["name", "addresses", "platform", "buses", "slots", "pfs", "domains", "vswitches", "vdiskServices"]);
  if (!o) return undefined;
  const name = w.name(o.name, `${path}.name`, "machine") ?? "?";
  const addresses = w.array(o.addresses, `${path}.addresses`).map((a, i) => w.string(a, `${path}.addresses[${i}]`, "a host name the machine answers to") ?? "");
  const platform = o.platform === undefined ? "SPARC T7-2" : w.string(o.platform, `${path}.platform`, 'e.g. "SPARC T7-2"') ?? "";

  const buses: BusDefinition[] = w.array(o.buses, `${path}.buses`).map((b, i) => {
    const p = `${path}.buses[${i}]`;
    const bo = w.object(b, p, ["name", "alias", "dev", "iov", "domain"]) ?? {};
    return {
      name: w.string(bo.name, `${p}.name`, 'the bus name, e.g. "pci_0"') ?? "",
      alias: w.optionalString(bo.alias, `${p}.alias`, "the bus pseudonym"),
      dev: w.string(bo.dev, `${p}.dev`, 'the device path without leading "/", e.g. "pci@300"') ?? "",
      iov: w.boolean(bo.iov, `${p}.iov`, true),
      domain: bo.domain === "" ? undefined : (w.optionalString(bo.domain, `${p}.domain`, "the root domain owning the bus") ?? (bo.domain === undefined ? "primary" : undefined)),
    };
  });
  const busNames = new Set(buses.map((b) => b.name));
  const checkBus = (bus: string, p: string) => {
    if (bus && !busNames.has(bus)) w.problem(p, `bus "${bus}" is not declared in ${path}.buses; add it there or fix the name`);
  };

  const slots: SlotDefinition[] = w.array(o.slots, `${path}.slots`).map((s, i) => {
    const p = `${path}.slots[${i}]`;
    const so = w.object(s, p, ["alias", "bus", "dev", "status"]) ?? {};
    const bus = w.string(so.bus, `${p}.bus`, "the bus the slot is on") ?? "";
    checkBus(bus, `${p}.bus`);
    const status = so.status ?? "OCC";
    if (status !== "OCC" && status !== "EMP" && status !== "UNK") w.problem(`${p}.status`, `expected "OCC", "EMP" or "UNK", got ${describe(status)}`);
    return {
      alias: w.string(so.alias, `${p}.alias`, 'the slot pseudonym, e.g. "/SYS/MB/NET0"') ?? "",
      bus,
      dev: w.string(so.dev, `${p}.dev`, 'the device path, e.g. "pci@300/pci@1/pci@0/pci@4"') ?? "",
      status: status as SlotDefinition["status"],
    };
  });

  const pfs: PfDefinition[] = w.array(o.pfs, `${path}.pfs`).map((f, i) => {
    const p = `${path}.pfs[${i}]`;
    const fo = w.object(f, p, ["alias", "class", "bus", "dev", "maxvfs", "network", "vfDriver", "vfs"]) ?? {};
    const alias = w.string(fo.alias, `${p}.alias`, 'the PF pseudonym, e.g. "/SYS/MB/NET0/IOVNET.PF0"') ?? "";
    const m = PF_ALIAS.exec(alias);
    if (alias && !m) w.problem(`${p}.alias`, `"${alias}" is not a PF pseudonym; write <slot path>/IOVNET.PF<n> (Ethernet), /IOVFC.PF<n> (Fibre Channel) or /IOVIB.PF<n> (InfiniBand)`);
    const cls: IoClass = m ? CLASS_BY_TAG[m[2]!]! : "NETWORK";
    if (fo.class !== undefined && m && fo.class !== cls && fo.class !== `IOV${m[2]}`) {
      w.problem(`${p}.class`, `${describe(fo.class)} does not match the pseudonym ${alias} (class ${cls}); remove "class" or fix the pseudonym`);
    }
    const slot = m ? slots.find((s) => s.alias === m[1]) : undefined;
    let bus = fo.bus === undefined ? slot?.bus : w.string(fo.bus, `${p}.bus`, "the bus the PF is on");
    if (bus === undefined) {
      w.problem(`${p}.bus`, `no bus: declare a slot "${m?.[1] ?? "?"}" in ${path}.slots or give "bus"`);
      bus = "";
    }
    checkBus(bus, `${p}.bus`);
    const dev = fo.dev === undefined
      ? (slot ? `${slot.dev}/${cls === "NETWORK" ? "network" : cls === "FIBRECHANNEL" ? "SUNW,emlxs" : "pciex15b3,1003"}@${m?.[3] ?? 0}` : undefined)
      : w.string(fo.dev, `${p}.dev`, "the PF device path");
    if (dev === undefined && fo.dev === undefined) w.problem(`${p}.dev`, `no device path: declare the slot in ${path}.slots or give "dev"`);
    const maxvfs = w.integer(fo.maxvfs, `${p}.maxvfs`, 1, 64) ?? 1;
    const vfs: VfDefinition[] = w.array(fo.vfs, `${p}.vfs`).map((v, j) => {
      const q = `${p}.vfs[${j}]`;
      const vo = w.object(v, q, ["name", "domain", "mac", "pvid", "vid", "mtu", "portWwn", "nodeWwn", "bwPercent"]) ?? {};
      if (cls !== "NETWORK") {
        for (const k of ["name", "mac", "pvid", "vid", "mtu"]) if (vo[k] !== undefined) w.problem(`${q}.${k}`, `only Ethernet (IOVNET) VFs have "${k}"; remove it`);
      }
      if (cls !== "FIBRECHANNEL") {
        for (const k of ["portWwn", "nodeWwn", "bwPercent"]) if (vo[k] !== undefined) w.problem(`${q}.${k}`, `only Fibre Channel (IOVFC) VFs have "${k}"; remove it`);
      }
      return {
        name: vo.name === undefined ? undefined : w.name(vo.name, `${q}.name`, "VF user-assigned"),
        domain: w.optionalString(vo.domain, `${q}.domain`, "the domain the VF is assigned to"),
        mac: w.mac(vo.mac, `${q}.mac`),
        pvid: w.optionalInteger(vo.pvid, `${q}.pvid`, VLAN_RANGE.min, VLAN_RANGE.max),
        vid: w.vlanList(vo.vid, `${q}.vid`),
        mtu: w.optionalInteger(vo.mtu, `${q}.mtu`, VF_MTU_RANGE.min, VF_MTU_RANGE.max),
        portWwn: w.wwn(vo.portWwn, `${q}.portWwn`),
        nodeWwn: w.wwn(vo.nodeWwn, `${q}.nodeWwn`),
        bwPercent: w.optionalInteger(vo.bwPercent, `${q}.bwPercent`, 0, 100),
      };
    });
    if (vfs.length > maxvfs) w.problem(`${p}.vfs`, `${vfs.length} VFs declared but maxvfs is ${maxvfs}; raise maxvfs or remove VFs`);
    return {
      alias,
      bus,
      dev: dev ?? "",
      class: cls,
      maxvfs,
      network: w.optionalString(fo.network, `${p}.network`, "a label of the physical network the port is cabled to"),
      vfDriver: fo.vfDriver === undefined ? DEFAULT_VF_DRIVER[cls] : w.string(fo.vfDriver, `${p}.vfDriver`, 'the guest driver name, e.g. "ixgbevf"') ?? "",
      vfs,
    };
  });

  const domains: DomainDefinition[] = w.array(o.domains, `${path}.domains`).map((d, i) => {
    const p = `${path}.domains[${i}]`;
    const dobj = w.object(d, p, ["name", "state", "ncpu", "memory", "vnets", "vdisks", "guestModel", "console"]) ?? {};
    const state = dobj.state ?? "active";
    if (state !== "active" && state !== "bound" && state !== "inactive") w.problem(`${p}.state`, `expected "active", "bound" or "inactive", got ${describe(state)}`);
    const memRaw = dobj.memory ?? "8G";
    const memory = typeof memRaw === "string" || typeof memRaw === "number" ? parseMemorySize(memRaw) : undefined;
    if (memory === undefined) w.problem(`${p}.memory`, `expected a size like "16G", "512M" or a byte count, got ${describe(memRaw)}`);
    const vnets: VnetDefinition[] = w.array(dobj.vnets, `${p}.vnets`).map((n, j) => {
      const q = `${p}.vnets[${j}]`;
      const no = w.object(n, q, ["name", "vswitch", "mac", "pvid", "vid", "mtu", "id"]) ?? {};
      return {
        name: w.name(no.name, `${q}.name`, "vnet") ?? "",
        vswitch: w.string(no.vswitch, `${q}.vswitch`, 'the virtual switch name, e.g. "primary-vsw0"') ?? "",
        mac: w.mac(no.mac, `${q}.mac`),
        pvid: w.optionalInteger(no.pvid, `${q}.pvid`, VLAN_RANGE.min, VLAN_RANGE.max),
        vid: w.vlanList(no.vid, `${q}.vid`),
        mtu: w.optionalInteger(no.mtu, `${q}.mtu`, VNET_MTU_RANGE.min, VNET_MTU_RANGE.max),
        id: w.optionalInteger(no.id, `${q}.id`, 0, 1023),
      };
    });
    const vdisks: VdiskDefinition[] = w.array(dobj.vdisks, `${p}.vdisks`).map((n, j) => {
      const q = `${p}.vdisks[${j}]`;
      const no = w.object(n, q, ["name", "volume"]) ?? {};
      const volume = w.string(no.volume, `${q}.volume`, 'volume@service, e.g. "ldg1-disk0@primary-vds0"') ?? "";
      if (volume && !/^[^@]+@[^@]+$/.test(volume)) w.problem(`${q}.volume`, `"${volume}" is not volume@service; write e.g. "ldg1-disk0@primary-vds0"`);
      return { name: w.name(no.name, `${q}.name`, "vdisk") ?? "", volume };
    });
    return {
      name: w.name(dobj.name, `${p}.name`, "domain") ?? "",
      state: state as DomainStateName,
      ncpu: w.integer(dobj.ncpu, `${p}.ncpu`, 0, 4096, 8) ?? 0,
      memory: memory ?? 0,
      vnets,
      vdisks,
      guestModel: w.boolean(dobj.guestModel, `${p}.guestModel`, false),
      console: w.optionalInteger(dobj.console, `${p}.console`, 1, 65535),
    };
  });

  const vswitches: VswitchDefinition[] = w.array(o.vswitches, `${path}.vswitches`).map((s, i) => {
    const p = `${path}.vswitches[${i}]`;
    const so = w.object(s, p, ["name", "domain", "netDev", "pvid", "vid", "mtu", "network"]) ?? {};
    return {
      name: w.name(so.name, `${p}.name`, "virtual switch") ?? "",
      domain: so.domain === undefined ? "primary" : w.string(so.domain, `${p}.domain`, "the service domain") ?? "",
      netDev: w.optionalString(so.netDev, `${p}.netDev`, 'the backing device, e.g. "net0"'),
      pvid: w.optionalInteger(so.pvid, `${p}.pvid`, VLAN_RANGE.min, VLAN_RANGE.max),
      vid: w.vlanList(so.vid, `${p}.vid`),
      mtu: w.optionalInteger(so.mtu, `${p}.mtu`, VNET_MTU_RANGE.min, VNET_MTU_RANGE.max),
      network: w.optionalString(so.network, `${p}.network`, "the physical network label"),
    };
  });

  const vdiskServices: VdsDefinition[] = w.array(o.vdiskServices, `${path}.vdiskServices`).map((s, i) => {
    const p = `${path}.vdiskServices[${i}]`;
    const so = w.object(s, p, ["name", "domain", "volumes"]) ?? {};
    return {
      name: w.name(so.name, `${p}.name`, "virtual disk service") ?? "",
      domain: so.domain === undefined ? "primary" : w.string(so.domain, `${p}.domain`, "the service domain") ?? "",
      volumes: w.array(so.volumes, `${p}.volumes`).map((v, j) => {
        const q = `${p}.volumes[${j}]`;
        const vo = w.object(v, q, ["name", "dev"]) ?? {};
        return { name: w.name(vo.name, `${q}.name`, "volume") ?? "", dev: w.string(vo.dev, `${q}.dev`, "the back-end path") ?? "" };
      }),
    };
  });

  checkCrossReferences(w, path, { name, addresses, platform, buses, slots, pfs, domains, vswitches, vdiskServices });
  return { name, addresses, platform, buses, slots, pfs, domains, vswitches, vdiskServices };
}

function duplicates(values: readonly string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const v of values) (seen.has(v) ? dup : seen).add(v);
  return [...dup];
}

function checkCrossReferences(w: Walker, path: string, m: MachineDefinition): void {
  const domainNames = new Set(m.domains.map((d) => d.name));
  for (const d of duplicates(m.domains.map((x) => x.name))) w.problem(`${path}.domains`, `domain "${d}" is declared twice; names are unique per machine`);
  if (!domainNames.has("primary")) w.problem(`${path}.domains`, `no "primary" control domain; add { "name": "primary" }`);
  const primary = m.domains.find((d) => d.name === "primary");
  if (primary && primary.state !== "active") w.problem(`${path}.domains`, `the primary domain must be "active"`);
  if (primary?.guestModel) w.problem(`${path}.domains`, `the primary domain cannot have "guestModel"; it models guests only`);
  m.buses.forEach((b, i) => {
    if (b.domain && !domainNames.has(b.domain)) w.problem(`${path}.buses[${i}].domain`, `domain "${b.domain}" is not declared in ${path}.domains`);
  });
  for (const d of duplicates(m.buses.map((b) => b.name))) w.problem(`${path}.buses`, `bus "${d}" is declared twice`);
  for (const d of duplicates(m.pfs.map((p) => p.alias))) w.problem(`${path}.pfs`, `PF "${d}" is declared twice`);
  for (const d of duplicates(m.vswitches.map((s) => s.name))) w.problem(`${path}.vswitches`, `virtual switch "${d}" is declared twice`);
  const vfNames: string[] = [];
  const assigned = new Map<string, number>();
  m.pfs.forEach((pf, i) =>
    pf.vfs.forEach((vf, j) => {
      if (vf.name) vfNames.push(vf.name);
      if (vf.domain) {
        if (!domainNames.has(vf.domain)) w.problem(`${path}.pfs[${i}].vfs[${j}].domain`, `domain "${vf.domain}" is not declared in ${path}.domains`);
        assigned.set(vf.domain, (assigned.get(vf.domain) ?? 0) + 1);
      }
    }),
  );
  for (const d of duplicates(vfNames)) w.problem(`${path}.pfs`, `VF name "${d}" is used twice; VF names are unique per machine`);
  const vswNames = new Set(m.vswitches.map((s) => s.name));
  m.vswitches.forEach((s, i) => {
    if (!domainNames.has(s.domain)) w.problem(`${path}.vswitches[${i}].domain`, `domain "${s.domain}" is not declared in ${path}.domains`);
  });
  m.domains.forEach((d, i) => {
    for (const dup of duplicates(d.vnets.map((v) => v.name))) w.problem(`${path}.domains[${i}].vnets`, `vnet "${dup}" is declared twice in domain "${d.name}"`);
    d.vnets.forEach((v, j) => {
      if (v.vswitch && !vswNames.has(v.vswitch)) w.problem(`${path}.domains[${i}].vnets[${j}].vswitch`, `virtual switch "${v.vswitch}" is not declared in ${path}.vswitches`);
    });
    d.vdisks.forEach((v, j) => {
      const [vol, svc] = v.volume.split("@");
      const vds = m.vdiskServices.find((s) => s.name === svc);
      if (v.volume && (!vds || !vds.volumes.some((x) => x.name === vol))) w.problem(`${path}.domains[${i}].vdisks[${j}].volume`, `volume "${v.volume}" is not declared in ${path}.vdiskServices`);
    });
  });
}

/** Validates a parsed lab definition; `source` names the file in messages. */
export function loadLabDefinition(json: unknown, source: string): LabDefinition {
  const w = new Walker(source);
  const root = w.object(json, "$", ["$schema", "description", "options", "faults", "machines"]);
  if (!root) throw new ValidationError(`Invalid lab definition ${source}`, w.problems);
  const oo = root.options === undefined ? {} : w.object(root.options, "$.options", ["invSettleMs", "migrationMs", "ldmVersion"]) ?? {};
  const options: LabOptions = {
    invSettleMs: w.integer(oo.invSettleMs, "$.options.invSettleMs", 0, 3_600_000, DEFAULT_LAB_OPTIONS.invSettleMs) ?? DEFAULT_LAB_OPTIONS.invSettleMs,
    migrationMs: w.integer(oo.migrationMs, "$.options.migrationMs", 0, 3_600_000, DEFAULT_LAB_OPTIONS.migrationMs) ?? DEFAULT_LAB_OPTIONS.migrationMs,
    ldmVersion: oo.ldmVersion === undefined ? DEFAULT_LAB_OPTIONS.ldmVersion : w.string(oo.ldmVersion, "$.options.ldmVersion", 'e.g. "3.5.0.0"') ?? DEFAULT_LAB_OPTIONS.ldmVersion,
  };
  const fo = root.faults === undefined ? {} : w.object(root.faults, "$.faults", ["failNth", "extraInvMs", "latencyMs", "stallMs"]) ?? {};
  const msMap = (value: unknown, p: string): Record<string, number> => {
    if (value === undefined) return {};
    const o = w.object(value, p, Object.keys(value as object)) ?? {};
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(o)) out[k] = w.integer(v, `${p}.${k}`, 0, 3_600_000) ?? 0;
    return out;
  };
  const faults: FaultsDefinition = {
    failNth: w.array(fo.failNth, "$.faults.failNth").map((f, i) => {
      const p = `$.faults.failNth[${i}]`;
      const x = w.object(f, p, ["nth", "message", "exitCode", "machine"]) ?? {};
      return {
        nth: w.integer(x.nth, `${p}.nth`, 1, 1_000_000) ?? 1,
        message: w.string(x.message, `${p}.message`, "the error text the failing command prints") ?? "",
        exitCode: w.optionalInteger(x.exitCode, `${p}.exitCode`, 1, 255),
        machine: w.optionalString(x.machine, `${p}.machine`, "a machine name"),
      };
    }),
    extraInvMs: w.integer(fo.extraInvMs, "$.faults.extraInvMs", 0, 3_600_000, 0) ?? 0,
    latencyMs: msMap(fo.latencyMs, "$.faults.latencyMs"),
    stallMs: msMap(fo.stallMs, "$.faults.stallMs"),
  };
  const machinesRaw = w.array(root.machines, "$.machines", false);
  if (Array.isArray(root.machines) && machinesRaw.length === 0) w.problem("$.machines", "no machines; declare at least one");
  const machines = machinesRaw.map((m, i) => loadMachine(w, m, `$.machines[${i}]`)).filter((m): m is MachineDefinition => m !== undefined);
  for (const d of duplicates(machines.map((m) => m.name))) w.problem("$.machines", `machine "${d}" is declared twice`);
  for (const d of duplicates(machines.flatMap((m) => [m.name, ...m.addresses]))) {
    if (!machines.some((m) => m.name === d && m.addresses.includes(d))) w.problem("$.machines", `"${d}" names two machines; names and addresses must be unique across the lab`);
  }
  const guests = machines.flatMap((m) => m.domains.filter((d) => d.guestModel).map((d) => d.name));
  for (const d of duplicates(guests)) w.problem("$.machines", `guest domain "${d}" has a guest model on two machines; guests are identified by domain name across the lab`);
  faults.failNth.forEach((f, i) => {
    if (f.machine && !machines.some((m) => m.name === f.machine)) w.problem(`$.faults.failNth[${i}].machine`, `machine "${f.machine}" is not declared in $.machines`);
  });
  if (w.problems.length) throw new ValidationError(`Invalid lab definition ${source} (${w.problems.length} problem${w.problems.length === 1 ? "" : "s"})`, w.problems);
  return { source, options, faults, machines };
}

/** Reads and validates a lab definition file. */
export function loadLabDefinitionFile(path: string): LabDefinition {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new ValidationError(`Cannot read lab definition ${path}: ${(e as Error).message}; check the path given with --config`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ValidationError(`Lab definition ${path} is not valid JSON: ${(e as Error).message}`);
  }
  return loadLabDefinition(json, path);
}
