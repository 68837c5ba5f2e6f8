/**
 * The catalogued Ethernet VF properties (src/ldm/properties.ts) as the lab stores, checks and
 * prints them. The MAC properties keep typed fields of VfState (`mac`, `altMacs`): the lab
 * allocates MACs and keeps them unique. Every other catalogued property is plain: stored on the
 * VF under its catalogue key as its syntax's value, checked by its syntax and range, printed under
 * its `listedAs` key. A new plain property therefore needs nothing here. What a VF has when a
 * property is not given (LAB_VF_DEFAULTS) is the lab's behaviour, not syntax.
 */
import { LDM_ERRORS } from "../../ldm/assumptions";
import { VF_PROPERTIES, VF_PROPERTY_ORDER, type ValueSyntax } from "../../ldm/properties";
import type { VfProperty } from "../../model/plan-document";
import type { VfState } from "../state";
import { fail } from "./failure";
import { altMacs, integer, mac, vlanList } from "./props";

type Catalogue = typeof VF_PROPERTIES;

/** The catalogued VF properties whose values are MAC addresses. */
export type MacVfProperty = { [K in VfProperty]: Catalogue[K]["syntax"] extends "mac" | "mac-list" ? K : never }[VfProperty];
/** The catalogued VF properties the lab only checks, stores and prints. */
export type PlainVfProperty = Exclude<VfProperty, MacVfProperty>;

/** How the lab stores a plain value, by its syntax. */
type StoredValue<S> = S extends "vlan" | "integer" ? number : S extends "vlan-list" ? number[] : S extends "word" ? string : never;

/** The plain properties of a VF, each under its catalogue key; absent when not set. */
export type PlainVfValues = { [K in PlainVfProperty]?: StoredValue<Catalogue[K]["syntax"]> };

type AnyPlainValue = number | number[] | string;
/** A VF's plain values by key, for code generic over the properties. */
const plainOf = (vf: PlainVfValues): Record<string, AnyPlainValue | undefined> => vf as Record<string, AnyPlainValue | undefined>;

function isPlain(key: VfProperty): key is PlainVfProperty {
  const syntax = VF_PROPERTIES[key].syntax;
  return syntax !== "mac" && syntax !== "mac-list";
}

/** Plain properties in command-line order. */
export const PLAIN_VF_PROPERTIES: readonly PlainVfProperty[] = VF_PROPERTY_ORDER.filter(isPlain);
/** MAC properties (refused by `create-vf -n`: one value cannot go to many VFs). */
export const MAC_VF_PROPERTIES: readonly VfProperty[] = VF_PROPERTY_ORDER.filter((k) => !isPlain(k));

/** What a new Ethernet VF has for a plain property not given (the lab's choice; ref §3.6). */
export const LAB_VF_DEFAULTS: PlainVfValues = { mtu: 1500 };

/** The syntaxes whose properties an empty value clears (`set-io pvid= vid= ...`, ref §3.9). */
export const CLEARED_BY_EMPTY: ReadonlySet<ValueSyntax> = new Set<ValueSyntax>(["vlan", "vlan-list"]);

/**
 * A plain value from the command line, refused in ldm's words when its syntax or range does not
 * fit; undefined (cleared) for an empty value of a syntax in CLEARED_BY_EMPTY.
 */
export function parsePlainValue(key: PlainVfProperty, text: string): AnyPlainValue | undefined {
  const spec: { readonly syntax: ValueSyntax; readonly range?: { min: number; max: number } } = VF_PROPERTIES[key];
  if (text === "" && CLEARED_BY_EMPTY.has(spec.syntax)) return undefined;
  switch (spec.syntax) {
    case "vlan":
      return integer(key, text, spec.range);
    case "vlan-list":
      return vlanList(key, text, spec.range);
    case "integer":
      return integer(key, text, spec.range);
    case "word":
      if (text === "") fail(LDM_ERRORS.invalidValue(key, text));
      return text;
    case "mac":
    case "mac-list":
      throw new Error(`${key} is a MAC property, not a plain one`);
  }
}

/** A plain value as `list-io -l` prints it: the lab's default when unset, empty when none. */
function plainText(vf: VfState, key: PlainVfProperty): string {
  const value = plainOf(vf)[key] ?? plainOf(LAB_VF_DEFAULTS)[key];
  if (value === undefined) return "";
  return Array.isArray(value) ? value.join(",") : String(value);
}

/** Every catalogued property of an Ethernet VF as `[listed key, value]`, in catalogue order. */
export function listedVfProperties(vf: VfState): [string, string][] {
  return VF_PROPERTY_ORDER.map((key) => [VF_PROPERTIES[key].listedAs, isPlain(key) ? plainText(vf, key) : macText(vf, key)]);
}

/**
 * The catalogued properties given on a command line: MACs for the typed fields (`auto` entries of
 * `altMacs` still to fill), the plain ones by key.
 */
export interface GivenVfValues {
  mac?: string;
  altMacs?: string[];
  plain: PlainVfValues;
}

/** The typed MAC fields of a VF, by catalogue key: how the lab prints and reads each. */
const MAC_FIELDS: { readonly [K in MacVfProperty]: { readonly text: (vf: VfState) => string; readonly read: (given: GivenVfValues, text: string) => void } } = {
  "mac-addr": { text: (vf) => vf.mac ?? "", read: (given, text) => void (given.mac = mac("mac-addr", text)) },
  "alt-mac-addrs": { text: (vf) => vf.altMacs.join(","), read: (given, text) => void (given.altMacs = altMacs("alt-mac-addrs", text)) },
};

function macText(vf: VfState, key: VfProperty): string {
  return MAC_FIELDS[key as MacVfProperty].text(vf);
}

/** The catalogued properties given on a command line, checked in command-line order (the first bad one is refused). */
export function parseVfValues(props: ReadonlyMap<string, string>): GivenVfValues {
  const given: GivenVfValues = { plain: {} };
  for (const key of VF_PROPERTY_ORDER) {
    const text = props.get(key);
    if (text === undefined) continue;
    if (isPlain(key)) plainOf(given.plain)[key] = parsePlainValue(key, text);
    else MAC_FIELDS[key as MacVfProperty].read(given, text);
  }
  return given;
}

/** Sets the given plain values on a VF (an `undefined` clears one); keys not given are left alone. */
export function setPlainValues(vf: VfState, values: PlainVfValues): void {
  const target = plainOf(vf);
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) delete target[key];
    else target[key] = Array.isArray(value) ? [...(value as number[])] : (value as number | string);
  }
}

/**
 * The plain values a VF of the lab definition starts with: the lab's defaults for an Ethernet VF,
 * then what the definition gives under the catalogue keys.
 */
export function initialPlainValues(definition: object, ethernet: boolean): PlainVfValues {
  if (!ethernet) return {};
  const values: PlainVfValues = { ...LAB_VF_DEFAULTS };
  const given = definition as Readonly<Record<string, unknown>>;
  for (const key of PLAIN_VF_PROPERTIES) {
    const value = given[key];
    if (value !== undefined) plainOf(values)[key] = Array.isArray(value) ? [...(value as number[])] : (value as number | string);
  }
  return values;
}
