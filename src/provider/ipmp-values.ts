/**
 * Resource `ldoms_ipmp` as values: its Terraform object read into typed fields, the checks that
 * need nothing but the configuration, and its import id.
 */
import { ValidationError } from "../model/errors";
import type { DesiredIpmpGroup } from "../model";
import { SAFE_NAME_PATTERN } from "../ldm/assumptions";
import { attribute, UNKNOWN, type TerraformValue, type Unknown } from "./dynamic-value";
import type { DiagnosticMessage } from "./diagnostics";
import { nameProblem } from "./config-checks";

/** The resource's fields; `UNKNOWN` where Terraform does not know the value yet. */
export interface IpmpValues {
  readonly domain: string | null | Unknown;
  readonly name: string | null | Unknown;
  readonly active_vf: string | null | Unknown;
  readonly standby_vnet: string | null | Unknown;
  readonly host: string | null | Unknown;
  readonly verified: boolean | null | Unknown;
  readonly id: string | null | Unknown;
}

export const IPMP_ATTRIBUTES = ["domain", "name", "active_vf", "standby_vnet", "host", "verified", "id"] as const;
export type IpmpAttribute = (typeof IPMP_ATTRIBUTES)[number];

/** Values whose identity and pairing are known (what a guest can be read or configured with). */
export type KnownIpmp = IpmpValues & { domain: string; name: string; active_vf: string; standby_vnet: string };

const text = (v: TerraformValue): string | null | Unknown => (v === null || v === UNKNOWN ? v : typeof v === "string" ? v : String(v));
const flag = (v: TerraformValue): boolean | null | Unknown => (v === null || v === UNKNOWN ? v : v === true);

export function ipmpValues(value: TerraformValue): IpmpValues {
  return {
    domain: text(attribute(value, "domain")),
    name: text(attribute(value, "name")),
    active_vf: text(attribute(value, "active_vf")),
    standby_vnet: text(attribute(value, "standby_vnet")),
    host: text(attribute(value, "host")),
    verified: flag(attribute(value, "verified")),
    id: text(attribute(value, "id")),
  };
}

/** The Terraform object of the values (every attribute present, null when unset). */
export function ipmpObject(values: IpmpValues): TerraformValue {
  return Object.fromEntries(IPMP_ATTRIBUTES.map((a) => [a, values[a] as TerraformValue]));
}

export const knownIpmp = (v: IpmpValues): v is KnownIpmp =>
  typeof v.domain === "string" && typeof v.name === "string" && typeof v.active_vf === "string" && typeof v.standby_vnet === "string";

export const ipmpId = (domain: string, name: string): string => `${domain}/${name}`;

/** The group as the engine's guest convergence takes it. */
export const desiredGroup = (v: KnownIpmp): DesiredIpmpGroup => ({ name: v.name, activeVf: v.active_vf, standbyVnet: v.standby_vnet });

/** `terraform import ldoms_ipmp.X DOMAIN/NAME`: the guest domain and the IPMP group's name. */
export function parseIpmpImportId(id: string): { domain: string; name: string } {
  const parts = id.split("/");
  const [domain = "", name = ""] = parts;
  if (parts.length !== 2 || ![domain, name].every((p) => SAFE_NAME_PATTERN.test(p))) {
    throw new ValidationError(`import id ${JSON.stringify(id)} is not DOMAIN/NAME: give the guest domain and the IPMP group's name, e.g. ldg1/ipmp0`);
  }
  return { domain, name };
}

export function validateIpmpConfig(config: IpmpValues): DiagnosticMessage[] {
  return [
    ...nameProblem("domain", config.domain, "the name of the guest domain the IPMP group is in"),
    ...nameProblem("name", config.name, "the IPMP group's name (its IPMP interface in the guest), e.g. ipmp0"),
    ...nameProblem("active_vf", config.active_vf, "the user-assigned name of the domain's Ethernet VF, e.g. ldg1-app"),
    ...nameProblem("standby_vnet", config.standby_vnet, "the name of the domain's vnet, e.g. vnet0"),
  ];
}
