/**
 * Argument vectors of every `ldm` command this project sends to change or read VFs and vnets
 * (without the `ldm` word itself). Synthesis builds plan steps with them and the engine builds
 * its listings with them, so the spelling of a command lives here once. A VF that does not
 * exist yet is addressed by an `Operand` the engine resolves to its pseudonym at apply time.
 */
import type { Listing, Operand, VfProperty, VnetProperty } from "../model/plan-document";
import { orderedVfProperties, orderedVnetProperties } from "./properties";

const assignments = (pairs: readonly [string, string][]): string[] => pairs.map(([k, v]) => `${k}=${v}`);

/** `ldm create-vf name=NAME [props...] PF`: a named VF on a PF (ref §3.6 [V], `name=` §3.5). */
export function createVfArgv(name: string, properties: Readonly<Partial<Record<VfProperty, string>>>, pf: string): string[] {
  return ["create-vf", `name=${name}`, ...assignments(orderedVfProperties(properties)), pf];
}

/** `ldm set-io name=NAME VF`: gives an existing VF its user-assigned name. */
export function nameVfArgv(name: string, pseudonym: string): string[] {
  return ["set-io", `name=${name}`, pseudonym];
}

/** `ldm set-io PROPERTY=VALUE VF`. */
export function setVfPropertyArgv(property: VfProperty, value: string, vf: Operand): Operand[] {
  return ["set-io", `${property}=${value}`, vf];
}

/** `ldm add-io VF DOMAIN`: assigns a VF to a domain. */
export function addIoArgv(vf: Operand, domain: string): Operand[] {
  return ["add-io", vf, domain];
}

/** `ldm destroy-vf VF`: only an unassigned VF, and only the last one created on its PF (ref §3.7 [V]). */
export function destroyVfArgv(vf: Operand): Operand[] {
  return ["destroy-vf", vf];
}

/** `ldm add-vnet [props...] IF-NAME VSWITCH DOMAIN`. */
export function addVnetArgv(ifName: string, vswitch: string, domain: string, properties: Readonly<Partial<Record<VnetProperty, string>>>): string[] {
  return ["add-vnet", ...assignments(orderedVnetProperties(properties)), ifName, vswitch, domain];
}

/** `ldm set-vnet KEY=VALUE IF-NAME DOMAIN`; the key is a vnet property or `vswitch`. */
export function setVnetArgv(key: VnetProperty | "vswitch", value: string, ifName: string, domain: string): string[] {
  return ["set-vnet", `${key}=${value}`, ifName, domain];
}

/** The listings one observation of a host is made of, each an `ldm` invocation. */
export const LISTINGS = {
  "list-io": ["list-io", "-l", "-p"],
  "list-domains": ["list", "-l", "-p"],
  "list-services": ["list-services", "-p"],
} as const satisfies Record<Listing, readonly string[]>;

/**
 * The human long listing, read only when the parseable one shows no VF name field at all: a VF's
 * name may show there as a `name = X` line (Ref §3.2 [?]).
 */
export const HUMAN_LIST_IO_LONG = ["list-io", "-l"] as const;

/** Every listing, in the order a full read runs them. */
export const ALL_LISTINGS: readonly Listing[] = Object.keys(LISTINGS) as Listing[];

/** A listing as a user would type it after `ldm`, e.g. `list-io -l -p`. */
export function listingLabel(listing: Listing): string {
  return LISTINGS[listing].join(" ");
}
