/**
 * The lab definition once loaded: the document's shapes (document.ts) with every default filled
 * and the derived fields resolved (a PF's bus, device path, class and VF driver; memory in bytes;
 * a bus without an owner). `initialLabState` builds the lab from it.
 */
import type {
  BusDocument,
  DomainDocument,
  FailNthDocument,
  FaultsDocument,
  IoClass,
  LabOptionsDocument,
  MachineDocument,
  PfDocument,
  SlotDocument,
  VdiskDocument,
  VdsDocument,
  VfDocument,
  VnetDocument,
  VolumeDocument,
  VswitchDocument,
} from "./document";
import type { LabVariants } from "../variants";

/** `T` with the keys `K` present (the loader filled them). */
type Filled<T, K extends keyof T> = Omit<T, K> & { readonly [P in K]-?: Exclude<T[P], undefined> };

/** `domain` is absent for an unowned bus (`""` in the file). */
export type BusDefinition = Filled<BusDocument, "iov">;
export type SlotDefinition = Filled<SlotDocument, "status">;
export type VfDefinition = VfDocument;
export type VnetDefinition = Filled<VnetDocument, "pvid" | "vid" | "mtu">;
export type VdiskDefinition = VdiskDocument;
export type VswitchDefinition = Filled<VswitchDocument, "domain" | "pvid" | "vid" | "mtu">;
export type VdsDefinition = Filled<VdsDocument, "domain"> & { readonly volumes: readonly VolumeDocument[] };
export type FailNthDefinition = FailNthDocument;
/** The options with the variants resolved (every key filled, a preset name expanded). */
export type LabOptions = Required<Omit<LabOptionsDocument, "variants">> & { readonly variants: LabVariants };

export interface PfDefinition extends Filled<Omit<PfDocument, "class" | "vfs">, "bus" | "dev" | "vfDriver"> {
  readonly class: IoClass;
  readonly vfs: readonly VfDefinition[];
}

export interface DomainDefinition extends Filled<Omit<DomainDocument, "memory">, "state" | "ncpu" | "vnets" | "vdisks" | "guestModel"> {
  /** Bytes. */
  readonly memory: number;
}

export interface MachineDefinition extends Filled<Pick<MachineDocument, "name" | "addresses" | "platform">, "addresses" | "platform"> {
  /** What the machine has in all; memory in bytes. */
  readonly capacity: CapacityDefinition;
  readonly buses: readonly BusDefinition[];
  readonly slots: readonly SlotDefinition[];
  readonly pfs: readonly PfDefinition[];
  readonly domains: readonly DomainDefinition[];
  readonly vswitches: readonly VswitchDefinition[];
  readonly vdiskServices: readonly VdsDefinition[];
}

export interface CapacityDefinition {
  readonly vcpus: number;
  readonly memoryBytes: number;
}

export type FaultsDefinition = Required<FaultsDocument>;

export interface LabDefinition {
  /** The file it was read from, for messages. */
  readonly source: string;
  readonly options: LabOptions;
  readonly faults: FaultsDefinition;
  readonly machines: readonly MachineDefinition[];
}
