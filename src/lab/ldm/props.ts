/** Validation of `key=value` properties, refusing bad values with ldm-style texts. */
import { LDM_ERRORS, LDM_NAME_PATTERN, NAME_MAX_LENGTH, VLAN_RANGE } from "../../ldm/assumptions";
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

function integer(prop: string, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value)) fail(LDM_ERRORS.invalidValue(prop, value));
  const n = Number(value);
  if (n < min || n > max) fail(LDM_ERRORS.invalidValue(prop, value));
  return n;
}

export function vlan(prop: string, value: string): number {
  return integer(prop, value, VLAN_RANGE.min, VLAN_RANGE.max);
}

/** `vid=1,2,3`; an empty value clears (ref §3.9, §4.2 [V for vnet]). */
export function vlanList(prop: string, value: string): number[] {
  if (value === "") return [];
  const ids = value.split(",").map((v) => vlan(prop, v));
  if (new Set(ids).size !== ids.length) fail(LDM_ERRORS.invalidValue(prop, value));
  return ids;
}

export function mtu(prop: string, value: string, range: { min: number; max: number }): number {
  return integer(prop, value, range.min, range.max);
}

const MAC = /^[0-9a-f]{1,2}(:[0-9a-f]{1,2}){5}$/i;

export function mac(prop: string, value: string): string {
  if (!MAC.test(value)) fail(LDM_ERRORS.invalidValue(prop, value));
  return value
    .split(":")
    .map((b) => b.toLowerCase().padStart(2, "0"))
    .join(":");
}

const WWN = /^[0-9a-f]{2}(:[0-9a-f]{2}){7}$/i;

export function wwn(prop: string, value: string): string {
  if (!WWN.test(value)) fail(LDM_ERRORS.invalidValue(prop, value));
  return value.toLowerCase();
}

export function percent(prop: string, value: string): number {
  return integer(prop, value, 0, 100);
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
