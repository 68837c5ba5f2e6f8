/**
 * Free CPU and memory of a control domain's machine, from `ldm list-devices -p cpu memory`:
 * the argv of that read-only listing and a tolerant parser of its records. What is not verified
 * about the format is decided in assumptions.ts (LIST_DEVICES_FREE_ONLY_WITHOUT_A,
 * LIST_DEVICES_RECORDS).
 */
import { LIST_DEVICES_FREE_ONLY_WITHOUT_A, LIST_DEVICES_RECORDS } from "./assumptions";
import { outputLines } from "./output-lines";
import { LdmParseError } from "./parse-error";
import { parseParseable, type ParseableRecord } from "./parse-parseable";

/** What a machine has free for one more domain. */
export interface FreeCapacity {
  readonly freeVcpus: number;
  readonly freeMemoryBytes: number;
}

/**
 * `ldm list-devices [-a] -p cpu memory` (without `ldm`): `-a` only when a listing without it
 * would not be limited to free resources.
 */
export const LIST_DEVICES_FREE_ARGV: readonly string[] = ["list-devices", ...(LIST_DEVICES_FREE_ONLY_WITHOUT_A ? [] : ["-a"]), "-p", "cpu", "memory"];

const SOURCE = `ldm ${LIST_DEVICES_FREE_ARGV.join(" ")}`;
const R = LIST_DEVICES_RECORDS;
const UNIT: Readonly<Record<string, number>> = { K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/**
 * Sums the free vCPUs and free memory of a `list-devices -p` listing, with or without `-a`:
 * a `VCPU` row counts when its `free=` is 100 (or absent), a `MEMORY` row's `size=` counts
 * unless the row names the domain it is `bound=` to. `VERSION` may be any `x.y`; records other
 * than `VCPU` and `MEMORY` are ignored. Output with no line at all, rows before any record, a
 * `pid=`, `free=` or `size=` that is not a number: an LdmParseError naming the line.
 */
export function parseListDevices(text: string): FreeCapacity {
  const document = parseParseable(text, SOURCE);
  const lines = outputLines(text);
  const fail = (reason: string, line: number | undefined): never => {
    throw new LdmParseError(SOURCE, reason, line, line === undefined ? undefined : lines[line - 1]?.text);
  };
  if (document.version === undefined && document.records.length === 0) {
    throw new LdmParseError(SOURCE, "it printed nothing (not even a VERSION line); an ldm without the rights to read the configuration can answer so");
  }
  let freeVcpus = 0;
  let freeMemoryBytes = 0;
  for (const record of document.records) {
    if (record.type === "") fail(`a "|key=value" row comes before any ${R.vcpu} or ${R.memory} line`, record.rowLines[0]);
    for (const { fields, line } of items(record)) {
      if (record.type === R.vcpu) freeVcpus += vcpuIsFree(fields, line, fail) ? 1 : 0;
      else if (record.type === R.memory) freeMemoryBytes += memoryRowFreeBytes(fields, line, fail);
    }
  }
  return { freeVcpus, freeMemoryBytes };
}

/** The items of a record: its `|` rows, and its own fields when it is written inline (`VCPU|pid=0|...`). */
function items(record: ParseableRecord): { fields: Readonly<Record<string, string>>; line: number | undefined }[] {
  const rows = record.rows.map((fields, i) => ({ fields, line: record.rowLines[i] }));
  return Object.keys(record.fields).length > 0 ? [{ fields: record.fields, line: undefined }, ...rows] : rows;
}

type Fail = (reason: string, line: number | undefined) => never;

function vcpuIsFree(fields: Readonly<Record<string, string>>, line: number | undefined, fail: Fail): boolean {
  const pid = fields.pid;
  if (pid !== undefined && !/^\d+$/.test(pid.trim())) fail(`a ${R.vcpu} row has pid=${JSON.stringify(pid)}, not a number`, line);
  const free = fields[R.vcpuFreeKey];
  if (free === undefined) return true;
  if (!/^\d{1,3}(\.\d+)?$/.test(free.trim())) fail(`a ${R.vcpu} row has ${R.vcpuFreeKey}=${JSON.stringify(free)}, not a percentage`, line);
  return Number(free) >= R.vcpuFreePercent;
}

function memoryRowFreeBytes(fields: Readonly<Record<string, string>>, line: number | undefined, fail: Fail): number {
  if ((fields[R.memoryBoundKey] ?? "").trim() !== "") return 0;
  const size = fields[R.memorySizeKey];
  if (size === undefined) return fail(`a ${R.memory} row has no ${R.memorySizeKey}=`, line);
  const bytes = sizeInBytes(size);
  return bytes ?? fail(`a ${R.memory} row has ${R.memorySizeKey}=${JSON.stringify(size)}, not a size in bytes`, line);
}

/** `34359738368`, `0x800000000` or `32G`. */
function sizeInBytes(text: string): number | undefined {
  const t = text.trim();
  if (/^0x[0-9a-f]{1,13}$/i.test(t)) return Number.parseInt(t.slice(2), 16);
  const m = /^(\d{1,16})([KMGT])?$/i.exec(t);
  if (!m) return undefined;
  const bytes = Number(m[1]) * (m[2] ? UNIT[m[2].toUpperCase()]! : 1);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}
