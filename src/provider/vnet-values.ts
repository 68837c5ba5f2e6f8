/**
 * Resource `ldoms_vnet` as values: its Terraform object read into typed fields, the checks that
 * need no host, the desired state the engine plans from, and the state a host's read gives.
 */
import { ValidationError } from "../model/errors";
import type { DesiredHostState, DesiredVnet, VnetProperty } from "../model";
import { SAFE_NAME_PATTERN, VNET_MTU_RANGE } from "../ldm/assumptions";
import { VNET_PROPERTIES } from "../ldm/properties";
import type { ObservedVnet } from "../engine";
import { attribute, containsUnknown, UNKNOWN, type TerraformValue, type Unknown } from "./dynamic-value";
import type { DiagnosticMessage } from "./diagnostics";
import { nameProblem, vlanAndMtuProblems } from "./config-checks";

/** The resource's fields; `UNKNOWN` where Terraform does not know the value yet. */
export interface VnetValues {
  readonly host: string | null | Unknown;
  readonly domain: string | null | Unknown;
  readonly name: string | null | Unknown;
  readonly vswitch: string | null | Unknown;
  readonly pvid: number | null | Unknown;
  readonly vid: readonly number[] | null | Unknown;
  readonly mtu: number | null | Unknown;
  readonly id: string | null | Unknown;
}

export const VNET_ATTRIBUTES = ["host", "domain", "name", "vswitch", "pvid", "vid", "mtu", "id"] as const;
export type VnetAttribute = (typeof VNET_ATTRIBUTES)[number];

export type KnownVnet = VnetValues & { host: string; domain: string; name: string; vswitch: string };

const text = (v: TerraformValue): string | null | Unknown => (v === null || v === UNKNOWN ? v : typeof v === "string" ? v : String(v));
const number = (v: TerraformValue): number | null | Unknown => (v === null || v === UNKNOWN ? v : typeof v === "number" ? v : Number(v));
function numbers(v: TerraformValue): readonly number[] | null | Unknown {
  if (v === null || v === UNKNOWN) return v;
  if (!Array.isArray(v)) return [Number(v)];
  return containsUnknown(v) ? UNKNOWN : (v as readonly TerraformValue[]).map((x) => Number(x));
}

export function vnetValues(value: TerraformValue): VnetValues {
  return {
    host: text(attribute(value, "host")),
    domain: text(attribute(value, "domain")),
    name: text(attribute(value, "name")),
    vswitch: text(attribute(value, "vswitch")),
    pvid: number(attribute(value, "pvid")),
    vid: numbers(attribute(value, "vid")),
    mtu: number(attribute(value, "mtu")),
    id: text(attribute(value, "id")),
  };
}

/** The Terraform object of the values (every attribute present, null when unset). */
export function vnetObject(values: VnetValues): TerraformValue {
  return Object.fromEntries(VNET_ATTRIBUTES.map((a) => [a, values[a] as TerraformValue]));
}

export const knownVnet = (v: VnetValues): v is KnownVnet =>
  typeof v.host === "string" && typeof v.domain === "string" && typeof v.name === "string" && typeof v.vswitch === "string";

/** `host/domain/name`; `domain/name` for a mobile domain's vnet (host null: it follows the domain). */
export const vnetId = (host: string | null, domain: string, name: string): string => (host === null ? `${domain}/${name}` : `${host}/${domain}/${name}`);

/**
 * `terraform import ldoms_vnet.X HOST/DOMAIN/VNET`: the host id, the domain and the vnet's
 * if-name; `DOMAIN/VNET` for a mobile domain's vnet (host null: found where the domain runs).
 */
export function parseVnetImportId(id: string): { host: string | null; domain: string; name: string } {
  const parts = id.split("/");
  if ((parts.length === 2 || parts.length === 3) && parts.every((p) => SAFE_NAME_PATTERN.test(p))) {
    const [domain, name] = parts.slice(-2) as [string, string];
    return { host: parts.length === 3 ? (parts[0] as string) : null, domain, name };
  }
  throw new ValidationError(
    `import id ${JSON.stringify(id)} is not HOST/DOMAIN/VNET (or DOMAIN/VNET for a mobile domain's vnet): give the host id of the plan document, the domain and the vnet's name, e.g. t7-a/ldg1/vnet0`,
  );
}

const listed = (vnet: ObservedVnet, property: VnetProperty): string | undefined => {
  const value = vnet.properties[VNET_PROPERTIES[property].listedAs];
  return value === undefined || value === "" ? undefined : value;
};

/** The vnet as a read of its host shows it; vid keeps `order`'s order when it holds the same ids; a mobile domain's vnet has the id `domain/name`. */
export function vnetStateFromObserved(host: string, domain: string, vnet: ObservedVnet, order?: readonly number[] | null | Unknown, mobile = false): VnetValues {
  const vids = (listed(vnet, "vid") ?? "").split(",").map((s) => s.trim()).filter(Boolean).map(Number);
  const sorted = (list: readonly number[]) => [...list].sort((a, b) => a - b).join(",");
  const sameSet = Array.isArray(order) && order.length === vids.length && sorted(order) === sorted(vids);
  const optionalNumber = (property: VnetProperty) => {
    const value = listed(vnet, property);
    return value === undefined ? null : Number(value);
  };
  return {
    host,
    domain,
    name: vnet.ifName,
    vswitch: vnet.vswitch,
    pvid: optionalNumber("pvid"),
    vid: sameSet ? (order as readonly number[]) : vids,
    mtu: optionalNumber("mtu"),
    id: vnetId(mobile ? null : host, domain, vnet.ifName),
  };
}

/** The `ldm` values of the properties the configuration sets (unset ones are not managed). */
export function vnetProperties(config: VnetValues): Partial<Record<VnetProperty, string>> {
  const properties: Partial<Record<VnetProperty, string>> = {};
  if (typeof config.pvid === "number") properties.pvid = String(config.pvid);
  if (Array.isArray(config.vid) && config.vid.length) properties.vid = config.vid.join(",");
  if (typeof config.mtu === "number") properties.mtu = String(config.mtu);
  return properties;
}

/** The desired state of a host holding just this vnet of its domain: the engine's steps are built from it. */
export function oneVnetDesiredState(config: KnownVnet): DesiredHostState {
  const vnet: DesiredVnet = { ifName: config.name, vswitch: config.vswitch, properties: vnetProperties(config) };
  return { vswitches: [], domains: [{ name: config.domain, vfs: [], vnets: [vnet], ipmpGroups: [], otherVfs: [] }], unassignedVfs: [] };
}

export function validateVnetConfig(config: VnetValues): DiagnosticMessage[] {
  const problems = [
    ...nameProblem("host", config.host, "the id of a host of the plan document (a ControlDomain's id)"),
    ...nameProblem("domain", config.domain, "the name of the domain the vnet belongs to"),
    ...nameProblem("name", config.name, "the vnet's name (its if-name in the domain), e.g. vnet0"),
    ...nameProblem("vswitch", config.vswitch, "the name of a virtual switch of the host, e.g. primary-vsw0"),
  ];
  problems.push(...vlanAndMtuProblems(config, VNET_MTU_RANGE, "the vnet's"));
  return problems;
}
