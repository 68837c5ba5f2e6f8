/**
 * The lab's whole mutable state as plain JSON (so the standalone `ldm` can keep it in a file
 * shared by processes). Times are wall-clock milliseconds.
 */
import type { DomainStateName, FaultsDefinition, IoClass, LabDefinition, LabOptions } from "./definition";
import { initialPlainValues, type PlainVfValues } from "./ldm/vf-properties";

export interface BusState {
  name: string;
  alias?: string;
  dev: string;
  iov: boolean;
  /** Value that takes effect when the root domain reboots out of delayed reconfiguration. */
  pendingIov?: boolean;
  domain?: string;
}

export interface SlotState {
  alias: string;
  bus: string;
  dev: string;
  status: "OCC" | "EMP" | "UNK";
}

/**
 * A VF. Its catalogued network properties other than MACs (pvid, vid, mtu, ...) are stored under
 * their catalogue keys (PlainVfValues, src/lab/ldm/vf-properties.ts); MACs have typed fields.
 */
export interface VfState extends PlainVfValues {
  index: number;
  name?: string;
  domain?: string;
  mac?: string;
  altMacs: string[];
  portWwn?: string;
  nodeWwn?: string;
  bwPercent?: number;
  /** Shows `INV` until this time. */
  invUntil: number;
}

export interface PfState {
  alias: string;
  bus: string;
  dev: string;
  class: IoClass;
  maxvfs: number;
  network?: string;
  vfDriver: string;
  invUntil: number;
  vfs: VfState[];
  /** The port has no carrier (a guest fault, src/lab/guest/faults.ts): its VFs' links are down in their guests. */
  linkDown?: boolean;
}

export interface VnetState {
  name: string;
  vswitch: string;
  /** Domain providing the virtual switch. */
  vswitchDomain: string;
  mac: string;
  altMacs: string[];
  pvid?: number;
  vid: number[];
  mtu: number;
  id: number;
  linkprop: string;
}

export interface VdiskState {
  name: string;
  volume: string;
}

export interface MigrationRecord {
  id: string;
  role: "source" | "target";
  /** Machine on the other end. */
  peer: string;
  startedAt: number;
  durationMs: number;
  /** On the source record: the VF swaps (pseudonyms and names), so any invocation can roll back. */
  swaps?: { source: string; name: string; target: string }[];
}

export interface DomainState {
  name: string;
  state: DomainStateName;
  ncpu: number;
  memory: number;
  control: boolean;
  vnets: VnetState[];
  vdisks: VdiskState[];
  guestModel: boolean;
  console?: number;
  /** When the domain last started (for UPTIME). */
  startedAt?: number;
  delayedReconfig: boolean;
  migration?: MigrationRecord;
  /** Set on a domain whose last migration failed (`e` flag). */
  migrationError?: boolean;
  mac: string;
}

export interface VswState {
  name: string;
  domain: string;
  netDev?: string;
  mac: string;
  defaultVlanId: number;
  pvid?: number;
  vid: number[];
  mtu: number;
  id: number;
  linkprop: string;
  network?: string;
}

export interface VdsState {
  name: string;
  domain: string;
  volumes: { name: string; dev: string }[];
}

export interface FileNode {
  type: "dir" | "file";
  content?: string;
}

export interface MachineState {
  name: string;
  addresses: string[];
  platform: string;
  /** What the machine has in all; absent in states written before it existed (the defaults then). */
  capacity?: { vcpus: number; memoryBytes: number };
  buses: BusState[];
  slots: SlotState[];
  pfs: PfState[];
  domains: DomainState[];
  vswitches: VswState[];
  vdiskServices: VdsState[];
  /** Small filesystem for the lab shell's builtins (lock directories), keyed by absolute path. */
  files: Record<string, FileNode>;
  /** Next automatic MAC address suffix. */
  macCounter: number;
}

/** One IP interface inside a modelled guest. */
export interface GuestIpInterface {
  name: string;
  kind: "ip" | "ipmp";
  /** IPMP group interface this interface belongs to. */
  group?: string;
  standby: boolean;
  addrs: { addrobj: string; addr: string }[];
}

export interface GuestState {
  domain: string;
  /** Datalink name -> device key (`vnet:<if-name>` or `vf:<user-assigned name or pseudonym>`) and device instance. */
  links: Record<string, { key: string; device: string }>;
  interfaces: GuestIpInterface[];
}

export interface FailNthState {
  /** Fails when the mutating counter (lab-wide or per machine) reaches this value. */
  at: number;
  message: string;
  exitCode: number;
  machine?: string;
}

/** An answer `ldm <subcommand>` gives instead of running (set through the fault API). */
export interface AnswerFaultState {
  /** Canonical subcommand, or `*` for every one. */
  subcommand: string;
  /** Only on this machine; every machine when absent. */
  machine?: string;
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface FaultState {
  failNth: FailNthState[];
  extraInvMs: number;
  latencyMs: Record<string, number>;
  stallMs: Record<string, number>;
  /** Replaced answers; the last matching one wins. Absent in states written before they existed. */
  answers?: AnswerFaultState[];
  /** `VERSION` printed by `-p` listings instead of the lab's. */
  parseableVersion?: string;
}

export interface JournalEntry {
  /** `ldm` on a control domain, or a command inside a modelled guest. */
  kind: "ldm" | "guest";
  /** Machine name for `ldm`; the domain name for guest commands. */
  machine: string;
  argv: string[];
  exitCode: number;
  at: number;
}

export interface LabState {
  format: 1;
  options: LabOptions;
  machines: Record<string, MachineState>;
  guests: Record<string, GuestState>;
  faults: FaultState;
  journal: JournalEntry[];
  migrationCounter: number;
}

/** Deterministic MAC in Oracle's automatic range 00:14:4f:f8:00:00 - 00:14:4f:fb:ff:ff. */
export function nextMac(machine: MachineState): string {
  const n = machine.macCounter++;
  const b3 = 0xf8 + (n >> 16) % 4;
  return ["00", "14", "4f", hex(b3), hex((n >> 8) & 0xff), hex(n & 0xff)].join(":");
}

function hex(n: number): string {
  return n.toString(16).padStart(2, "0");
}

/** A seed so two machines hand out different automatic MACs. */
function macSeed(name: string, index: number): number {
  let h = 0;
  for (const c of name) h = (h * 31 + c.charCodeAt(0)) & 0xff;
  return ((index * 64 + (h & 0x3f)) & 0xff) << 8;
}

export function faultsFromDefinition(f: FaultsDefinition): FaultState {
  return {
    failNth: f.failNth.map((x) => ({ at: x.nth, message: x.message, exitCode: x.exitCode ?? 1, machine: x.machine })),
    extraInvMs: f.extraInvMs,
    latencyMs: { ...f.latencyMs },
    stallMs: { ...f.stallMs },
  };
}

/** Builds the starting state of a lab from its (validated) definition. */
export function initialLabState(def: LabDefinition, now: number = Date.now()): LabState {
  const machines: Record<string, MachineState> = {};
  const guests: Record<string, GuestState> = {};
  def.machines.forEach((md, machineIndex) => {
    const machine: MachineState = {
      name: md.name,
      addresses: [...md.addresses],
      platform: md.platform,
      capacity: { ...md.capacity },
      buses: md.buses.map((b) => ({ name: b.name, alias: b.alias, dev: b.dev, iov: b.iov, domain: b.domain })),
      slots: md.slots.map((s) => ({ ...s })),
      pfs: [],
      domains: [],
      vswitches: [],
      vdiskServices: md.vdiskServices.map((s) => ({ name: s.name, domain: s.domain, volumes: s.volumes.map((v) => ({ ...v })) })),
      files: { "/var": { type: "dir" }, "/var/tmp": { type: "dir" }, "/tmp": { type: "dir" }, "/var/run": { type: "dir" } },
      macCounter: macSeed(md.name, machineIndex),
    };
    machine.vswitches = md.vswitches.map((s, i) => ({
      name: s.name,
      domain: s.domain,
      netDev: s.netDev,
      mac: nextMac(machine),
      defaultVlanId: 1,
      pvid: s.pvid ?? 1,
      vid: [...(s.vid ?? [])],
      mtu: s.mtu ?? 1500,
      id: i,
      linkprop: "phys-state",
      network: s.network,
    }));
    machine.pfs = md.pfs.map((p) => ({
      alias: p.alias,
      bus: p.bus,
      dev: p.dev,
      class: p.class,
      maxvfs: p.maxvfs,
      network: p.network,
      vfDriver: p.vfDriver,
      invUntil: 0,
      vfs: p.vfs.map((v, index) => ({
        index,
        name: v.name,
        domain: v.domain,
        mac: p.class === "NETWORK" ? v.mac ?? nextMac(machine) : undefined,
        altMacs: [],
        ...initialPlainValues(v, p.class === "NETWORK"),
        portWwn: v.portWwn,
        nodeWwn: v.nodeWwn,
        bwPercent: p.class === "FIBRECHANNEL" ? v.bwPercent ?? 0 : undefined,
        invUntil: 0,
      })),
    }));
    let nextConsole = 5000;
    machine.domains = md.domains.map((d) => {
      const control = d.name === "primary";
      const vswById = new Map(machine.vswitches.map((s) => [s.name, s]));
      return {
        name: d.name,
        state: d.state,
        ncpu: d.ncpu,
        memory: d.memory,
        control,
        vnets: d.vnets.map((v, i) => ({
          name: v.name,
          vswitch: v.vswitch,
          vswitchDomain: vswById.get(v.vswitch)?.domain ?? "primary",
          mac: v.mac ?? nextMac(machine),
          altMacs: [],
          pvid: v.pvid ?? 1,
          vid: [...(v.vid ?? [])],
          mtu: v.mtu ?? 1500,
          id: v.id ?? i,
          linkprop: "phys-state",
        })),
        vdisks: d.vdisks.map((v) => ({ ...v })),
        guestModel: d.guestModel,
        console: control ? undefined : d.console ?? (d.state === "inactive" ? undefined : nextConsole++),
        startedAt: d.state === "active" ? now : undefined,
        delayedReconfig: false,
        mac: nextMac(machine),
      };
    });
    for (const d of machine.domains) if (d.guestModel) guests[d.name] = { domain: d.name, links: {}, interfaces: [] };
    machines[md.name] = machine;
  });
  return {
    format: 1,
    options: { ...def.options },
    machines,
    guests,
    faults: faultsFromDefinition(def.faults),
    journal: [],
    migrationCounter: 0,
  };
}
