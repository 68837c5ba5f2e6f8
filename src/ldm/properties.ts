/**
 * The catalogue of the network properties this project sets on Ethernet VFs and vnets: one
 * entry per property, exhaustive by type (`satisfies Record<...>`), so a property added to the
 * plan document's `VfProperty`/`VnetProperty` does not compile until it is described here.
 * Command-line order, which properties need the domain stopped, how a value is written and
 * where `ldm` prints it are all read from here by constructs, synthesis, the engine and the lab.
 */
import type { VfProperty, VnetProperty } from "../model/plan-document";
import { VF_MTU_RANGE, VLAN_RANGE, VNET_MTU_RANGE, listedPropertyKey } from "./assumptions";

/** How a value is written on an `ldm` command line. */
export type ValueSyntax =
  /** One MAC address. */
  | "mac"
  /** Comma list of MAC addresses, each may be `auto` (`ldm` picks one). */
  | "mac-list"
  /** One VLAN id. */
  | "vlan"
  /** Comma list of VLAN ids. */
  | "vlan-list"
  /** A decimal integer (MTU, device id). */
  | "integer"
  /** A keyword such as `phys-state`. */
  | "word";

export interface PropertySpec {
  readonly syntax: ValueSyntax;
  /** `ldm` changes it only while the owning domain is inactive or bound. */
  readonly needsDomainStopped: boolean;
  /** Key of the property in the parseable listing the engine reads it back from. */
  readonly listedAs: string;
  /**
   * A migration's same-named VF on the target gets the source VF's value (VLANs and MTU must
   * match for the domain to keep its network; a MAC must not be given to two VFs).
   */
  readonly copiedToTarget: boolean;
  /** The accepted values of a `vlan`, `vlan-list` (each id) or `integer` property, when bounded. */
  readonly range?: IntegerRange;
}

export interface IntegerRange {
  readonly min: number;
  readonly max: number;
}

/** A spec whose type keeps its syntax literal (so code can type a value by its property's syntax). */
type SpecOf<S extends ValueSyntax> = PropertySpec & { readonly syntax: S };

const spec = <S extends ValueSyntax>(syntax: S, needsDomainStopped: boolean, key: string, copiedToTarget = true): SpecOf<S> =>
  ({ syntax, needsDomainStopped, listedAs: listedPropertyKey(key), copiedToTarget });

/** A spec with the range of its values (`vlan`, `vlan-list`, `integer`). */
const ranged = <S extends ValueSyntax>(s: SpecOf<S>, range: IntegerRange): SpecOf<S> => ({ ...s, range });

/**
 * Ethernet VF properties, in the order they appear on command lines. Ref §3.9 [V]: mac-addr,
 * alt-mac-addrs and mtu change only while the owning domain is inactive or bound.
 */
export const VF_PROPERTIES = {
  "mac-addr": spec("mac", true, "mac-addr", false),
  "alt-mac-addrs": spec("mac-list", true, "alt-mac-addrs", false),
  pvid: ranged(spec("vlan", false, "pvid"), VLAN_RANGE),
  vid: ranged(spec("vlan-list", false, "vid"), VLAN_RANGE),
  mtu: ranged(spec("integer", true, "mtu"), VF_MTU_RANGE),
} as const satisfies Record<VfProperty, PropertySpec>;

/** Vnet properties, in command-line order. A vnet's device `id` is fixed while the domain runs. */
export const VNET_PROPERTIES = {
  pvid: ranged(spec("vlan", false, "pvid"), VLAN_RANGE),
  vid: ranged(spec("vlan-list", false, "vid"), VLAN_RANGE),
  mtu: ranged(spec("integer", false, "mtu"), VNET_MTU_RANGE),
  id: spec("integer", true, "id"),
  linkprop: spec("word", false, "linkprop"),
} as const satisfies Record<VnetProperty, PropertySpec>;

export const VF_PROPERTY_ORDER = Object.keys(VF_PROPERTIES) as VfProperty[];
export const VNET_PROPERTY_ORDER = Object.keys(VNET_PROPERTIES) as VnetProperty[];

/** The declared properties as `[key, value]` pairs in command-line order. */
export function orderedVfProperties(properties: Readonly<Partial<Record<VfProperty, string>>>): [VfProperty, string][] {
  return VF_PROPERTY_ORDER.flatMap((p): [VfProperty, string][] => (properties[p] !== undefined ? [[p, properties[p] as string]] : []));
}

export function orderedVnetProperties(properties: Readonly<Partial<Record<VnetProperty, string>>>): [VnetProperty, string][] {
  return VNET_PROPERTY_ORDER.flatMap((p): [VnetProperty, string][] => (properties[p] !== undefined ? [[p, properties[p] as string]] : []));
}

/**
 * Whether a declared value can be compared with what a listing shows: an `auto` entry of a MAC
 * list is chosen by `ldm`, so the list as declared never shows.
 */
export function isComparable(syntax: ValueSyntax, value: string): boolean {
  return !(syntax === "mac-list" && value.split(",").includes("auto"));
}
