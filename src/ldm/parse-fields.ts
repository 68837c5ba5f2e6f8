import { setField } from "./output-lines";

/** Small readers shared by the typed parsers: `-p` values are text; empty means absent. */

export function optionalText(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

/** A non-negative decimal integer, or undefined when blank or not a number (raw text stays in `fields`). */
export function optionalInteger(value: string | undefined): number | undefined {
  return value !== undefined && /^\d{1,15}$/.test(value) ? Number(value) : undefined;
}

/** A comma list of integers such as a `vid=` value (`100,200`); blank or non-numeric items are dropped. */
export function integerList(value: string | undefined): number[] {
  if (value === undefined) return [];
  return value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => /^\d{1,15}$/.test(item))
    .map(Number);
}

/** Splits `service@domain` (e.g. `primary-vsw0@primary`). */
export function splitServiceAtDomain(value: string | undefined): { readonly service?: string; readonly domain?: string } {
  const text = optionalText(value);
  if (text === undefined) return {};
  const at = text.lastIndexOf("@");
  if (at < 0) return { service: text };
  const service = optionalText(text.slice(0, at));
  const domain = optionalText(text.slice(at + 1));
  return { ...(service === undefined ? {} : { service }), ...(domain === undefined ? {} : { domain }) };
}

/** Copy of a fields map that is safe to hand out (no shared mutable state with the parser). */
export function copyFields(fields: Readonly<Record<string, string>>): Record<string, string> {
  const copy: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) setField(copy, key, value);
  return copy;
}

/** Drops keys whose value is undefined, so results compare and serialize cleanly. */
export function withoutUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}
