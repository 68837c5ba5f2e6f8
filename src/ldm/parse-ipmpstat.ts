import { outputLines, setField } from "./output-lines";
import { LdmParseError } from "./parse-error";

/**
 * Parses Solaris `ipmpstat` output inside a guest.
 * - With `fields` (the `-o` list the command was run with): parseable `-P` output, one line per
 *   object, fields separated by `:`, where `\:` is a literal colon and `\\` a backslash
 *   (ipmpstat(8) parseable format). A line with another number of fields is a parse error.
 * - Without `fields`: the human `-g` / `-i` tables (Ref §6.2 [V layout]); columns are read from
 *   the header, a blank cell (e.g. FDT) stays `""`, and the last column takes the rest of the
 *   line, since `-g` INTERFACES holds spaces (`net1 (net0)`).
 * Keys are the field/column names in lower case (`group`, `interfaces`, `active`, `flags`, ...).
 */
export function parseIpmpstat(text: string, fields?: readonly string[]): Record<string, string>[] {
  return fields === undefined ? parseHuman(text) : parseParseableLines(text, fields);
}

/** Members of a group from an INTERFACES value: active first, `(inactive)`, `[unusable]`. */
export interface IpmpGroupMembers {
  readonly active: string[];
  readonly inactive: string[];
  readonly unusable: string[];
}

export function parseIpmpGroupInterfaces(value: string): IpmpGroupMembers {
  const members: IpmpGroupMembers = { active: [], inactive: [], unusable: [] };
  for (const token of value.trim().split(/\s+/)) {
    if (token === "" || token === "--") continue;
    const inactive = /^\((.+)\)$/.exec(token);
    const unusable = /^\[(.+)\]$/.exec(token);
    if (inactive) members.inactive.push(...inactive[1]!.split(/\s+/));
    else if (unusable) members.unusable.push(...unusable[1]!.split(/\s+/));
    else members.active.push(token);
  }
  return members;
}

function parseParseableLines(text: string, fields: readonly string[]): Record<string, string>[] {
  const source = "ipmpstat -P";
  if (fields.length === 0) throw new LdmParseError(source, "the -o field list is empty");
  const keys = fields.map((field) => field.toLowerCase());
  const result: Record<string, string>[] = [];
  for (const { number, text: line } of outputLines(text)) {
    if (line === "") continue;
    const values = splitEscaped(line);
    if (values.length !== keys.length) {
      throw new LdmParseError(source, `expected ${keys.length} fields (${keys.join(":")}), found ${values.length}`, number, line);
    }
    result.push(record(keys, values));
  }
  return result;
}

function splitEscaped(line: string): string[] {
  const values: string[] = [];
  let current = "";
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "\\" && i + 1 < line.length) current += line[++i];
    else if (c === ":") {
      values.push(current);
      current = "";
    } else current += c;
  }
  values.push(current);
  return values;
}

function parseHuman(text: string): Record<string, string>[] {
  const source = "ipmpstat";
  const lines = outputLines(text).filter((line) => line.text.trim() !== "");
  const header = lines[0];
  if (header === undefined) return [];
  if (!/^[A-Z][A-Z]*(\s+[A-Z][A-Z]*)*$/.test(header.text.trim())) {
    throw new LdmParseError(source, "expected a header of upper-case column names (GROUP ..., INTERFACE ...)", header.number, header.text);
  }
  const columns = [...header.text.matchAll(/\S+/g)].map((m) => ({ key: m[0].toLowerCase(), start: m.index }));
  const last = columns.length - 1;
  const result: Record<string, string>[] = [];
  for (const { number, text: line } of lines.slice(1)) {
    const values = columns.map(() => "");
    let previous = -1;
    for (const token of line.matchAll(/\S+/g)) {
      let best = previous + 1;
      for (let i = best + 1; i < columns.length; i++) {
        if (Math.abs(columns[i]!.start - token.index) < Math.abs(columns[best]!.start - token.index)) best = i;
      }
      if (best === last) {
        values[last] = line.slice(token.index).trim();
        break;
      }
      values[best] = token[0];
      previous = best;
    }
    if (values[0] === "") throw new LdmParseError(source, `row has no ${columns[0]!.key.toUpperCase()} value`, number, line);
    result.push(record(columns.map((c) => c.key), values));
  }
  return result;
}

function record(keys: readonly string[], values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  keys.forEach((key, i) => setField(out, key, values[i] ?? ""));
  return out;
}
