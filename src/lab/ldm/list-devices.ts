/**
 * `ldm list-devices [-a] [-p] [cpu] [memory]`: the machine's free vCPUs and memory (with `-a`,
 * every one, the bound ones naming their domain in MEMORY). The `-p` shape is evidence §4
 * (`VCPU` alone on its line, then `|pid=N|free=N|pm=no` rows); the rest is decided in
 * src/ldm/assumptions.ts (LIST_DEVICES_RECORDS, LIST_DEVICES_FREE_ONLY_WITHOUT_A) and
 * docs/lab-assumptions.md. Strands and memory are laid out as `list -l` binds them: in domain
 * order, the free ones after.
 */
import { LDM_ERRORS, LIST_DEVICES_FREE_ONLY_WITHOUT_A, LIST_DEVICES_RECORDS } from "../../ldm/assumptions";
import type { MachineState } from "../state";
import { variantsOf } from "../variants";
import { parseArgs } from "./args";
import { boundDomains, machineCapacity } from "./capacity";
import { row } from "./columns";
import type { LdmContext } from "./context";
import { humanMemory } from "./domain-format";
import { fail } from "./failure";

/** `VERSION` of `list-devices -a -p` on a real 3.x control domain (evidence §6 [V]). */
const LIST_DEVICES_VERSION = "1.6";
/** Where the lab's memory bindings start (as `list -l` shows them). */
const MEMORY_BASE = 0x10000000;
const RESOURCES = ["cpu", "memory"] as const;
const NOT_IN_LAB = new Set(["core", "crypto", "io", "mau"]);
const R = LIST_DEVICES_RECORDS;

interface VcpuRow {
  readonly pid: number;
  readonly free: boolean;
}

interface MemoryRow {
  readonly pa: number;
  readonly size: number;
  /** Domain holding the block; absent when free. */
  readonly bound?: string;
}

function vcpuRows(machine: MachineState): VcpuRow[] {
  const held = boundDomains(machine).reduce((n, d) => n + d.ncpu, 0);
  return Array.from({ length: Math.max(held, machineCapacity(machine).vcpus) }, (_, pid) => ({ pid, free: pid >= held }));
}

function memoryRows(machine: MachineState): MemoryRow[] {
  const rows: MemoryRow[] = [];
  let pa = MEMORY_BASE;
  for (const d of boundDomains(machine)) {
    if (d.memory > 0) rows.push({ pa, size: d.memory, bound: d.name });
    pa += d.memory;
  }
  const free = machineCapacity(machine).memoryBytes - (pa - MEMORY_BASE);
  if (free > 0) rows.push({ pa, size: free });
  return rows;
}

const hex = (n: number) => `0x${n.toString(16)}`;

function parseable(machine: MachineState, resources: readonly string[], all: boolean, version: string): string {
  const lines = [`VERSION ${version}`];
  if (resources.includes("cpu")) {
    const rows = vcpuRows(machine).filter((v) => all || v.free);
    if (rows.length) lines.push(R.vcpu, ...rows.map((v) => `|pid=${v.pid}|${R.vcpuFreeKey}=${v.free ? R.vcpuFreePercent : 0}|pm=no`));
  }
  if (resources.includes("memory")) {
    const rows = memoryRows(machine).filter((m) => all || !m.bound);
    const bound = (m: MemoryRow) => (all ? `|${R.memoryBoundKey}=${m.bound ?? ""}` : "");
    if (rows.length) lines.push(R.memory, ...rows.map((m) => `|pa=${hex(m.pa)}|${R.memorySizeKey}=${m.size}${bound(m)}`));
  }
  return `${lines.join("\n")}\n`;
}

function human(machine: MachineState, resources: readonly string[], all: boolean): string {
  const sections: string[][] = [];
  if (resources.includes("cpu")) {
    const rows = vcpuRows(machine).filter((v) => all || v.free);
    if (rows.length) sections.push([R.vcpu, `    ${row(["PID", "%FREE", "PM"], [8, 8])}`, ...rows.map((v) => `    ${row([String(v.pid), v.free ? "100" : "0", "no"], [8, 8])}`)]);
  }
  if (resources.includes("memory")) {
    const rows = memoryRows(machine).filter((m) => all || !m.bound);
    const header = all ? ["PA", "SIZE", "BOUND"] : ["PA", "SIZE"];
    const cells = (m: MemoryRow) => (all ? [hex(m.pa), humanMemory(m.size), m.bound ?? ""] : [hex(m.pa), humanMemory(m.size)]);
    if (rows.length) sections.push([R.memory, `    ${row(header, [21, 16]).trimEnd()}`, ...rows.map((m) => `    ${row(cells(m), [21, 16]).trimEnd()}`)]);
  }
  return sections.length ? `${sections.map((s) => s.join("\n")).join("\n\n")}\n` : "";
}

export function listDevices(ctx: LdmContext, argv: readonly string[]): void {
  const args = parseArgs("list-devices", argv, { flags: ["-a", "-p"], minOperands: 0, maxOperands: Infinity });
  for (const word of args.operands) {
    if (NOT_IN_LAB.has(word)) fail(LDM_ERRORS.notSupportedByLab(`list-devices ${word}`));
    if (!(RESOURCES as readonly string[]).includes(word)) fail(LDM_ERRORS.invalidDeviceClass(word));
  }
  const resources = args.operands.length ? args.operands : RESOURCES;
  // Without -a a real ldm lists only what is free (LIST_DEVICES_FREE_ONLY_WITHOUT_A); otherwise everything.
  const all = args.flags.has("-a") || !LIST_DEVICES_FREE_ONLY_WITHOUT_A;
  const version = variantsOf(ctx.state).versions["list-devices"] ?? LIST_DEVICES_VERSION;
  ctx.out.push(args.flags.has("-p") ? parseable(ctx.machine, resources, all, version) : human(ctx.machine, resources, all));
}
