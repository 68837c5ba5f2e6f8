import { LIST_IO_CLASS_KEY, LIST_IO_VF_NAME_KEY } from "./assumptions";
import { outputLines, setField } from "./output-lines";
import { LdmParseError } from "./parse-error";
import { parseParseable } from "./parse-parseable";

/** One device of `ldm list-io` (bus, NIU, PCIe slot, PF or VF). */
export interface ListIoDevice {
  /** Pseudonym (`/SYS/MB/NET0/IOVNET.PF0`) or bus name (`pci_0`): what `ldm` commands accept. */
  readonly name: string;
  /** `BUS`, `NIU`, `PCIE`, `PF`, `VF` (kept as printed). */
  readonly type: string;
  readonly bus: string;
  /** Owning/assigned domain; undefined when blank. */
  readonly domain?: string;
  /** `IOV`, `OCC`, `EMP`, `UNK`, `INV`, ...; undefined when blank. */
  readonly status?: string;
  /** Device path without the leading `/` (from `-p` `dev=` or the `-l` `[...]` line). */
  readonly dev?: string;
  /** `NETWORK`, `FIBRECHANNEL`, `INFINIBAND` (from `-l` / `-l -p`). */
  readonly class?: string;
  /** The VF's user-assigned name (key per `LIST_IO_VF_NAME_KEY`); undefined when blank. */
  readonly vfName?: string;
  /**
   * The listing has a name field for this device (possibly blank): where it is absent for every
   * VF, names cannot be observed at all, which the engine must not mistake for "unnamed".
   */
  readonly nameShown?: true;
  /** Every other `key=value` / `key = value` seen for the device (e.g. `maxvfs`, `mac-addr`). */
  readonly properties: Record<string, string>;
}

const SOURCE = "ldm list-io";

/**
 * Parses `ldm list-io` in any of its forms, detected from the first non-blank line:
 * - `-p` / `-l -p` (starts with `VERSION` or `|`): a device starts only on a `|`-line holding
 *   `type=` (Ref §3.2 [V-code]); every other `|`-line, whatever keys it holds (even `dev=` or
 *   several properties, evidence §1), adds properties to the device above. The VF name may be on
 *   the record line or on a property line; two different names for one device is an error that
 *   quotes both lines.
 * - human / `-l` (starts with the `NAME TYPE BUS DOMAIN STATUS` header, Ref §3.1 [V]): columns
 *   are located from the header; a NAME longer than its column shifts the row, which is detected
 *   and corrected, so a value never lands in the wrong column. Under `-l`, each device may be
 *   followed by a `[device/path]` line, a `Class properties [CLASS]` line and indented
 *   `key = value` lines; other indented lines (child device paths) are ignored.
 * Empty output gives no devices.
 */
export function parseListIo(text: string): ListIoDevice[] {
  const first = outputLines(text).find((line) => line.text.trim() !== "");
  if (first === undefined) return [];
  const head = first.text.trim();
  if (head.startsWith("VERSION") || head.startsWith("|")) return parseParseableListIo(text);
  if (/^NAME\s+TYPE\s+BUS\b/.test(head)) return parseHumanListIo(text);
  throw new LdmParseError(SOURCE, 'expected the "NAME TYPE BUS DOMAIN STATUS" header or parseable (-p) lines', first.number, first.text);
}

interface DeviceDraft {
  name: string;
  type: string;
  bus: string;
  domain?: string;
  status?: string;
  dev?: string;
  class?: string;
  vfName?: string;
  nameShown?: true;
  properties: Record<string, string>;
}

/** Where a device's name was read, to quote both lines when another line disagrees. */
interface NameSource {
  readonly line: number;
  readonly text: string;
}

const MAPPED_KEYS = new Set(["alias", "dev", "type", "bus", "domain", "status", LIST_IO_CLASS_KEY, LIST_IO_VF_NAME_KEY]);

function parseParseableListIo(text: string): ListIoDevice[] {
  const document = parseParseable(text, `${SOURCE} -p`);
  const lines = outputLines(text);
  const devices: DeviceDraft[] = [];
  const nameFrom = new Map<DeviceDraft, NameSource>();
  for (const record of document.records) {
    if (record.type !== "") {
      throw new LdmParseError(`${SOURCE} -p`, `unexpected record type "${record.type}" (list-io -p prints only |key=value lines)`);
    }
    record.rows.forEach((row, i) => {
      const at = { line: record.rowLines[i] as number, text: lines[(record.rowLines[i] as number) - 1]?.text ?? "" };
      let device = devices[devices.length - 1];
      if ("type" in row) {
        device = deviceOf(row);
        devices.push(device);
      } else if (device === undefined) {
        throw new LdmParseError(`${SOURCE} -p`, `property line ${describeRow(row)} comes before any device`, at.line, at.text);
      }
      takeName(device, row, at, nameFrom);
      applyProperties(device, row);
    });
  }
  return devices;
}

/** A device from the record line that starts it (the one holding `type=`). */
function deviceOf(row: Record<string, string>): DeviceDraft {
  const name = nonEmpty(row.alias) ?? nonEmpty(row.dev);
  const type = nonEmpty(row.type);
  const bus = nonEmpty(row.bus);
  if (name === undefined || type === undefined || bus === undefined) {
    throw new LdmParseError(`${SOURCE} -p`, `device line ${describeRow(row)} lacks alias/dev, type or bus`);
  }
  const device: DeviceDraft = { name, type, bus, properties: {} };
  setOptional(device, "dev", nonEmpty(row.dev));
  setOptional(device, "domain", nonEmpty(row.domain));
  setOptional(device, "status", nonEmpty(row.status));
  return device;
}

/** Records the name field of a line; a second, different name for the device is an error. */
function takeName(device: DeviceDraft, row: Record<string, string>, at: NameSource, nameFrom: Map<DeviceDraft, NameSource>): void {
  if (!(LIST_IO_VF_NAME_KEY in row)) return;
  device.nameShown = true;
  const name = nonEmpty(row[LIST_IO_VF_NAME_KEY]);
  if (name === undefined) return;
  const earlier = nameFrom.get(device);
  if (earlier !== undefined && device.vfName !== undefined && device.vfName !== name) {
    throw new LdmParseError(
      `${SOURCE} -p`,
      `${device.name} has two different names: "${device.vfName}" on line ${earlier.line} (${JSON.stringify(earlier.text)}) and "${name}" on line ${at.line} (${JSON.stringify(at.text)})`,
      at.line,
      at.text,
    );
  }
  if (earlier === undefined) nameFrom.set(device, at);
}

function applyProperties(device: DeviceDraft, entries: Record<string, string>): void {
  for (const [key, value] of Object.entries(entries)) {
    if (key === LIST_IO_CLASS_KEY) setOptional(device, "class", nonEmpty(value));
    else if (key === LIST_IO_VF_NAME_KEY) {
      device.nameShown = true;
      // A blank name field never hides a name another line of the same device gave.
      if (nonEmpty(value) !== undefined) device.vfName = value;
    } else if (!MAPPED_KEYS.has(key)) setField(device.properties, key, value);
  }
}

interface Column {
  readonly key: "domain" | "status";
  readonly start: number;
}

function parseHumanListIo(text: string): ListIoDevice[] {
  const lines = outputLines(text);
  const headerIndex = lines.findIndex((line) => line.text.trim() !== "");
  const header = lines[headerIndex]!.text;
  const typeStart = header.indexOf("TYPE");
  const domainStart = header.search(/\bDOMAIN\b/);
  const statusStart = header.search(/\bSTATUS\b/);
  if (domainStart < 0 || statusStart < 0 || !(typeStart < domainStart && domainStart < statusStart)) {
    throw new LdmParseError(SOURCE, "header lacks DOMAIN or STATUS after TYPE", lines[headerIndex]!.number, header);
  }
  const optionalColumns: Column[] = [
    { key: "domain", start: domainStart },
    { key: "status", start: statusStart },
  ];
  const devices: DeviceDraft[] = [];
  for (const { number, text: line } of lines.slice(headerIndex + 1)) {
    const trimmed = line.trim();
    if (trimmed === "" || /^-+(\s+-+)*$/.test(trimmed)) continue; // blank or the `----` underline
    if (/^\s/.test(line)) {
      const current = devices[devices.length - 1];
      if (current === undefined) throw new LdmParseError(SOURCE, "indented property line before any device", number, line);
      const classMatch = /^Class properties \[([^\]]*)\]$/.exec(trimmed);
      const property = /^([^\s=]+)\s*=\s*(.*)$/.exec(trimmed);
      if (classMatch) setOptional(current, "class", nonEmpty(classMatch[1]));
      else if (property) applyProperties(current, { [property[1]!]: property[2]! });
      continue; // other indented lines: child device paths, not properties
    }
    const pathMatch = /^\[([^\]]+)\]$/.exec(trimmed);
    if (pathMatch) {
      const current = devices[devices.length - 1];
      if (current === undefined) throw new LdmParseError(SOURCE, "device path line before any device", number, line);
      setOptional(current, "dev", pathMatch[1]!.replace(/^\//, ""));
      continue;
    }
    devices.push(parseHumanRow(line, number, typeStart, optionalColumns));
  }
  return devices;
}

function parseHumanRow(line: string, lineNumber: number, typeStart: number, columns: readonly Column[]): DeviceDraft {
  const tokens = [...line.matchAll(/\S+/g)].map((m) => ({ value: m[0], start: m.index }));
  const [name, type, bus, ...rest] = tokens;
  if (name === undefined || type === undefined || bus === undefined || name.start !== 0) {
    throw new LdmParseError(SOURCE, "a device row needs NAME, TYPE and BUS", lineNumber, line);
  }
  if (rest.length > columns.length) throw new LdmParseError(SOURCE, `too many values (${tokens.length}) for the 5 columns`, lineNumber, line);
  // A NAME wider than its column pushes the rest of the row right by the same amount.
  const shift = Math.max(0, type.start - typeStart);
  const device: DeviceDraft = { name: name.value, type: type.value, bus: bus.value, properties: {} };
  let lastColumn = -1;
  for (const token of rest) {
    const at = token.start - shift;
    let best = 0;
    for (let i = 1; i < columns.length; i++) {
      if (Math.abs(columns[i]!.start - at) < Math.abs(columns[best]!.start - at)) best = i;
    }
    if (best <= lastColumn) throw new LdmParseError(SOURCE, `"${token.value}" does not line up with the DOMAIN or STATUS column`, lineNumber, line);
    lastColumn = best;
    setOptional(device, columns[best]!.key, token.value);
  }
  return device;
}

function setOptional<K extends "domain" | "status" | "dev" | "class" | "vfName">(device: DeviceDraft, key: K, value: string | undefined): void {
  if (value === undefined) delete device[key];
  else device[key] = value;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

function describeRow(row: Record<string, string>): string {
  const text = Object.entries(row).map(([k, v]) => `${k}=${v}`).join("|");
  return JSON.stringify(`|${text.length > 80 ? `${text.slice(0, 80)}...` : text}`);
}
