/**
 * `dladm`, `ipadm` and `ipmpstat` inside a modelled guest (ref §6.2): enough to build an
 * active/standby IPMP group of a VF and a vnet and to watch it fail over and back.
 */
import type { DomainState, GuestState, LabState, MachineState } from "../state";
import { row } from "../ldm/columns";
import { DLADM_PRIMARY_MAC_ROW } from "../../ldm/assumptions";
import { type LinkView, ipmpGroups, reconcileLinks } from "./network-view";

export interface GuestAnswer {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly mutating: boolean;
}

class GuestFailure extends Error {
  constructor(message: string, readonly exitCode: number = 1) {
    super(message);
  }
}

interface GuestContext {
  readonly guest: GuestState;
  readonly links: LinkView[];
}

function locate(state: LabState, domain: string): { machine: MachineState; domain: DomainState } | undefined {
  for (const machine of Object.values(state.machines)) {
    const d = machine.domains.find((x) => x.name === domain && x.guestModel);
    if (d) return { machine, domain: d };
  }
  return undefined;
}

const MUTATING = new Set(["create-ip", "create-ipmp", "add-ipmp", "remove-ipmp", "set-ifprop", "create-addr", "delete-ip", "delete-ipmp", "delete-addr"]);

export function runGuestCommand(state: LabState, domainName: string, argv: readonly string[], _now: number): GuestAnswer {
  const words = argv[0] === "pfexec" ? argv.slice(1) : argv;
  const [tool, ...args] = words;
  const mutating = tool === "ipadm" && MUTATING.has(args[0] ?? "");
  const where = locate(state, domainName);
  if (!where) return { exitCode: 255, stdout: "", stderr: `${domainName}: no such guest in the lab\n`, mutating: false };
  if (where.domain.state !== "active") return { exitCode: 255, stdout: "", stderr: `${domainName}: the guest is not running (domain is ${where.domain.state})\n`, mutating: false };
  const guest = (state.guests[domainName] ??= { domain: domainName, links: {}, interfaces: [] });
  const ctx: GuestContext = { guest, links: reconcileLinks(guest, where.machine, where.domain) };
  try {
    let out: string;
    if (tool === "dladm") out = dladm(ctx, args);
    else if (tool === "ipadm") out = ipadm(ctx, args);
    else if (tool === "ipmpstat") out = ipmpstat(ctx, args);
    else return { exitCode: 127, stdout: "", stderr: `sh: ${tool ?? ""}: not supported by the lab\n`, mutating: false };
    return { exitCode: 0, stdout: out, stderr: "", mutating };
  } catch (e) {
    if (e instanceof GuestFailure) return { exitCode: e.exitCode, stdout: "", stderr: `${e.message}\n`, mutating };
    throw e;
  }
}

/** `-p -o f1,f2` parseable output: fields joined by `:`, a `:` inside a value escaped as `\:`. */
function parseableRows(rows: readonly Record<string, string>[], fields: readonly string[]): string {
  return rows.map((r) => fields.map((f) => (r[f] ?? "").replace(/\\/g, "\\\\").replace(/:/g, "\\:")).join(":")).join("\n") + (rows.length ? "\n" : "");
}

interface Options {
  readonly flags: Set<string>;
  readonly values: Map<string, string[]>;
  readonly operands: string[];
}

function options(tool: string, args: readonly string[], flags: string, valued: string): Options {
  const out: Options = { flags: new Set(), values: new Map(), operands: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith("-") && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!;
        if (flags.includes(c)) out.flags.add(c);
        else if (valued.includes(c)) {
          const value = a.slice(j + 1) || args[++i];
          if (value === undefined) throw new GuestFailure(`${tool}: option requires an argument -- ${c}`, 2);
          out.values.set(c, [...(out.values.get(c) ?? []), value]);
          break;
        } else throw new GuestFailure(`${tool}: illegal option -- ${c}`, 2);
      }
    } else out.operands.push(a);
  }
  return out;
}

function fieldList(tool: string, o: Options, known: readonly string[]): string[] | undefined {
  const spec = o.values.get("o")?.join(",");
  if (spec === undefined) return undefined;
  const fields = spec.toLowerCase() === "all" ? [...known] : spec.split(",").map((f) => f.toLowerCase());
  for (const f of fields) if (!known.includes(f)) throw new GuestFailure(`${tool}: unknown output field '${f}'`);
  return fields;
}

function table(header: readonly string[], widths: readonly number[], rows: readonly Record<string, string>[], fields: readonly string[]): string {
  const lines = [row(header, widths).trimEnd(), ...rows.map((r) => row(fields.map((f) => r[f] ?? ""), widths).trimEnd())];
  return `${lines.join("\n")}\n`;
}

function macSlotRows(primary: Record<string, string>, altMacs: readonly string[]): Record<string, string>[] {
  const alternates = altMacs.map((m, n) => ({ link: primary["link"] ?? "", slot: String(n + 1), address: dladmMac(m), inuse: "no", client: "--" }));
  return DLADM_PRIMARY_MAC_ROW === "first" ? [primary, ...alternates] : [...alternates, primary];
}

function dladm(ctx: GuestContext, args: readonly string[]): string {
  const [sub, ...rest] = args;
  if (sub !== "show-phys" && sub !== "show-link") throw new GuestFailure(`dladm: ${sub ?? ""}: not supported by the lab`, 1);
  const o = options("dladm", rest, sub === "show-phys" ? "pm" : "p", "o");
  const macs = sub === "show-phys" && o.flags.has("m");
  const known = macs ? [...MAC_FIELDS] : sub === "show-phys" ? ["link", "media", "state", "speed", "duplex", "device"] : ["link", "class", "mtu", "state", "over"];
  let links = ctx.links.filter((l) => l.present);
  if (o.operands.length) {
    links = o.operands.map((n) => links.find((l) => l.link === n) ?? failLink(n));
  }
  const rows: Record<string, string>[] = links.map((l) => ({
    link: l.link, media: "Ethernet", state: l.up ? "up" : "down", speed: String(l.speed), duplex: l.duplex, device: l.device, class: "phys", mtu: "1500", over: "--",
    slot: "primary", address: dladmMac(l.mac ?? ""), inuse: "yes", client: l.link,
  }));
  // -m lists one row per MAC slot: the primary, and each alternate MAC (slot 1, 2, ...) on a row
  // of the same link, unused until a VNIC takes it, in the order DLADM_PRIMARY_MAC_ROW assumes.
  if (macs) rows.splice(0, rows.length, ...rows.flatMap((r, i) => macSlotRows(r, links[i]!.altMacs)));
  const fields = fieldList("dladm", o, known);
  if (o.flags.has("p")) {
    if (!fields) throw new GuestFailure("dladm: output field list (-o) required in parseable (-p) mode");
    return parseableRows(rows, fields);
  }
  // Widths of Solaris 11 (evidence §8): show-link LINK 20 and CLASS 10 wide; show-phys as before; show-phys -m LINK 20.
  if (sub === "show-link") return table(["LINK", "CLASS", "MTU", "STATE", "OVER"], [20, 10, 7, 9], rows, ["link", "class", "mtu", "state", "over"]);
  const f = fields ?? known;
  if (macs) return table(f.map((x) => x.toUpperCase()), f.map((x) => MAC_WIDTHS[x] ?? 12).slice(0, f.length - 1), rows, f);
  return table(f.map((x) => x.toUpperCase()), [18, 21, 11, 7, 10].slice(0, f.length - 1), rows, f);
}

/** `dladm show-phys -m` fields and column widths. */
const MAC_FIELDS = ["link", "slot", "address", "inuse", "client"] as const;
const MAC_WIDTHS: Record<string, number> = { link: 20, slot: 9, address: 19, inuse: 6, client: 12 };

/** `dladm` prints MAC octets without leading zeros (`0:14:4f:f8:0:1`), unlike `ldm` (evidence §8). */
function dladmMac(mac: string): string {
  return mac === "" ? "--" : mac.split(":").map((octet) => octet.replace(/^0(?=.)/, "")).join(":");
}

function failLink(name: string): never {
  throw new GuestFailure(`dladm: cannot show link ${name}: object not found`);
}

function ipadm(ctx: GuestContext, args: readonly string[]): string {
  const [sub, ...rest] = args;
  const g = ctx.guest;
  const find = (name: string) => g.interfaces.find((i) => i.name === name);
  switch (sub) {
    case "create-ip": {
      const o = options("ipadm", rest, "t", "");
      const name = o.operands[0];
      if (!name || o.operands.length !== 1) throw new GuestFailure("usage: ipadm create-ip [-t] <interface>", 1);
      if (find(name)) throw new GuestFailure(`ipadm: cannot create interface ${name}: Interface already exists`);
      if (!ctx.links.some((l) => l.link === name && l.present)) throw new GuestFailure(`ipadm: cannot create interface ${name}: No such interface`);
      g.interfaces.push({ name, kind: "ip", standby: false, addrs: [] });
      return "";
    }
    case "create-ipmp": {
      const o = options("ipadm", rest, "t", "i");
      const name = o.operands[0];
      if (!name || o.operands.length !== 1) throw new GuestFailure("usage: ipadm create-ipmp [-t] [-i <interface>[,<interface>]...] <ipmp-interface>", 1);
      if (find(name) || ctx.links.some((l) => l.link === name)) throw new GuestFailure(`ipadm: cannot create interface ${name}: Interface already exists`);
      const members = (o.values.get("i") ?? []).flatMap((x) => x.split(","));
      for (const m of members) checkMember(ctx, m);
      g.interfaces.push({ name, kind: "ipmp", standby: false, addrs: [] });
      for (const m of members) join(g, m, name);
      return "";
    }
    case "add-ipmp":
    case "remove-ipmp": {
      const o = options("ipadm", rest, "t", "i");
      const name = o.operands[0];
      const members = (o.values.get("i") ?? []).flatMap((x) => x.split(","));
      if (!name || o.operands.length !== 1 || !members.length) throw new GuestFailure(`usage: ipadm ${sub} -i <interface>[,<interface>]... <ipmp-interface>`, 1);
      const group = find(name);
      if (!group || group.kind !== "ipmp") throw new GuestFailure(`ipadm: cannot ${sub === "add-ipmp" ? "add" : "remove"} interface(s) ${sub === "add-ipmp" ? "to" : "from"} ${name}: Interface does not exist`);
      if (sub === "add-ipmp") {
        for (const m of members) checkMember(ctx, m);
        for (const m of members) join(g, m, name);
      } else {
        for (const m of members) if (find(m)?.group !== name) throw new GuestFailure(`ipadm: cannot remove interface(s) from ${name}: ${m} is not in the group`);
        for (const m of members) find(m)!.group = undefined;
      }
      return "";
    }
    case "set-ifprop": {
      const o = options("ipadm", rest, "t", "pm");
      const name = o.operands[0];
      const prop = o.values.get("p")?.[0];
      const proto = o.values.get("m")?.[0];
      if (!name || !prop || !proto) throw new GuestFailure("usage: ipadm set-ifprop [-t] -p <prop>=<value[,...]> -m <protocol> <interface>", 1);
      const iface = find(name);
      if (!iface) throw new GuestFailure(`ipadm: cannot set property ${prop} on ${name}: Interface does not exist`);
      const [key, value] = prop.split("=");
      if (key !== "standby" || proto !== "ip" || (value !== "on" && value !== "off")) throw new GuestFailure(`ipadm: cannot set property ${prop} on ${name}: Invalid argument provided`);
      if (iface.kind !== "ip") throw new GuestFailure(`ipadm: cannot set property ${prop} on ${name}: Operation not supported on IPMP interface`);
      iface.standby = value === "on";
      return "";
    }
    case "create-addr": {
      const o = options("ipadm", rest, "t", "Ta");
      const obj = o.operands[0];
      const addr = o.values.get("a")?.[0];
      if (!obj || !addr || o.values.get("T")?.[0] !== "static") throw new GuestFailure("usage: ipadm create-addr [-t] -T static -a <address>[/<prefixlen>] <addrobj>", 1);
      const [ifName] = obj.split("/");
      const iface = find(ifName ?? "");
      if (!iface) throw new GuestFailure(`ipadm: cannot create address: Interface does not exist`);
      if (g.interfaces.some((i) => i.addrs.some((a) => a.addrobj === obj))) throw new GuestFailure(`ipadm: cannot create address: Address object already exists`);
      iface.addrs.push({ addrobj: obj, addr });
      return "";
    }
    case "delete-addr": {
      const obj = rest[0];
      const iface = g.interfaces.find((i) => i.addrs.some((a) => a.addrobj === obj));
      if (!obj || !iface) throw new GuestFailure(`ipadm: cannot delete address object ${obj ?? ""}: Object not found`);
      iface.addrs = iface.addrs.filter((a) => a.addrobj !== obj);
      return "";
    }
    case "delete-ip":
    case "delete-ipmp": {
      const name = rest[0];
      const iface = name ? find(name) : undefined;
      if (!iface || iface.kind !== (sub === "delete-ip" ? "ip" : "ipmp")) throw new GuestFailure(`ipadm: cannot delete interface ${name ?? ""}: Interface does not exist`);
      if (iface.kind === "ipmp" && g.interfaces.some((i) => i.group === iface.name)) throw new GuestFailure(`ipadm: cannot delete interface ${name}: IPMP group is not empty`);
      g.interfaces = g.interfaces.filter((i) => i !== iface);
      return "";
    }
    case undefined:
      return bareIpadm(ctx);
    case "show-if":
      return showIf(ctx, rest);
    case "show-addr":
      return showAddr(ctx, rest);
    default:
      throw new GuestFailure(`ipadm: ${sub ?? ""}: not supported by the lab`);
  }
}

/** Group members are listed in the order they joined (the interface moves to the end). */
function join(g: GuestState, member: string, group: string): void {
  const index = g.interfaces.findIndex((i) => i.name === member);
  const [iface] = g.interfaces.splice(index, 1);
  iface!.group = group;
  g.interfaces.push(iface!);
}

function checkMember(ctx: GuestContext, name: string): void {
  const iface = ctx.guest.interfaces.find((i) => i.name === name);
  if (!iface || iface.kind !== "ip") throw new GuestFailure(`ipadm: cannot add ${name} to the IPMP group: Interface does not exist`);
  if (iface.group) throw new GuestFailure(`ipadm: cannot add ${name} to the IPMP group: Interface already in an IPMP group (${iface.group})`);
}

function interfaceRows(ctx: GuestContext): Record<string, string>[] {
  const groups = ipmpGroups(ctx.guest.interfaces, ctx.links);
  const present = (n: string) => ctx.links.some((l) => l.link === n && l.up);
  const rows: Record<string, string>[] = [{ ifname: "lo0", class: "loopback", state: "ok", active: "yes", over: "--" }];
  // Plain interfaces first, then IPMP interfaces, each by name.
  const ordered = [...ctx.guest.interfaces].sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name, "en", { numeric: true }) : a.kind === "ip" ? -1 : 1));
  for (const i of ordered) {
    if (i.kind === "ipmp") {
      const gv = groups.find((x) => x.name === i.name)!;
      const members = ctx.guest.interfaces.filter((m) => m.group === i.name).map((m) => m.name);
      rows.push({ ifname: i.name, class: "ipmp", state: gv.state === "ok" ? "ok" : gv.state === "degraded" ? "degraded" : "failed", active: gv.members.some((m) => m.active) ? "yes" : "no", over: members.join(" ") || "--" });
    } else {
      const member = groups.flatMap((x) => x.members).find((m) => m.name === i.name);
      const ok = present(i.name);
      rows.push({ ifname: i.name, class: "ip", state: ok ? "ok" : "failed", active: member ? (member.active ? "yes" : "no") : ok ? "yes" : "no", over: "--" });
    }
  }
  return rows;
}

/**
 * Bare `ipadm` (Solaris 11.4, evidence §8): interfaces by name, each followed by its address
 * objects indented three spaces; UNDER names the IPMP group a member is in.
 */
function bareIpadm(ctx: GuestContext): string {
  const widths = [18, 11, 13, 11];
  const interfaces = interfaceRows(ctx).sort((a, b) => a.ifname!.localeCompare(b.ifname!, "en", { numeric: true }));
  const addresses = addressRows(ctx);
  const lines = [row(["NAME", "CLASS/TYPE", "STATE", "UNDER", "ADDR"], widths).trimEnd()];
  for (const i of interfaces) {
    const group = ctx.guest.interfaces.find((x) => x.name === i.ifname)?.group;
    lines.push(row([i.ifname!, i.class!, i.state!, group ?? "--", "--"], widths));
    for (const a of addresses.filter((x) => x.addrobj!.split("/")[0] === i.ifname)) lines.push(row([`   ${a.addrobj}`, a.type!, a.state!, "--", a.addr!], widths));
  }
  return `${lines.join("\n")}\n`;
}

function showIf(ctx: GuestContext, args: readonly string[]): string {
  const o = options("ipadm", args, "p", "o");
  const known = ["ifname", "class", "state", "active", "over"];
  let rows = interfaceRows(ctx);
  if (o.operands.length) {
    rows = o.operands.map((n) => rows.find((r) => r.ifname === n) ?? (() => { throw new GuestFailure(`ipadm: cannot get information for interface ${n}: Interface does not exist`); })());
  }
  const fields = fieldList("ipadm", o, known);
  if (o.flags.has("p")) {
    if (!fields) throw new GuestFailure("ipadm: -p requires -o");
    return parseableRows(rows, fields);
  }
  const f = fields ?? known;
  return table(f.map((x) => x.toUpperCase()), [11, 9, 9, 7].slice(0, f.length - 1), rows, f);
}

function addressRows(ctx: GuestContext): Record<string, string>[] {
  const groups = ipmpGroups(ctx.guest.interfaces, ctx.links);
  const rows: Record<string, string>[] = [{ addrobj: "lo0/v4", type: "static", state: "ok", addr: "127.0.0.1/8" }];
  for (const i of ctx.guest.interfaces) {
    const usable = i.kind === "ipmp" ? groups.find((g) => g.name === i.name)?.state !== "failed" : ctx.links.some((l) => l.link === i.name && l.up);
    for (const a of i.addrs) rows.push({ addrobj: a.addrobj, type: "static", state: usable ? "ok" : "inaccessible", addr: a.addr });
  }
  return rows;
}

function showAddr(ctx: GuestContext, args: readonly string[]): string {
  const o = options("ipadm", args, "p", "o");
  const known = ["addrobj", "type", "state", "addr"];
  const rows = addressRows(ctx);
  const fields = fieldList("ipadm", o, known);
  if (o.flags.has("p")) {
    if (!fields) throw new GuestFailure("ipadm: -p requires -o");
    return parseableRows(rows, fields);
  }
  const f = fields ?? known;
  return table(f.map((x) => x.toUpperCase()), [18, 9, 13].slice(0, f.length - 1), rows, f);
}

function ipmpstat(ctx: GuestContext, args: readonly string[]): string {
  const o = options("ipmpstat", args, "gianPt", "o");
  const groups = ipmpGroups(ctx.guest.interfaces, ctx.links);
  const parseable = o.flags.has("P");
  let known: string[];
  let rows: Record<string, string>[];
  let header: string[];
  let widths: number[];
  if (o.flags.has("g")) {
    known = ["group", "groupname", "state", "fdt", "interfaces"];
    header = ["GROUP", "GROUPNAME", "STATE", "FDT", "INTERFACES"];
    widths = [12, 12, 10, 10]; // Solaris 11: GROUPNAME 12, STATE 24, FDT 34, INTERFACES 44 (evidence §7)
    rows = groups.map((g) => {
      const active = g.members.filter((m) => m.active).map((m) => m.name);
      const inactive = g.members.filter((m) => m.usable && !m.active).map((m) => `(${m.name})`);
      const failed = g.members.filter((m) => !m.usable).map((m) => `[${m.name}]`);
      return { group: g.name, groupname: g.name, state: g.state, fdt: parseable ? "" : "--", interfaces: [...active, ...inactive, ...failed].join(" ") };
    });
  } else if (o.flags.has("i")) {
    known = ["interface", "active", "group", "flags", "link", "probe", "state"];
    header = ["INTERFACE", "ACTIVE", "GROUP", "FLAGS", "LINK", "PROBE", "STATE"];
    widths = [12, 8, 12, 10, 10, 10]; // Solaris 11: ACTIVE 12, GROUP 20, FLAGS 32, LINK 42, PROBE 52, STATE 62 (evidence §7)
    // Newest first: the interface that joined its group last is listed first (evidence §7).
    rows = groups.flatMap((g) =>
      [...g.members].reverse().map((m) => ({ interface: m.name, active: m.active ? "yes" : "no", group: g.name, flags: m.flags, link: m.usable ? "up" : "down", probe: "disabled", state: m.usable ? "ok" : "failed" })),
    );
  } else if (o.flags.has("a")) {
    known = ["address", "state", "group", "inbound", "outbound"];
    header = ["ADDRESS", "STATE", "GROUP", "INBOUND", "OUTBOUND"];
    widths = [26, 7, 12, 12];
    rows = groups.flatMap((g) => {
      const active = g.members.filter((m) => m.active).map((m) => m.name);
      const inbound = g.members.find((m) => m.flags.includes("b"))?.name ?? active[0] ?? "";
      const addrs = ctx.guest.interfaces.find((i) => i.name === g.name)?.addrs ?? [];
      return addrs.map((a) => ({ address: a.addr.split("/")[0]!, state: active.length ? "up" : "down", group: g.name, inbound: inbound || "--", outbound: active.join(" ") || "--" }));
    });
  } else {
    throw new GuestFailure("ipmpstat: only -g, -i and -a are supported by the lab", 2);
  }
  const fields = fieldList("ipmpstat", o, known);
  if (parseable) {
    if (!fields) throw new GuestFailure("ipmpstat: output field list (-o) required in parseable (-P) mode", 2);
    return parseableRows(rows, fields);
  }
  const f = fields ?? known;
  const w = fields ? f.map((x) => widths[known.indexOf(x)] ?? 12).slice(0, f.length - 1) : widths;
  return table(fields ? f.map((x) => x.toUpperCase()) : header, w, rows, f);
}
