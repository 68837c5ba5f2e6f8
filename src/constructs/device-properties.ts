/**
 * The catalogued `ldm` properties of a network device construct (EthernetVf, Vnet): each
 * construct binds every catalogue key to its typed prop (and its own check only where the
 * syntax's check is not enough); checking in catalogue order (by syntax and catalogued range),
 * keeping the values and writing them in `ldm` syntax happen here once. Adding a property to the
 * catalogue is then one binding row in the construct plus its typed prop; forgetting the row does
 * not compile.
 */
import type { PropertySpec, ValueSyntax } from "../ldm/properties";
import { Network } from "./network";
import { addVidTo, checkIntegerRange, checkMac, checkMacList, checkVlan, checkVlanList, invalid } from "./validation";

/** A checked value as a construct keeps it until synthesis writes it in `ldm` syntax. */
export type KeptValue = string | number | readonly string[] | readonly number[];

type Check = (path: string, prop: string, value: unknown) => KeptValue;

/** How a construct reads one catalogued property: the typed prop carrying it, and how it is checked. */
export interface PropertyBinding<P> {
  /** The prop of the construct's props interface, e.g. `macAddr` for `mac-addr`. */
  readonly prop: keyof P & string;
  /** What an `integer` value is, for messages ("is not a valid VF MTU"). @default the prop's name */
  readonly what?: string;
  /**
   * Checks a received value (throwing a ValidationError that names `prop`) and returns it as
   * kept. @default the check of the catalogue's syntax (and range)
   */
  readonly check?: Check;
}

/** The check of each value syntax: integers within their catalogued range, VLAN ids within VLAN_RANGE. */
const CHECK: { readonly [S in ValueSyntax]: (spec: PropertySpec, what: string) => Check } = {
  mac: () => checkMac,
  "mac-list": () => checkMacList,
  vlan: () => checkVlan,
  "vlan-list": () => checkVlanList,
  integer: (spec, what) => (path, prop, value) => checkIntegerRange(path, prop, value, spec.range ?? { min: 0, max: Number.MAX_SAFE_INTEGER }, what),
  word: () => (path, prop, value) => {
    if (typeof value !== "string" || !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(value)) invalid(path, prop, value, "is not a word", "use letters, digits and - _ .");
    return value;
  },
};

/** A kept value in `ldm` syntax, by the catalogue's value syntax; undefined when there is nothing to set. */
const ENCODE: { readonly [S in ValueSyntax]: (value: KeptValue) => string | undefined } = {
  mac: String,
  "mac-list": (v) => (v as readonly string[]).join(","),
  vlan: String,
  "vlan-list": (v) => ((v as readonly number[]).length ? (v as readonly number[]).join(",") : undefined),
  integer: String,
  word: String,
};

/** The declared catalogued properties of one construct, checked at the call site. */
export class DeclaredProperties<K extends string, P extends object> {
  private readonly kept: Partial<Record<K, KeptValue>> = {};

  /** Checks the declared props in catalogue (command-line) order; the first bad one throws. */
  constructor(
    private readonly path: string,
    private readonly catalogue: { readonly [Q in K]: PropertySpec },
    bindings: { readonly [Q in K]: PropertyBinding<P> },
    props: P,
  ) {
    for (const key of Object.keys(catalogue) as K[]) {
      const { prop, what, check } = bindings[key];
      const value: unknown = props[prop];
      if (value !== undefined) this.kept[key] = (check ?? CHECK[catalogue[key].syntax](catalogue[key], what ?? prop))(path, prop, value);
    }
  }

  /** The kept value of a property, undefined when not declared. */
  get<T extends KeptValue>(key: K): T | undefined {
    return this.kept[key] as T | undefined;
  }

  /** Appends a tagged VLAN id to the `vid` list, refusing an invalid or repeated one. */
  addVid(vlan: number): void {
    const kept = this.kept as Record<string, KeptValue | undefined>;
    const vids = [...((kept.vid as readonly number[] | undefined) ?? [])];
    addVidTo(this.path, vids, vlan);
    kept.vid = vids;
  }

  /** The declared properties in `ldm` syntax, in catalogue order. */
  ldmValues(): Partial<Record<K, string>> {
    const out: Partial<Record<K, string>> = {};
    for (const key of Object.keys(this.catalogue) as K[]) {
      const value = this.kept[key];
      const text = value === undefined ? undefined : ENCODE[this.catalogue[key].syntax](value);
      if (text !== undefined) out[key] = text;
    }
    return out;
  }
}

/** The `network` prop of a VF or vnet. */
export function checkNetwork(path: string, value: unknown): Network {
  if (!(value instanceof Network)) invalid(path, "network", value, "is not a Network construct", "pass the Network object");
  return value;
}
