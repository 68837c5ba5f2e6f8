/**
 * Resource `ldoms_vf` as values: its Terraform object read into typed fields, the checks that
 * need no host, the desired state the engine plans from, and the state a host's read gives.
 */
import { ValidationError } from "../model/errors";
import type { DesiredHostState, DesiredVf, VfProperty } from "../model";
import { SAFE_NAME_PATTERN, VF_MTU_RANGE } from "../ldm/assumptions";
import { MAC_ADDRESS, normalizeMac, sameLdmValue } from "../ldm/syntax";
import type { ObservedVf } from "../engine";
import { attribute, containsUnknown, UNKNOWN, type TerraformValue, type Unknown } from "./dynamic-value";
import type { DiagnosticMessage } from "./diagnostics";
import { macProblems, nameProblem, vlanAndMtuProblems } from "./config-checks";

/** The resource's fields; `UNKNOWN` where Terraform does not know the value yet. */
export interface VfValues {
  readonly host: string | null | Unknown;
  readonly name: string | null | Unknown;
  readonly pf: string | null | Unknown;
  readonly domain: string | null | Unknown;
  readonly pvid: number | null | Unknown;
  readonly vid: readonly number[] | null | Unknown;
  readonly mtu: number | null | Unknown;
  /** `mac-addr`; null when the host shows none. */
  readonly mac_addr: string | null | Unknown;
  /** `alt-mac-addrs`. */
  readonly alt_mac_addrs: readonly string[] | null | Unknown;
  readonly pseudonym: string | null | Unknown;
  readonly id: string | null | Unknown;
}

export const VF_ATTRIBUTES = ["host", "name", "pf", "domain", "pvid", "vid", "mtu", "mac_addr", "alt_mac_addrs", "pseudonym", "id"] as const;
export type VfAttribute = (typeof VF_ATTRIBUTES)[number];

const text = (v: TerraformValue): string | null | Unknown => (v === null || v === UNKNOWN ? v : typeof v === "string" ? v : String(v));
const number = (v: TerraformValue): number | null | Unknown => (v === null || v === UNKNOWN ? v : typeof v === "number" ? v : Number(v));
function numbers(v: TerraformValue): readonly number[] | null | Unknown {
  if (v === null || v === UNKNOWN) return v;
  if (!Array.isArray(v)) return [Number(v)];
  return containsUnknown(v) ? UNKNOWN : (v as readonly TerraformValue[]).map((x) => Number(x));
}
function texts(v: TerraformValue): readonly string[] | null | Unknown {
  if (v === null || v === UNKNOWN) return v;
  if (!Array.isArray(v)) return [String(v)];
  return containsUnknown(v) ? UNKNOWN : (v as readonly TerraformValue[]).map((x) => String(x));
}

export function vfValues(value: TerraformValue): VfValues {
  return {
    host: text(attribute(value, "host")),
    name: text(attribute(value, "name")),
    pf: text(attribute(value, "pf")),
    domain: text(attribute(value, "domain")),
    pvid: number(attribute(value, "pvid")),
    vid: numbers(attribute(value, "vid")),
    mtu: number(attribute(value, "mtu")),
    mac_addr: text(attribute(value, "mac_addr")),
    alt_mac_addrs: texts(attribute(value, "alt_mac_addrs")),
    pseudonym: text(attribute(value, "pseudonym")),
    id: text(attribute(value, "id")),
  };
}

/** The Terraform object of the values (every attribute present, null when unset). */
export function vfObject(values: VfValues): TerraformValue {
  return Object.fromEntries(VF_ATTRIBUTES.map((a) => [a, values[a] as TerraformValue]));
}

export const vfId = (host: string, name: string): string => `${host}/${name}`;

/** `terraform import ldoms_vf.X HOST/NAME`: the host id and the VF's user-assigned name. */
export function parseImportId(id: string): { host: string; name: string } {
  const parts = id.split("/");
  const [host = "", name = ""] = parts;
  if (parts.length !== 2 || !SAFE_NAME_PATTERN.test(host) || !SAFE_NAME_PATTERN.test(name)) {
    throw new ValidationError(`import id ${JSON.stringify(id)} is not HOST/NAME: give the host id of the plan document and the VF's user-assigned name, e.g. t7-a/ldg1-app`);
  }
  return { host, name };
}

/** The spelling to show for the host's MAC list: `written`'s when it is the same set (ldm prints canonical lower-case). */
function macList(listed: string | undefined, written: readonly string[] | null | Unknown | undefined): readonly string[] {
  const macs = (listed ?? "").split(",").map((m) => m.trim()).filter(Boolean);
  const canonical = (list: readonly string[]) => list.map((m) => (MAC_ADDRESS.test(m) ? normalizeMac(m) : m)).sort().join(",");
  return Array.isArray(written) && canonical(written) === canonical(macs) ? written : macs;
}

/** What the state showed or the configuration wrote: its vid order and MAC spelling are kept while the host holds the same values. */
export type Written = Partial<Pick<VfValues, "vid" | "mac_addr" | "alt_mac_addrs">>;

/** The VF as a read of its host shows it, in `written`'s order and spelling where the values are the same. */
export function vfStateFromObserved(host: string, vf: ObservedVf, written: Written = {}): VfValues {
  const order = written.vid;
  const mac = vf.properties["mac-addr"] || null;
  const listed = (vf.properties["vid"] ?? "").split(",").map((s) => s.trim()).filter(Boolean).map(Number);
  const sameSet = Array.isArray(order) && order.length === listed.length && [...order].sort((a, b) => a - b).join(",") === [...listed].sort((a, b) => a - b).join(",");
  const optionalNumber = (key: string) => (vf.properties[key] ? Number(vf.properties[key]) : null);
  return {
    host,
    name: vf.name ?? null,
    pf: vf.pf,
    domain: vf.domain ?? null,
    pvid: optionalNumber("pvid"),
    vid: sameSet ? (order as readonly number[]) : listed,
    mtu: optionalNumber("mtu"),
    mac_addr: mac !== null && typeof written.mac_addr === "string" && sameLdmValue(mac, written.mac_addr) ? written.mac_addr : mac,
    alt_mac_addrs: macList(vf.properties["alt-mac-addrs"], written.alt_mac_addrs),
    pseudonym: vf.alias,
    id: vfId(host, vf.name ?? ""),
  };
}

/** The `ldm` values of the properties the configuration sets (unset ones are not managed). */
export function vfProperties(config: VfValues): Partial<Record<VfProperty, string>> {
  const properties: Partial<Record<VfProperty, string>> = {};
  if (typeof config.pvid === "number") properties.pvid = String(config.pvid);
  if (Array.isArray(config.vid) && config.vid.length) properties.vid = config.vid.join(",");
  if (typeof config.mtu === "number") properties.mtu = String(config.mtu);
  if (typeof config.mac_addr === "string") properties["mac-addr"] = normalizeMac(config.mac_addr);
  if (Array.isArray(config.alt_mac_addrs) && config.alt_mac_addrs.length) properties["alt-mac-addrs"] = config.alt_mac_addrs.map(normalizeMac).join(",");
  return properties;
}

/** The desired state of a host holding just this VF: the engine's steps are built from it. */
export function oneVfDesiredState(config: VfValues & { host: string; name: string; pf: string }): DesiredHostState {
  const domain = typeof config.domain === "string" ? config.domain : undefined;
  const vf: DesiredVf = { name: config.name, pf: config.pf, properties: vfProperties(config), ...(domain !== undefined ? { domain } : {}) };
  return {
    vswitches: [],
    domains: domain !== undefined ? [{ name: domain, vfs: [vf], vnets: [], ipmpGroups: [], otherVfs: [] }] : [],
    unassignedVfs: domain !== undefined ? [] : [vf],
  };
}

export function validateVfConfig(config: VfValues): DiagnosticMessage[] {
  const problems = [
    ...nameProblem("host", config.host, "the id of a host of the plan document (a ControlDomain's id)"),
    ...nameProblem("name", config.name, "the VF's user-assigned name"),
    ...nameProblem("pf", config.pf, "the pseudonym of an Ethernet PF, e.g. /SYS/MB/NET0/IOVNET.PF0"),
    ...nameProblem("domain", config.domain, "a domain name, or leave domain out for an unassigned VF"),
  ];
  problems.push(...vlanAndMtuProblems(config, VF_MTU_RANGE, "the host's"), ...macProblems(config));
  return problems;
}
