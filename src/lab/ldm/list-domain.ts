/**
 * `ldm list` / `ls` / `list-domain` (ref §2) and `ldm list-bindings` (ref §2.5): the domain
 * table, `-p` records, `-l` details and the `-o` sections (network, status, physio, disk, ...).
 */
import { LDM_ERRORS, LIST_DOMAIN_COLUMNS, MIGRATION_STATUS_COLUMNS, MIGRATION_STATUS_PROGRESS_KEY, PARSEABLE_VERSION } from "../../ldm/assumptions";
import type { DomainState, MachineState } from "../state";
import { parseArgs, usageError } from "./args";
import { boundDomains } from "./capacity";
import { row } from "./columns";
import type { LdmContext } from "./context";
import { fail } from "./failure";
import { consoleOf, domainRecord, flagLetters, humanMemory, humanUptime, uptimeSeconds, utilOf } from "./domain-format";
import { allVfs, vfAlias, vfDev } from "./lookup";
import { type LabVariants, type MultiItemRecordForm, variantsOf } from "../variants";

const SECTION_ALIASES: Record<string, string> = { net: "network", disk: "disk" };
const SECTIONS = ["console", "cpu", "crypto", "disk", "domain", "memory", "network", "physio", "resmgmt", "serial", "status"];
const RULE = "------------------------------------------------------------------------------";

function selectDomains(machine: MachineState, names: readonly string[]): DomainState[] {
  if (!names.length) return machine.domains;
  return names.map((n) => machine.domains.find((d) => d.name === n) ?? fail(LDM_ERRORS.unknownDomain(n)));
}

function tableRow(machine: MachineState, d: DomainState, now: number): string {
  const util = utilOf(d);
  const cells = [d.name, d.state, flagLetters(machine, d), consoleOf(d), String(d.ncpu), humanMemory(d.memory), util ? `${util}%` : "", util ? `${util}%` : "", humanUptime(uptimeSeconds(d, now))];
  return row(cells, LIST_DOMAIN_COLUMNS.widths).trimEnd();
}

function table(machine: MachineState, domains: readonly DomainState[], now: number): string[] {
  return [row([...LIST_DOMAIN_COLUMNS.header], LIST_DOMAIN_COLUMNS.widths).trimEnd(), ...domains.map((d) => tableRow(machine, d, now))];
}

export interface MigrationView {
  readonly role: "source" | "target";
  readonly peer: string;
  readonly progress: number;
}

export function migrationView(d: DomainState, now: number): MigrationView | undefined {
  const m = d.migration;
  if (!m) return undefined;
  const progress = m.durationMs <= 0 ? 99 : Math.min(99, Math.floor(((now - m.startedAt) / m.durationMs) * 100));
  return { role: m.role, peer: m.peer, progress: Math.max(0, progress) };
}

/** Column width of the human `list -l` VCPU/MEMORY/IO sections (evidence §5: 17 in every real sample). */
const HUMAN_SECTION_WIDTHS = [17, 17];

/**
 * The lab's stand-in for vCPU bindings: strands handed out in domain order, 8 per core. A domain
 * that is not bound has none (its `list -l` shows the count).
 */
function vcpuBindings(machine: MachineState, d: DomainState): { vid: number; pid: number; cid: number; util: string }[] {
  if (d.state === "inactive") return [];
  let base = 0;
  for (const x of boundDomains(machine)) {
    if (x === d) break;
    base += x.ncpu;
  }
  const util = utilOf(d) || "0.0";
  return Array.from({ length: d.ncpu }, (_, vid) => ({ vid, pid: base + vid, cid: Math.floor((base + vid) / 8), util }));
}

/** The lab's stand-in for a memory binding: one block, real addresses from 0x10000000, physical ones in domain order. */
function memoryBinding(machine: MachineState, d: DomainState): { ra: string; pa: string; size: number } | undefined {
  if (d.state === "inactive") return undefined;
  let pa = 0x10000000;
  for (const x of boundDomains(machine)) {
    if (x === d) break;
    pa += x.memory;
  }
  return { ra: "0x10000000", pa: `0x${pa.toString(16)}`, size: d.memory };
}

function vfsOf(machine: MachineState, d: DomainState) {
  return allVfs(machine).filter((r) => r.vf.domain === d.name);
}

function humanSection(section: string, machine: MachineState, d: DomainState, now: number): string[] {
  switch (section) {
    case "network": {
      if (!d.vnets.length) return [];
      const cells = d.vnets.map((v) => [v.name, `${v.vswitch}@${v.vswitchDomain}`, v.mac, `${v.pvid ?? "--"}|--|${v.vid.length ? v.vid.join(",") : "--"}`]);
      const w0 = Math.max(8, ...cells.map((c) => c[0]!.length + 1));
      const w1 = Math.max(8, ...cells.map((c) => c[1]!.length + 1));
      const w2 = Math.max(11, ...cells.map((c) => c[2]!.length + 1));
      const widths = [w0, w1, w2];
      return ["NETWORK", `    ${row(["NAME", "SERVICE", "MACADDRESS", "PVID|PVLAN|VIDs"], widths)}`, `    ${row(["----", "-------", "----------", "---------------"], widths)}`, ...cells.map((c) => `    ${row(c, widths)}`)];
    }
    case "status": {
      const m = migrationView(d, now);
      if (!m) return [];
      const peerHeader = m.role === "source" ? "TARGET" : "SOURCE";
      return ["STATUS", `    ${row([...MIGRATION_STATUS_COLUMNS, peerHeader], [13, 12])}`, `    ${row(["migration", `${m.progress}%`, m.peer], [13, 12])}`];
    }
    case "physio": {
      const vfs = vfsOf(machine, d);
      const buses = machine.buses.filter((b) => b.domain === d.name);
      if (!vfs.length && !buses.length) return [];
      const cells = [...buses.map((b) => [b.dev, b.alias ?? b.name, b.iov ? "iov" : ""]), ...vfs.map((r) => [vfDev(r.pf, r.vf), vfAlias(r.pf, r.vf), ""])];
      // 17-character columns (evidence §5); a longer value pushes the rest of its row right.
      return ["IO", `    ${row(["DEVICE", "PSEUDONYM", "OPTIONS"], HUMAN_SECTION_WIDTHS)}`, ...cells.map((c) => `    ${row(c, HUMAN_SECTION_WIDTHS).trimEnd()}`)];
    }
    case "disk": {
      if (!d.vdisks.length) return [];
      return ["DISK", `    ${row(["NAME", "VOLUME"], [17])}`, ...d.vdisks.map((v) => `    ${row([v.name, v.volume], [17])}`)];
    }
    case "cpu": {
      // A per-vCPU table once bound (evidence §5); the lab has no real bindings, see vcpuBindings.
      const vcpus = vcpuBindings(machine, d);
      if (!vcpus.length) return ["VCPU", `    COUNT ${d.ncpu}`];
      return ["VCPU", "    VID    PID    CID    UTIL STRAND", ...vcpus.map((v) => `    ${row([String(v.vid), String(v.pid), String(v.cid)], [7, 7, 7])}${`${v.util}%`.padStart(4)} ${"100%".padStart(6)}`)];
    }
    case "memory": {
      const mem = memoryBinding(machine, d);
      if (!mem) return ["MEMORY", `    SIZE ${humanMemory(d.memory)}`];
      return ["MEMORY", `    ${row(["RA", "PA", "SIZE"], HUMAN_SECTION_WIDTHS)}`, `    ${row([mem.ra, mem.pa, humanMemory(d.memory)], HUMAN_SECTION_WIDTHS)}`];
    }
    case "console":
      return d.control ? [] : ["VCONS", `    ${row(["NAME", "SERVICE", "PORT"], [11, 25])}`, `    ${row([d.name, "primary-vcc0@primary", consoleOf(d)], [11, 25]).trimEnd()}`];
    default:
      return [];
  }
}

/** Records a domain may have several of: one per item inline, or the keyword alone and `|` rows (evidence §4). */
const MULTI_ITEM = new Set(["IO", "VNET", "VDISK"]);

function asKeywordLines(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const bar = line.indexOf("|");
    const keyword = bar > 0 ? line.slice(0, bar) : "";
    if (!MULTI_ITEM.has(keyword)) {
      out.push(line);
      continue;
    }
    if (!out.includes(keyword)) out.push(keyword);
    out.push(line.slice(bar));
  }
  return out;
}

function parseableSection(section: string, machine: MachineState, d: DomainState, now: number, form: MultiItemRecordForm = "inline"): string[] {
  const lines = inlineSection(section, machine, d, now);
  return form === "keyword-line" ? asKeywordLines(lines) : lines;
}

function inlineSection(section: string, machine: MachineState, d: DomainState, now: number): string[] {
  switch (section) {
    case "network":
      return d.vnets.map((v) => `VNET|name=${v.name}|dev=network@${v.id}|service=${v.vswitch}@${v.vswitchDomain}|mac-addr=${v.mac}|mode=|pvid=${v.pvid ?? ""}|vid=${v.vid.join(",")}|mtu=${v.mtu}|linkprop=${v.linkprop}|id=${v.id}|alt-mac-addrs=${v.altMacs.join(",")}`);
    case "status": {
      const m = migrationView(d, now);
      if (!m) return [];
      return [`STATUS|op=migration|${MIGRATION_STATUS_PROGRESS_KEY}=${m.progress}|error=no|${m.role === "source" ? "target" : "source"}=${m.peer}`];
    }
    case "physio":
      return [
        ...machine.buses.filter((b) => b.domain === d.name).map((b) => `IO|dev=${b.dev}|alias=${b.alias ?? b.name}`),
        ...vfsOf(machine, d).map((r) => `IO|dev=${vfDev(r.pf, r.vf)}|alias=${vfAlias(r.pf, r.vf)}`),
      ];
    case "disk":
      return d.vdisks.map((v) => {
        const [vol, svc] = v.volume.split("@");
        return `VDISK|name=${v.name}|vol=${vol}@${svc}|timeout=|dev=disk@0|server=primary|mpgroup=`;
      });
    case "cpu":
      return [`VCPU|count=${d.ncpu}`];
    case "memory":
      return [`MEMORY|size=${d.memory}`];
    case "console":
      return d.control ? [] : [`VCONS|domain-name=${d.name}|service-name=primary-vcc0|port=${consoleOf(d)}`];
    default:
      return [];
  }
}

const LONG_SECTIONS = ["cpu", "memory", "physio", "network", "disk", "console", "status"];

function render(machine: MachineState, domains: readonly DomainState[], now: number, opts: { long: boolean; parseable: boolean; sections?: readonly string[]; variants: LabVariants }): string {
  const { long, parseable, sections, variants } = opts;
  if (parseable) {
    const lines = [`VERSION ${variants.versions["list-domain"] ?? PARSEABLE_VERSION}`];
    for (const d of domains) {
      lines.push(domainRecord(machine, d, now, long && variants.domainFlags === "words"));
      const wanted = sections ?? (long ? LONG_SECTIONS : []);
      for (const s of wanted) lines.push(...parseableSection(s, machine, d, now, variants.multiItemRecords));
    }
    return `${lines.join("\n")}\n`;
  }
  if (sections) {
    const blocks: string[] = [];
    for (const d of domains) {
      const lines = sections.includes("domain") ? table(machine, [d], now) : ["NAME", d.name];
      for (const s of sections) {
        const sec = humanSection(s, machine, d, now);
        if (sec.length) lines.push("", ...sec);
      }
      blocks.push(lines.join("\n"));
    }
    return `${blocks.join(`\n${RULE}\n`)}\n`;
  }
  if (!long) return `${table(machine, domains, now).join("\n")}\n`;
  const blocks = domains.map((d) => {
    const lines = table(machine, [d], now);
    for (const s of LONG_SECTIONS) {
      const sec = humanSection(s, machine, d, now);
      if (sec.length) lines.push("", ...sec);
    }
    return lines.join("\n");
  });
  return `${blocks.join(`\n${RULE}\n`)}\n`;
}

export function listDomain(ctx: LdmContext, argv: readonly string[]): void {
  const args = parseArgs("list-domain", argv, { flags: ["-e", "-l", "-p", "-S"], valued: ["-o"], minOperands: 0, maxOperands: Infinity });
  let sections: string[] | undefined;
  const o = args.values.get("-o");
  if (o !== undefined) {
    sections = o.split(",").map((s) => SECTION_ALIASES[s] ?? s);
    if (sections.some((s) => !SECTIONS.includes(s))) throw usageError("list-domain");
  }
  const domains = selectDomains(ctx.machine, args.operands);
  ctx.out.push(render(ctx.machine, domains, ctx.now, { long: args.flags.has("-l"), parseable: args.flags.has("-p"), sections, variants: variantsOf(ctx.state) }));
}

export function listBindings(ctx: LdmContext, argv: readonly string[]): void {
  const args = parseArgs("list-bindings", argv, { flags: ["-e", "-p"], minOperands: 0, maxOperands: Infinity });
  const domains = selectDomains(ctx.machine, args.operands);
  if (!args.flags.has("-p")) {
    ctx.out.push(render(ctx.machine, domains, ctx.now, { long: true, parseable: false, variants: variantsOf(ctx.state) }));
    return;
  }
  const m = ctx.machine;
  const lines = [`VERSION ${variantsOf(ctx.state).versions["list-bindings"] ?? PARSEABLE_VERSION}`];
  for (const d of domains) {
    // Flags spelled out (evidence §3); VCPU, MEMORY and IO as a keyword line then one | row per item (evidence §4).
    lines.push(domainRecord(m, d, ctx.now, true));
    lines.push(`MAC|mac-addr=${d.mac}`);
    lines.push(`CONTROL|failure-policy=ignore|extended-mapin-space=on|cpu-arch=native`);
    const vcpus = vcpuBindings(m, d);
    if (vcpus.length) lines.push("VCPU", ...vcpus.map((v) => `|vid=${v.vid}|pid=${v.pid}|cid=${v.cid}|util=${v.util}|strand=100`));
    const mem = memoryBinding(m, d);
    if (mem) lines.push("MEMORY", `|ra=${mem.ra}|pa=${mem.pa}|size=${mem.size}`);
    for (const s of ["physio", "network", "disk"]) {
      for (const line of parseableSection(s, m, d, ctx.now, s === "physio" ? "keyword-line" : "inline")) {
        lines.push(line);
        if (s === "network") {
          const vnet = d.vnets.find((v) => line.startsWith(`VNET|name=${v.name}|`));
          const vsw = vnet && m.vswitches.find((x) => x.name === vnet.vswitch);
          if (vsw) lines.push(`|peer=${vsw.name}@${vsw.domain}|mac-addr=${vsw.mac}|pvid=${vsw.pvid ?? ""}|vid=${vsw.vid.join(",")}|mtu=${vsw.mtu}`);
        }
      }
    }
    lines.push(...servicesOf(m, d.name));
  }
  ctx.out.push(`${lines.join("\n")}\n`);
}

/** `VSW|`, `VDS|` records (with `|peer=` / `|vol=` continuation lines) of one service domain. */
export function servicesOf(m: MachineState, domain: string): string[] {
  const lines: string[] = [];
  if (m.domains.find((d) => d.name === domain)?.control) lines.push(`VCC|name=primary-vcc0|ldom=${domain}|port-range=5000-5100`);
  for (const s of m.vswitches.filter((x) => x.domain === domain)) {
    lines.push(`VSW|name=${s.name}|ldom=${s.domain}|mac-addr=${s.mac}|net-dev=${s.netDev ?? ""}|dev=switch@${s.id}|default-vlan-id=${s.defaultVlanId}|pvid=${s.pvid ?? ""}|vid=${s.vid.join(",")}|mode=|mtu=${s.mtu}|linkprop=${s.linkprop}|id=${s.id}|inter-vnet-link=on`);
    for (const d of m.domains) for (const v of d.vnets.filter((x) => x.vswitch === s.name)) lines.push(`|peer=${v.name}@${d.name}|mac-addr=${v.mac}|pvid=${v.pvid ?? ""}|vid=${v.vid.join(",")}|mtu=${v.mtu}`);
  }
  for (const s of m.vdiskServices.filter((x) => x.domain === domain)) {
    lines.push(`VDS|name=${s.name}|ldom=${s.domain}`);
    for (const v of s.volumes) lines.push(`|vol=${v.name}|opts=|dev=${v.dev}|mpgroup=`);
  }
  return lines;
}

export function listServices(ctx: LdmContext, argv: readonly string[]): void {
  const args = parseArgs("list-services", argv, { flags: ["-e", "-p"], minOperands: 0, maxOperands: Infinity });
  const m = ctx.machine;
  const domains = selectDomains(m, args.operands).map((d) => d.name);
  if (args.flags.has("-p")) {
    ctx.out.push(`${[`VERSION ${variantsOf(ctx.state).versions["list-services"] ?? PARSEABLE_VERSION}`, ...domains.flatMap((d) => servicesOf(m, d))].join("\n")}\n`);
    return;
  }
  const lines: string[] = [];
  for (const dn of domains) {
    const vsws = m.vswitches.filter((s) => s.domain === dn);
    const vdss = m.vdiskServices.filter((s) => s.domain === dn);
    if (m.domains.find((d) => d.name === dn)?.control) lines.push("VCC", `    ${row(["NAME", "LDOM", "PORT-RANGE"], [17, 10])}`, `    ${row(["primary-vcc0", dn, "5000-5100"], [17, 10])}`, "");
    if (vsws.length) {
      const widths = [17, 10, 19, 10, 16];
      lines.push("VSW", `    ${row(["NAME", "LDOM", "MACADDRESS", "NET-DEV", "DVID|PVID|VIDs", "MTU"], widths)}`);
      for (const s of vsws) lines.push(`    ${row([s.name, s.domain, s.mac, s.netDev ?? "", `${s.defaultVlanId}|${s.pvid ?? "--"}|${s.vid.length ? s.vid.join(",") : "--"}`, String(s.mtu)], widths).trimEnd()}`);
      lines.push("");
    }
    if (vdss.length) {
      lines.push("VDS", `    ${row(["NAME", "LDOM", "VOLUME", "DEVICE"], [17, 10, 17])}`);
      for (const s of vdss) {
        lines.push(`    ${row([s.name, s.domain], [17, 10]).trimEnd()}`);
        for (const v of s.volumes) lines.push(`    ${row(["", "", v.name, v.dev], [17, 10, 17])}`);
      }
      lines.push("");
    }
  }
  while (lines.length && lines[lines.length - 1] === "") lines.pop();
  ctx.out.push(lines.length ? `${lines.join("\n")}\n` : "");
}
