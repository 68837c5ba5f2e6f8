import { createHash } from "node:crypto";

/**
 * `value` with object keys in sorted order and undefined members dropped. Subtrees that already
 * are in that shape are returned as they are, not copied: a fleet's plan has millions of small
 * objects, and copying them all costs more garbage collection than anything else in synthesis.
 * The check walks keys with for-in, which allocates no key array for an object already in order.
 */
function sortKeys(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      const sorted = sortKeys(item);
      if (sorted !== item && copy === undefined) copy = value.slice(0, i);
      if (copy !== undefined) copy.push(sorted);
    }
    return copy ?? value;
  }
  const record = value as Record<string, unknown>;
  let previous: string | undefined;
  let checked = 0;
  for (const key in record) {
    const child = record[key];
    if (child === undefined || (previous !== undefined && previous >= key)) return sortedCopy(record, checked);
    const sorted = sortKeys(child);
    if (sorted !== child) return sortedCopy(record, checked, sorted);
    previous = key;
    checked++;
  }
  return record;
}

/**
 * A copy of `record` with its keys in order, undefined members dropped and every child sorted.
 * The first `checked` children (in key order) are known to be sorted already, and `nextSorted`,
 * when given, is the sorted form of the one after them: neither is walked again.
 */
function sortedCopy(record: Record<string, unknown>, checked: number, nextSorted?: unknown): Record<string, unknown> {
  const keys = Object.keys(record);
  const children = new Map<string, unknown>();
  keys.forEach((key, i) => {
    const child = record[key];
    if (child === undefined) return;
    children.set(key, i < checked ? child : i === checked && nextSorted !== undefined ? nextSorted : sortKeys(child));
  });
  const out: Record<string, unknown> = {};
  for (const key of [...children.keys()].sort()) out[key] = children.get(key);
  return out;
}

/**
 * JSON with keys sorted at every level, 2-space indent and a trailing newline: the same data
 * always gives the same bytes, whatever order it was built in.
 */
export function stableJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

/** Hex SHA-256 of the compact sorted-key JSON of `value` (compact: a digest needs no layout). */
export function stableDigest(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(sortKeys(value))).digest("hex");
}

/** Code-point order, independent of the machine's locale (localeCompare is not). */
export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
