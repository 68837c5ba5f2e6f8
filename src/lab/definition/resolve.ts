/**
 * From a lab document that passed its schema (defaults filled) to the definition the lab runs:
 * a PF's class, bus, device path and VF driver come from its pseudonym and slot, memory sizes
 * become bytes. What cannot be resolved is a problem with its JSON path and the fix.
 */
import type { BusDocument, CapacityDocument, DomainDocument, IoClass, MachineDocument, PfDocument, SlotDocument, VdsDocument, VswitchDocument } from "./document";
import type { BusDefinition, CapacityDefinition, DomainDefinition, MachineDefinition, PfDefinition, SlotDefinition, VdsDefinition, VfDefinition, VnetDefinition, VswitchDefinition } from "./types";

/** Problems found while loading, each `<JSON path>: <what is wrong and the fix>`. */
export class Problems {
  readonly list: string[] = [];
  add(path: string, text: string): void {
    this.list.push(`${path}: ${text}`);
  }
}

/** A document whose schema defaults were filled in (`checkAgainstSchema` with `fillDefaults`). */
type Defaulted<T, K extends keyof T> = T & { readonly [P in K]-?: Exclude<T[P], undefined> };
type DefaultedMachine = Defaulted<MachineDocument, "addresses" | "platform" | "capacity" | "buses" | "slots" | "pfs" | "domains" | "vswitches" | "vdiskServices">;

const PF_ALIAS = /^(\/\S+)\/IOV(NET|FC|IB)\.PF(\d+)$/;
const CLASS_BY_TAG: Readonly<Record<string, IoClass>> = { NET: "NETWORK", FC: "FIBRECHANNEL", IB: "INFINIBAND" };
const DEFAULT_VF_DRIVER: Readonly<Record<IoClass, string>> = { NETWORK: "ixgbevf", FIBRECHANNEL: "emlxs", INFINIBAND: "hermon" };
/** The device node of a PF under its slot's path, by class. */
const PF_DEVICE_NODE: Readonly<Record<IoClass, string>> = { NETWORK: "network", FIBRECHANNEL: "SUNW,emlxs", INFINIBAND: "pciex15b3,1003" };
/** Defaults of a VF that depend on its PF's class (filled here, as the schema cannot). */
const VF_DEFAULTS: Readonly<Record<IoClass, Partial<VfDefinition>>> = { NETWORK: { mtu: 1500 }, FIBRECHANNEL: { bwPercent: 0 }, INFINIBAND: {} };
/** VF keys that only one class of PF has. */
const CLASS_ONLY_VF_KEYS: readonly { class: IoClass; what: string; keys: readonly string[] }[] = [
  { class: "NETWORK", what: "Ethernet (IOVNET)", keys: ["name", "mac", "pvid", "vid", "mtu"] },
  { class: "FIBRECHANNEL", what: "Fibre Channel (IOVFC)", keys: ["portWwn", "nodeWwn", "bwPercent"] },
];

const MEMORY = /^(\d+)([KMGT])?$/i;
const UNIT: Readonly<Record<string, number>> = { K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/** `16G`, `512M` or a byte count. */
export function parseMemorySize(text: string | number): number | undefined {
  if (typeof text === "number") return Number.isInteger(text) && text >= 0 ? text : undefined;
  const m = MEMORY.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * (m[2] ? UNIT[m[2].toUpperCase()]! : 1);
}

function resolveBus(bus: BusDocument): BusDefinition {
  const b = bus as Defaulted<BusDocument, "iov" | "domain">;
  return { ...b, domain: b.domain === "" ? undefined : b.domain };
}

function resolvePf(pf: PfDocument, path: string, machinePath: string, slots: readonly SlotDefinition[], problems: Problems): PfDefinition {
  const m = PF_ALIAS.exec(pf.alias);
  if (!m) throw new Error(`${path}.alias passed the schema but is not a PF pseudonym`);
  const [, slotPath, tag, number] = m as unknown as [string, string, string, string];
  const cls = CLASS_BY_TAG[tag]!;
  if (pf.class !== undefined && pf.class !== cls && pf.class !== `IOV${tag}`) {
    problems.add(`${path}.class`, `${JSON.stringify(pf.class)} does not match the pseudonym ${pf.alias} (class ${cls}); remove "class" or fix the pseudonym`);
  }
  const slot = slots.find((s) => s.alias === slotPath);
  const bus = pf.bus ?? slot?.bus;
  if (bus === undefined) problems.add(`${path}.bus`, `no bus: declare a slot "${slotPath}" in ${machinePath}.slots or give "bus"`);
  const dev = pf.dev ?? (slot ? `${slot.dev}/${PF_DEVICE_NODE[cls]}@${number}` : undefined);
  if (dev === undefined) problems.add(`${path}.dev`, `no device path: declare the slot in ${machinePath}.slots or give "dev"`);
  const vfs = pf.vfs ?? [];
  vfs.forEach((vf, j) => {
    for (const only of CLASS_ONLY_VF_KEYS) {
      if (only.class === cls) continue;
      for (const key of only.keys) {
        if ((vf as Record<string, unknown>)[key] !== undefined) problems.add(`${path}.vfs[${j}].${key}`, `only ${only.what} VFs have "${key}"; remove it`);
      }
    }
  });
  if (vfs.length > pf.maxvfs) problems.add(`${path}.vfs`, `${vfs.length} VFs declared but maxvfs is ${pf.maxvfs}; raise maxvfs or remove VFs`);
  const { class: _class, ...rest } = pf;
  const filled = vfs.map((vf) => ({ ...VF_DEFAULTS[cls], ...vf }));
  return { ...rest, bus: bus ?? "", dev: dev ?? "", class: cls, vfDriver: pf.vfDriver ?? DEFAULT_VF_DRIVER[cls], vfs: filled };
}

function resolveDomain(domain: DomainDocument, path: string, problems: Problems): DomainDefinition {
  const d = domain as Defaulted<DomainDocument, "state" | "ncpu" | "memory" | "vnets" | "vdisks" | "guestModel">;
  const memory = parseMemorySize(d.memory);
  if (memory === undefined) problems.add(`${path}.memory`, `expected a size like "16G", "512M" or a byte count, got ${JSON.stringify(d.memory)}; write a whole number of bytes, or one followed by K, M, G or T`);
  return { ...d, memory: memory ?? 0, vnets: d.vnets.map((v) => v as VnetDefinition) };
}

function resolveCapacity(capacity: CapacityDocument, path: string, problems: Problems): CapacityDefinition {
  const c = capacity as Defaulted<CapacityDocument, "vcpus" | "memory">;
  const memoryBytes = parseMemorySize(c.memory);
  if (memoryBytes === undefined) problems.add(`${path}.memory`, `expected a size like "256G" or a byte count, got ${JSON.stringify(c.memory)}; write a whole number of bytes, or one followed by K, M, G or T`);
  return { vcpus: c.vcpus, memoryBytes: memoryBytes ?? 0 };
}

/** One machine of the lab, resolved; `path` is its JSON path (`$.machines[0]`). */
export function resolveMachine(machine: MachineDocument, path: string, problems: Problems): MachineDefinition {
  const m = machine as DefaultedMachine;
  const slots = m.slots.map((s) => s as Defaulted<SlotDocument, "status">);
  return {
    name: m.name,
    addresses: m.addresses,
    platform: m.platform,
    capacity: resolveCapacity(m.capacity, `${path}.capacity`, problems),
    buses: m.buses.map(resolveBus),
    slots,
    pfs: m.pfs.map((pf, i) => resolvePf(pf, `${path}.pfs[${i}]`, path, slots, problems)),
    domains: m.domains.map((d, i) => resolveDomain(d, `${path}.domains[${i}]`, problems)),
    vswitches: m.vswitches.map((s) => s as Defaulted<VswitchDocument, "domain" | "pvid" | "vid" | "mtu">) satisfies readonly VswitchDefinition[],
    vdiskServices: m.vdiskServices.map((s) => s as Defaulted<VdsDocument, "domain" | "volumes">) satisfies readonly VdsDefinition[],
  };
}
