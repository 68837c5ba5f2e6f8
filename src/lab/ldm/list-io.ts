/**
 * `ldm list-io [-l] [-p] [bus | device | pf-name]` (ref §3.1-§3.3): buses, slots, PFs, then VFs
 * grouped by PF. Columns and `-p` keys are verified; the VF name key and the `-l` layouts are
 * decided in src/ldm/assumptions.ts; where the name shows, how property lines group and the
 * `VERSION` are lab variants (src/lab/variants.ts).
 */
import {
  LIST_IO_CLASS_KEY,
  LIST_IO_HUMAN_VF_NAME,
  LIST_IO_LONG_PARSEABLE_KEYS,
  LIST_IO_VF_NAME_KEY,
  LDM_ERRORS,
  PARSEABLE_VERSION,
  VF_MTU_RANGE,
} from "../../ldm/assumptions";
import type { MachineState, PfState, VfState } from "../state";
import { parseArgs } from "./args";
import { row } from "./columns";
import type { LdmContext } from "./context";
import { fail } from "./failure";
import { findBus, findPf, findVf, isInv, vfAlias, vfDev } from "./lookup";
import { listedVfProperties } from "./vf-properties";
import { type LabVariants, type VfNameLocation, variantsOf } from "../variants";

const WIDTHS = [42, 7, 9, 9];

interface IoRow {
  readonly name: string;
  readonly type: "BUS" | "PCIE" | "PF" | "VF";
  readonly bus: string;
  readonly domain: string;
  readonly status: string;
  readonly dev: string;
  readonly pf?: PfState;
  readonly vf?: VfState;
}

function collectRows(machine: MachineState, now: number, filter?: string): IoRow[] {
  const owner = new Map(machine.buses.map((b) => [b.name, b.domain ?? ""]));
  const busRows: IoRow[] = machine.buses.map((b) => ({ name: b.alias ?? b.name, type: "BUS", bus: b.name, domain: b.domain ?? "", status: b.iov ? "IOV" : "", dev: b.dev }));
  const slotRows: IoRow[] = machine.slots.map((s) => ({ name: s.alias, type: "PCIE", bus: s.bus, domain: owner.get(s.bus) ?? "", status: s.status, dev: s.dev }));
  const pfRows: IoRow[] = machine.pfs.map((pf) => ({ name: pf.alias, type: "PF", bus: pf.bus, domain: owner.get(pf.bus) ?? "", status: isInv(pf.invUntil, now) ? "INV" : "", dev: pf.dev, pf }));
  const vfRows: IoRow[] = machine.pfs.flatMap((pf) =>
    pf.vfs.map((vf) => ({ name: vfAlias(pf, vf), type: "VF" as const, bus: pf.bus, domain: vf.domain ?? "", status: isInv(vf.invUntil, now) ? "INV" : "", dev: vfDev(pf, vf), pf, vf })),
  );
  const all = [...busRows, ...slotRows, ...pfRows, ...vfRows];
  if (filter === undefined) return all;
  const bus = findBus(machine, filter);
  if (bus) return all.filter((r) => r.bus === bus.name);
  const pf = findPf(machine, filter);
  if (pf) return all.filter((r) => r.pf === pf);
  const vf = findVf(machine, filter);
  if (vf) return all.filter((r) => r.vf === vf.vf);
  const slot = all.filter((r) => r.type === "PCIE" && (r.name === filter || r.dev === filter));
  if (slot.length) return slot;
  fail(LDM_ERRORS.unknownDevice(filter));
}

function longProperties(r: IoRow): [string, string][] {
  if (r.type === "PF" && r.pf) return [["maxvfs", String(r.pf.maxvfs)]];
  if (r.type !== "VF" || !r.pf || !r.vf) return [];
  const vf = r.vf;
  switch (r.pf.class) {
    case "NETWORK":
      return listedVfProperties(vf);
    case "FIBRECHANNEL":
      return [
        ["port-wwn", vf.portWwn ?? ""],
        ["node-wwn", vf.nodeWwn ?? ""],
        ["bw-percent", String(vf.bwPercent ?? 0)],
      ];
    case "INFINIBAND":
      return [];
  }
}

function human(rows: readonly IoRow[], long: boolean, vfName: VfNameLocation): string {
  const lines = [row(["NAME", "TYPE", "BUS", "DOMAIN", "STATUS   "], WIDTHS), row(["----", "----", "---", "------", "------   "], WIDTHS)];
  for (const r of rows) {
    lines.push(row([r.name, r.type, r.bus, r.domain, r.status], WIDTHS).trimEnd());
    if (!long) continue;
    lines.push(`[${r.dev}]`);
    const props = longProperties(r);
    if (r.type === "PF") for (const [k, v] of props) lines.push(`    ${k} = ${v}`);
    if (r.type === "VF" && r.pf) {
      lines.push(`    Class properties [${r.pf.class}]`);
      for (const [k, v] of props) if (v !== "") lines.push(`        ${k} = ${v}`);
      if (LIST_IO_HUMAN_VF_NAME === "long-listing-property" && vfName !== "nowhere" && r.vf?.name !== undefined) lines.push(`    name = ${r.vf.name}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

function parseable(rows: readonly IoRow[], long: boolean, variants: LabVariants): string {
  const lines = [`VERSION ${variants.versions["list-io"] ?? PARSEABLE_VERSION}`];
  for (const r of rows) {
    // The class key is printed by `-l -p` only, and only for PFs and VFs.
    const values: Record<(typeof LIST_IO_LONG_PARSEABLE_KEYS)[number], string | undefined> = {
      dev: r.dev, alias: r.name, status: r.status, domain: r.domain, type: r.type,
      [LIST_IO_CLASS_KEY]: long && r.pf ? r.pf.class : undefined, bus: r.bus,
    };
    const fields = LIST_IO_LONG_PARSEABLE_KEYS.flatMap((k) => (values[k] === undefined ? [] : [`|${k}=${values[k]}`]));
    const name = r.type === "VF" ? `|${LIST_IO_VF_NAME_KEY}=${r.vf?.name ?? ""}` : "";
    lines.push(`${fields.join("")}${variants.vfName === "record" ? name : ""}`);
    const props = long ? longProperties(r).map(([k, v]) => `|${k}=${v}`) : [];
    const nameLine = variants.vfName === "property-line" ? name : "";
    if (variants.propertyLines === "grouped") {
      // Several fields per line, the device path first, so the first property is the second field (evidence §1).
      if (props.length || nameLine) lines.push(`|dev=${r.dev}${props.join("")}${nameLine}`);
    } else {
      lines.push(...props);
      if (nameLine) lines.push(nameLine);
    }
  }
  return `${lines.join("\n")}\n`;
}

export function listIo(ctx: LdmContext, argv: readonly string[]): void {
  const args = parseArgs("list-io", argv, { flags: ["-l", "-p"], valued: ["-d"], minOperands: 0, maxOperands: 1 });
  const device = args.values.get("-d");
  if (device !== undefined) {
    ctx.out.push(deviceSpecific(ctx.machine, device));
    return;
  }
  const rows = collectRows(ctx.machine, ctx.now, args.operands[0]);
  const long = args.flags.has("-l");
  const variants = variantsOf(ctx.state);
  ctx.out.push(args.flags.has("-p") ? parseable(rows, long, variants) : human(rows, long, variants.vfName));
}

/** `list-io -d pf-name` (ref §3.4 [V] for an Ethernet PF). */
function deviceSpecific(machine: MachineState, name: string): string {
  const pf = findPf(machine, name);
  if (!pf) fail(findVf(machine, name) ? LDM_ERRORS.notAPf(name) : LDM_ERRORS.unknownDevice(name));
  const params: [string, string, string, string][] =
    pf.class === "NETWORK"
      ? [
          ["max-config-vfs", "PR", String(pf.maxvfs), "Max number of configurable VFs"],
          ["max-vf-mtu", "VR", String(VF_MTU_RANGE.max), "Max MTU supported for a VF"],
          ["max-vlans", "VR", "32", "Max number of VLAN filters supported"],
        ]
      : [["max-config-vfs", "PR", String(pf.maxvfs), "Max number of configurable VFs"]];
  const lines = ["Device-specific Parameters", "--------------------------"];
  for (const [n, f, d, t] of params) lines.push(n, `    Flags = ${f}`, `    Default = ${d}`, `    Descr = ${t}`);
  return `${lines.join("\n")}\n`;
}
