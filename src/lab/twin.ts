/**
 * `ldoms lab twin --from BUNDLE`: a lab definition that reproduces the machine a doctor bundle
 * captured (buses, slots, PFs with maxvfs, VFs with names, assignments and properties, domains
 * and states, vnets, vdisks, virtual switches, disk services), read from the parseable listings
 * with the src/ldm parsers. An admin rehearses plan, apply and migrate on it
 * (`ldoms lab up --config lab.json`).
 *
 * The bundle is checked before it is used: its manifest (format, format version, the tool
 * version that wrote it) and, for each file read, its size, line count and SHA-256, so a
 * truncated or edited bundle is refused naming the file (and the line, where one can be named).
 * The manifest format is the one src/engine/doctor/bundle.ts writes (the lab may not import the
 * engine; a test holds the two equal).
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CONTROL_DOMAIN_NAME } from "../ldm/assumptions";
import { LdmParseError } from "../ldm/parse-error";
import { parseListDomains, type LdmDomain } from "../ldm/parse-list-domains";
import { parseListIo, type ListIoDevice } from "../ldm/parse-list-io";
import { parseListServices, type LdmServiceListing } from "../ldm/parse-list-services";
import { ValidationError } from "../model/errors";
import { PACKAGE_NAME, packageVersion } from "../model/package-files";
import { loadLabDefinition, parseMemorySize } from "./definition";
import { LAB_DEFAULT_CAPACITY } from "./ldm/capacity";
import type { BusDocument, DomainDocument, LabDocument, MachineDocument, PfDocument, SlotDocument, VfDocument, VswitchDocument, VdsDocument } from "./definition";

export const TWIN_BUNDLE_FORMAT = "ldoms-doctor-bundle";
export const TWIN_BUNDLE_FORMAT_VERSION = 1;

interface FileEntry {
  readonly file: string;
  readonly bytes: number;
  readonly lines: number;
  readonly sha256: string;
}

interface ManifestCommand {
  readonly id: string;
  readonly argv: readonly string[];
  readonly exitStatus: number | null;
  readonly stdout: FileEntry;
  readonly stderr: FileEntry;
}

interface Manifest {
  readonly format: string;
  readonly formatVersion: number;
  readonly tool: { readonly name: string; readonly version: string };
  readonly host: string;
  readonly guest?: string;
  readonly ldmVersion: string | null;
  readonly commands: readonly ManifestCommand[];
}

/** A bundle that cannot be used: the message names the file (and line) and what to do. */
export class BundleError extends ValidationError {}

/** The three listings a twin is built from, by doctor command id. */
const NEEDED = { io: "list-io-l-p", domains: "list-l-p", services: "list-services-p" } as const;

function lineAt(text: string, offset: number): number {
  return text.slice(0, offset).split("\n").length;
}

function readManifest(dir: string): Manifest {
  const path = join(dir, "manifest.json");
  if (!existsSync(dir)) throw new BundleError(`${dir} does not exist: give --from the folder ldoms doctor wrote`);
  if (!existsSync(path)) {
    throw new BundleError(`${path} is missing: ${dir} is not a complete doctor bundle (an interrupted doctor run leaves no manifest); run ldoms doctor again`);
  }
  const text = readFileSync(path, "utf8");
  let json: Manifest;
  try {
    json = JSON.parse(text) as Manifest;
  } catch (error) {
    const at = /position (\d+)/.exec((error as Error).message);
    const line = at ? lineAt(text, Number(at[1])) : text.split("\n").length;
    throw new BundleError(`${path} line ${line}: not valid JSON (${(error as Error).message}); the manifest was truncated or edited: run ldoms doctor again`);
  }
  if (json === null || typeof json !== "object" || json.format !== TWIN_BUNDLE_FORMAT) {
    throw new BundleError(`${path}: not a doctor bundle manifest (format is ${JSON.stringify((json as { format?: unknown } | null)?.format)}, expected "${TWIN_BUNDLE_FORMAT}")`);
  }
  if (json.formatVersion !== TWIN_BUNDLE_FORMAT_VERSION) {
    throw new BundleError(`${path}: bundle format version ${JSON.stringify(json.formatVersion)}; this ldoms reads version ${TWIN_BUNDLE_FORMAT_VERSION}: capture again with this version's ldoms doctor`);
  }
  const version = packageVersion();
  if (json.tool?.name !== PACKAGE_NAME || json.tool.version !== version) {
    throw new BundleError(
      `${path}: captured by ${json.tool?.name ?? "an unknown tool"} ${json.tool?.version ?? ""}, this is ${PACKAGE_NAME} ${version}: run ldoms doctor again with this version (or twin the bundle with the version that wrote it)`,
    );
  }
  if (typeof json.host !== "string" || !Array.isArray(json.commands)) throw new BundleError(`${path}: the manifest has no host or no commands; it was edited: run ldoms doctor again`);
  return json;
}

/** The stdout of a captured command, checked against the manifest's size, line count and hash. */
function capturedStdout(dir: string, manifest: Manifest, id: string): { text: string; path: string } {
  const command = manifest.commands.find((c) => c.id === id);
  if (!command) throw new BundleError(`${join(dir, "manifest.json")}: the bundle has no \`ldm ${id}\` capture; run ldoms doctor again`);
  const path = join(dir, command.stdout.file);
  if (command.exitStatus !== 0) {
    const stderr = existsSync(join(dir, command.stderr.file)) ? readFileSync(join(dir, command.stderr.file), "utf8").trim().split("\n")[0] : "";
    throw new BundleError(`${path}: \`${command.argv.join(" ")}\` exited ${command.exitStatus ?? "without a status"} when captured${stderr ? ` (${stderr})` : ""}; a twin needs it: fix what doctor reported and capture again`);
  }
  if (!existsSync(path)) throw new BundleError(`${path} is missing from the bundle; run ldoms doctor again`);
  const text = readFileSync(path, "utf8");
  const lines = text === "" ? 0 : text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
  const sha = createHash("sha256").update(text).digest("hex");
  if (sha !== command.stdout.sha256) {
    const all = text.split("\n");
    const last = text.endsWith("\n") ? all.length - 1 : all.length;
    const why =
      lines < command.stdout.lines || Buffer.byteLength(text) < command.stdout.bytes
        ? `truncated: ${lines} line(s), the capture had ${command.stdout.lines}; it ends at line ${last}: ${JSON.stringify(all[last - 1] ?? "")}`
        : `edited after the capture (${lines} line(s), the capture had ${command.stdout.lines}; its SHA-256 differs from the manifest's)`;
    throw new BundleError(`${path}: ${why}; a twin is made from the bundle as captured: run ldoms doctor again (edit the lab definition the twin writes instead)`);
  }
  return { text, path };
}

function parsed<T>(path: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof LdmParseError)) throw error;
    throw new BundleError(`${path}${error.lineNumber !== undefined ? ` line ${error.lineNumber}` : ""}: ${error.reason}${error.line !== undefined ? ` (line: ${JSON.stringify(error.line)})` : ""}`);
  }
}

export interface Twin {
  readonly document: LabDocument;
  /** What the captured machine has that the lab cannot reproduce (printed as warnings). */
  readonly notes: readonly string[];
}

/**
 * One lab definition for several bundles (one machine each, e.g. a migration's source and
 * target), validated as a whole; two bundles of one machine are refused.
 */
export function twinFromBundles(dirs: readonly string[]): Twin {
  if (!dirs.length) throw new BundleError("no bundle given: pass --from with the folder ldoms doctor wrote (repeat it for several machines)");
  const twins = dirs.map((dir) => ({ dir, twin: twinFromBundle(dir) }));
  if (twins.length === 1) return twins[0]!.twin;
  const seen = new Map<string, string>();
  for (const { dir, twin } of twins) {
    const name = twin.document.machines[0]!.name;
    const earlier = seen.get(name);
    if (earlier !== undefined) throw new BundleError(`${earlier} and ${dir} both capture machine ${name}: give each machine once`);
    seen.set(name, dir);
  }
  const versions = [...new Set(twins.map(({ twin }) => twin.document.options?.ldmVersion).filter((v): v is string => v !== undefined))];
  const notes = twins.flatMap(({ twin }) => twin.notes.map((n) => `${twin.document.machines[0]!.name}: ${n}`));
  if (versions.length > 1) notes.push(`the machines run different ldm versions (${versions.join(", ")}); the lab prints ${versions[0]} on all of them`);
  const document: LabDocument = {
    description: `Twin of ${twins.map(({ twin }) => twin.document.machines[0]!.name).join(", ")}, made by ldoms lab twin from doctor bundles`,
    ...(versions.length ? { options: { ldmVersion: versions[0]! } } : {}),
    machines: twins.map(({ twin }) => twin.document.machines[0]!),
  };
  loadLabDefinition(JSON.parse(JSON.stringify(document)), `twin of ${dirs.join(", ")}`);
  return { document, notes };
}

/** Reads a doctor bundle and returns the lab definition of its machine (validated). */
export function twinFromBundle(dir: string): Twin {
  const manifest = readManifest(dir);
  const io = capturedStdout(dir, manifest, NEEDED.io);
  const dom = capturedStdout(dir, manifest, NEEDED.domains);
  const svc = capturedStdout(dir, manifest, NEEDED.services);
  const devices = parsed(io.path, () => parseListIo(io.text));
  const domains = parsed(dom.path, () => parseListDomains(dom.text)).domains;
  const services = parsed(svc.path, () => parseListServices(svc.text));
  const notes: string[] = [];
  const domainDocuments = domains.map((d) => domainDocument(d, manifest.guest, notes));
  const machine: MachineDocument = {
    name: manifest.host,
    ...twinCapacity(domainDocuments, notes),
    ...machineIo(devices, io.path, notes),
    domains: domainDocuments,
    ...machineServices(services, notes),
  };
  if (!domains.some((d) => d.name === CONTROL_DOMAIN_NAME)) throw new BundleError(`${dom.path}: no DOMAIN record named ${CONTROL_DOMAIN_NAME}; a lab machine needs its control domain`);
  const document: LabDocument = {
    description: `Twin of ${manifest.host}, made by ldoms lab twin from a doctor bundle (ldm ${manifest.ldmVersion ?? "unknown"})`,
    ...(manifest.ldmVersion ? { options: { ldmVersion: manifest.ldmVersion } } : {}),
    machines: [machine],
  };
  loadLabDefinition(JSON.parse(JSON.stringify(document)), `twin of ${dir}`);
  return { document, notes };
}

/**
 * A machine whose domains hold more than the lab's default capacity gets a capacity of what they
 * hold (nothing free), so its twin loads; the bundle does not say how big the machine is.
 */
function twinCapacity(domains: readonly DomainDocument[], notes: string[]): Pick<MachineDocument, "capacity"> {
  // The schema's defaults for a domain that does not list its size (8 vCPUs, 8G).
  const held = domains.filter((d) => d.state !== "inactive");
  const vcpus = held.reduce((n, d) => n + (d.ncpu ?? 8), 0);
  const memory = held.reduce((n, d) => n + (typeof d.memory === "number" ? d.memory : (parseMemorySize(d.memory ?? "8G") ?? 0)), 0);
  if (vcpus <= LAB_DEFAULT_CAPACITY.vcpus && memory <= LAB_DEFAULT_CAPACITY.memoryBytes) return {};
  const capacity = { vcpus: Math.max(vcpus, LAB_DEFAULT_CAPACITY.vcpus), memory: Math.max(memory, LAB_DEFAULT_CAPACITY.memoryBytes) };
  notes.push(`capacity: the domains hold ${vcpus} vCPUs and ${memory} bytes, more than the lab's default machine; the twin gets ${capacity.vcpus} vCPUs and ${capacity.memory} bytes, so little or nothing shows free: set "capacity" to the machine's real size`);
  return { capacity };
}

function text(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

function numberOf(value: string | undefined): number | undefined {
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

function vlanList(value: string | undefined): number[] {
  return (value ?? "").split(",").filter((v) => /^\d+$/.test(v)).map(Number);
}

type MachineIo = Pick<MachineDocument, "buses" | "slots" | "pfs">;

function machineIo(devices: readonly ListIoDevice[], path: string, notes: string[]): MachineIo {
  const buses: BusDocument[] = [];
  const slots: SlotDocument[] = [];
  const pfs: PfDocument[] = [];
  for (const d of devices) {
    if (d.type === "BUS") buses.push({ name: d.bus, ...(d.name !== d.bus ? { alias: d.name } : {}), dev: d.dev ?? d.bus, iov: d.status === "IOV", domain: d.domain ?? "" });
    else if (d.type === "PCIE") {
      const status = d.status === "OCC" || d.status === "EMP" || d.status === "UNK" ? d.status : undefined;
      if (status === undefined) notes.push(`slot ${d.name}: status ${d.status ?? "(blank)"} shows as OCC in the lab`);
      slots.push({ alias: d.name, bus: d.bus, dev: d.dev ?? d.name, ...(status ? { status } : {}) });
    } else if (d.type === "PF") pfs.push(pfDocument(d, devices, path, notes));
    else if (d.type !== "VF") notes.push(`${d.type} device ${d.name} is not modelled by the lab (left out)`);
  }
  return { buses, slots, pfs };
}

function pfDocument(pf: ListIoDevice, devices: readonly ListIoDevice[], path: string, notes: string[]): PfDocument {
  const maxvfs = numberOf(pf.properties.maxvfs);
  if (maxvfs === undefined) throw new BundleError(`${path}: PF ${pf.name} has no maxvfs= value; a lab PF needs it`);
  const prefix = `${pf.name}.VF`;
  const vfs = devices
    .filter((d) => d.type === "VF" && d.name.startsWith(prefix) && /^\d+$/.test(d.name.slice(prefix.length)))
    .map((d) => ({ index: Number(d.name.slice(prefix.length)), device: d }))
    .sort((a, b) => a.index - b.index);
  vfs.forEach((v, i) => {
    if (v.index !== i) throw new BundleError(`${path}: ${pf.name} has ${v.device.name} but no ${prefix}${i}; the lab numbers VFs from 0 without gaps, as ldm does`);
  });
  return {
    alias: pf.name,
    ...(pf.class === "NETWORK" || pf.class === "FIBRECHANNEL" || pf.class === "INFINIBAND" ? { class: pf.class } : {}),
    bus: pf.bus,
    ...(pf.dev ? { dev: pf.dev } : {}),
    maxvfs,
    vfs: vfs.map((v) => vfDocument(v.device, pf.class, notes)),
  };
}

function vfDocument(vf: ListIoDevice, cls: string | undefined, notes: string[]): VfDocument {
  const p = vf.properties;
  const base = { ...(vf.vfName ? { name: vf.vfName } : {}), ...(vf.domain ? { domain: vf.domain } : {}) };
  if (cls === "FIBRECHANNEL") {
    const bw = numberOf(p["bw-percent"]);
    return { ...base, ...(text(p["port-wwn"]) ? { portWwn: p["port-wwn"] } : {}), ...(text(p["node-wwn"]) ? { nodeWwn: p["node-wwn"] } : {}), ...(bw !== undefined ? { bwPercent: bw } : {}) };
  }
  if (cls !== "NETWORK") return base;
  if (text(p["alt-mac-addrs"])) notes.push(`VF ${vf.name}: alt-mac-addrs=${p["alt-mac-addrs"]} is not reproduced (a lab definition cannot preset it)`);
  const pvid = numberOf(p.pvid);
  const mtu = numberOf(p.mtu);
  const vid = vlanList(p.vid);
  return { ...base, ...(text(p["mac-addr"]) ? { mac: p["mac-addr"] } : {}), ...(pvid !== undefined ? { pvid } : {}), ...(vid.length ? { vid } : {}), ...(mtu !== undefined ? { mtu } : {}) };
}

function domainDocument(d: LdmDomain, guest: string | undefined, notes: string[]): DomainDocument {
  const state = d.state === "active" || d.state === "bound" || d.state === "inactive" ? d.state : undefined;
  if (state === undefined) notes.push(`domain ${d.name}: state ${d.state ?? "(blank)"} shows as active in the lab`);
  const consolePort = numberOf(d.cons);
  return {
    name: d.name,
    ...(state ? { state } : {}),
    ...(d.ncpu !== undefined ? { ncpu: d.ncpu } : {}),
    ...(d.mem !== undefined ? { memory: d.mem } : {}),
    ...(consolePort !== undefined && d.name !== CONTROL_DOMAIN_NAME ? { console: consolePort } : {}),
    ...(guest !== undefined && d.name === guest ? { guestModel: true } : {}),
    vnets: d.vnets.map((v) => ({
      name: v.name,
      vswitch: v.vswitch ?? "",
      ...(v.macAddr ? { mac: v.macAddr } : {}),
      ...(v.pvid !== undefined ? { pvid: v.pvid } : {}),
      ...(v.vids.length ? { vid: v.vids } : {}),
      ...(v.mtu !== undefined ? { mtu: v.mtu } : {}),
      ...(numberOf(v.id) !== undefined ? { id: numberOf(v.id)! } : {}),
    })),
    vdisks: d.records.filter((r) => r.type === "VDISK").map((r) => ({ name: r.fields.name ?? "", volume: r.fields.vol ?? "" })),
  };
}

function machineServices(services: LdmServiceListing, notes: string[]): Pick<MachineDocument, "vswitches" | "vdiskServices"> {
  const vswitches: VswitchDocument[] = services.vsws.map((s) => {
    if (s.macAddr) notes.push(`virtual switch ${s.name}: mac-addr=${s.macAddr} is not reproduced (the lab assigns one)`);
    return {
      name: s.name,
      ...(s.domain ? { domain: s.domain } : {}),
      ...(s.netDev ? { netDev: s.netDev } : {}),
      ...(s.pvid !== undefined ? { pvid: s.pvid } : {}),
      ...(s.vids.length ? { vid: s.vids } : {}),
      ...(s.mtu !== undefined ? { mtu: s.mtu } : {}),
    };
  });
  const vdiskServices: VdsDocument[] = services.vdss.map((s) => ({
    name: s.name,
    ...(s.domain ? { domain: s.domain } : {}),
    volumes: s.volumes.map((v) => ({ name: v.name, dev: v.dev ?? "" })),
  }));
  return { vswitches, vdiskServices };
}
