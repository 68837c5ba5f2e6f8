import { createHash } from "node:crypto";

/**
 * `value` with object keys in sorted order and undefined members dropped. Subtrees that already
 * are in that shape are returned as they are, not copied: a fleet's plan has millions of small
 * objects, and copying them all costs more garbage collection than anything else in synthesis.
 */
function sortKeys(value: unknown): unknown {
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
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  let ordered = true;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    if ((i > 0 && (keys[i - 1] as string) >= key) || record[key] === undefined) {
      ordered = false;
      break;
    }
  }
  let children: Map<string, unknown> | undefined;
  for (const key of keys) {
    const child = record[key];
    if (child === null || typeof child !== "object") continue;
    const sorted = sortKeys(child);
    if (sorted !== child) (children ??= new Map()).set(key, sorted);
  }
  if (ordered && children === undefined) return value;
  const out: Record<string, unknown> = {};
  for (const key of keys.filter((k) => record[k] !== undefined).sort()) out[key] = children?.has(key) ? children.get(key) : record[key];
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
