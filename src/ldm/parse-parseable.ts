import { outputLines, setField } from "./output-lines";
import { LdmParseError } from "./parse-error";

/**
 * Generic reader of `ldm ... -p` (parseable) output, Ref §2.5 [V-code]:
 *
 *   VERSION 1.11
 *   DOMAIN|name=primary|state=active|flags=-n-cv-|...
 *   VDS|name=primary-vds0
 *   |vol=vol1|opts=|dev=/dev/zvol/dsk/pool/vol1
 *
 * - A `VERSION x.y` line sets `version`.
 * - A line `TYPE|k=v|...` starts a record of that type (upper-case word).
 * - A line starting with `|` is a continuation: it becomes one entry of `rows` of the record above.
 * - Continuation lines before any typed record (all of `ldm list-io -p` is such lines) go to a
 *   headless record whose `type` is `""` and whose `fields` are empty.
 * - A value is everything after the first `=`, so it may contain `=`; empty values stay `""`.
 * - Blank lines, CRLF line ends and trailing blanks are tolerated; unknown keys are kept.
 * Anything else (a line that is neither, a field without `=`) is an LdmParseError.
 */
export interface ParseableRecord {
  /** Record type (`DOMAIN`, `VNET`, `IO`, ...), or `""` for the headless record. */
  readonly type: string;
  readonly fields: Record<string, string>;
  /** Continuation lines (`|k=v|...`) that followed this record, in order. */
  readonly rows: Record<string, string>[];
  /** 1-based line number of each of `rows` in the output (for messages that quote a line). */
  readonly rowLines: number[];
}

export interface ParseableDocument {
  readonly version?: string;
  readonly records: ParseableRecord[];
}

const RECORD_TYPE = /^[A-Z][A-Z0-9_-]*$/;
const VERSION_LINE = /^VERSION\s+(\S+)$/;

export function parseParseable(text: string, source = "ldm -p"): ParseableDocument {
  if (typeof text !== "string") throw new LdmParseError(source, `expected text, got ${typeof text}`);
  let version: string | undefined;
  const records: ParseableRecord[] = [];
  for (const { number, text: raw } of outputLines(text)) {
    const line = raw.trim();
    if (line === "") continue;
    const versionMatch = VERSION_LINE.exec(line);
    if (versionMatch) {
      version = versionMatch[1];
      continue;
    }
    const parts = line.split("|");
    const head = parts[0] ?? "";
    const fields = parseFields(parts.slice(1), source, number, raw);
    if (head === "") {
      let current = records[records.length - 1];
      if (current === undefined) {
        current = { type: "", fields: {}, rows: [], rowLines: [] };
        records.push(current);
      }
      current.rows.push(fields);
      current.rowLines.push(number);
    } else if (RECORD_TYPE.test(head)) {
      records.push({ type: head, fields, rows: [], rowLines: [] });
    } else {
      throw new LdmParseError(source, `expected "VERSION x.y", "TYPE|key=value|..." or "|key=value|...", found "${head.slice(0, 40)}"`, number, raw);
    }
  }
  return version === undefined ? { records } : { version, records };
}

function parseFields(parts: readonly string[], source: string, lineNumber: number, line: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const part of parts) {
    if (part === "") continue; // `a=1||b=2` or a trailing `|`
    const eq = part.indexOf("=");
    if (eq <= 0) throw new LdmParseError(source, `field "${part.slice(0, 40)}" is not key=value`, lineNumber, line);
    setField(fields, part.slice(0, eq), part.slice(eq + 1));
  }
  return fields;
}
