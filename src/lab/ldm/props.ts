/** Validation of `key=value` properties, refusing bad values with ldm-style texts. */
import { LDM_ERRORS, LDM_NAME_PATTERN, NAME_MAX_LENGTH, VLAN_RANGE } from "../../ldm/assumptions";
import { MAC_ADDRESS, normalizeMac } from "../../ldm/syntax";
import { fail } from "./failure";

/** Collects properties, refusing unknown or repeated keys. */
export function propMap(props: readonly (readonly [string, string])[], allowed: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const [k, v] of props) {
    if (!allowed.includes(k) || map.has(k)) fail(LDM_ERRORS.invalidProperty(k));
    map.set(k, v);
  }
  return map;
}

interface Range {
  readonly min: number;
  readonly max: number;
}

/** A decimal integer, within `range` when given. */
export function integer(prop: string, value: string, range?: Range): number {
  if (!/^\d+$/.test(value)) fail(LDM_ERRORS.invalidValue(prop, value));
  const n = Number(value);
  if (range && (n < range.min || n > range.max)) fail(LDM_ERRORS.invalidValue(prop, value));
  return n;
}

export function vlan(prop: string, value: string): number {
  return integer(prop, value, VLAN_RANGE);
}

/** `vid=1,2,3`; an empty value clears (ref §3.9, §4.2 [V for vnet]). */
export function vlanList(prop: string, value: string, range: Range = VLAN_RANGE): number[] {
  if (value === "") return [];
  const ids = value.split(",").map((v) => integer(prop, v, range));
  if (new Set(ids).size !== ids.length) fail(LDM_ERRORS.invalidValue(prop, value));
  return ids;
}

export function mtu(prop: string, value: string, range: Range): number {
  return integer(prop, value, range);
}

export function mac(prop: string, value: string): string {
  if (!MAC_ADDRESS.test(value)) fail(LDM_ERRORS.invalidValue(prop, value));
  return normalizeMac(value);
}

const WWN = /^[0-9a-f]{2}(:[0-9a-f]{2}){7}$/i;

export function wwn(prop: string, value: string): string {
  if (!WWN.test(value)) fail(LDM_ERRORS.invalidValue(prop, value));
  return value.toLowerCase();
}

export function percent(prop: string, value: string): number {
  return integer(prop, value, { min: 0, max: 100 });
}

export function ldmName(prop: string, value: string): string {
  if (!LDM_NAME_PATTERN.test(value) || value.length > NAME_MAX_LENGTH) fail(LDM_ERRORS.invalidValue(prop, value));
  return value;
}

/** `alt-mac-addrs=auto,00:14:...`: returns the entries, `auto` kept for the caller to fill. */
export function altMacs(prop: string, value: string): string[] {
  if (value === "") return [];
  return value.split(",").map((v) => (v === "auto" ? "auto" : mac(prop, v)));
}
