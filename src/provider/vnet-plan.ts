/**
 * PlanResourceChange of `ldoms_vnet` without the host: the planned state, which attribute
 * changes replace the vnet, and the changes refused whatever the host shows (removing a vnet,
 * replacing it). What the host decides (a missing domain or switch, a property `ldm` changes
 * only while the domain is stopped) is checked against a read in vnet-resource.ts.
 */
import type { PlanDocument } from "../model";
import { VNET_REPLACING_ATTRIBUTES } from "./schema";
import { UNKNOWN } from "./dynamic-value";
import { errorDiagnostic, type DiagnosticMessage } from "./diagnostics";
import { vnetId, type VnetAttribute, type VnetValues } from "./vnet-values";

export interface VnetPlan {
  /** Absent for a destroy (which is refused) and when a diagnostic refuses the change. */
  readonly planned?: VnetValues;
  readonly requiresReplace: readonly VnetAttribute[];
  readonly diagnostics: readonly DiagnosticMessage[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const label = (v: VnetValues) =>
  typeof v.host === "string" && typeof v.domain === "string" && typeof v.name === "string" ? `vnet "${v.name}" of domain ${v.domain} on ${v.host}` : "this vnet";

const KEEP_IT = "To stop managing it and leave it on the host: a `removed` block with `lifecycle { destroy = false }` (Terraform 1.7 or later), or `terraform state rm`.";

/**
 * Why the provider does not remove vnets: its steps only add and set (nothing the configuration
 * stops naming is removed), and taking a vnet away cuts the guest's link on it.
 */
export function vnetDestroyRefusal(prior: VnetValues): DiagnosticMessage {
  const name = typeof prior.name === "string" ? prior.name : "VNET";
  const domain = typeof prior.domain === "string" ? prior.domain : "DOMAIN";
  return errorDiagnostic(
    [
      `${label(prior)} would be destroyed: the ldoms provider does not remove vnets`,
      "Its steps only add and set vnets, as ldoms apply does (nothing is removed without an explicit command), and removing a vnet cuts the guest's link on it (the standby path of an IPMP group).",
      KEEP_IT,
      `To remove it: unplumb it in the guest, then ldm remove-vnet ${name} ${domain} on ${typeof prior.host === "string" ? prior.host : "the host"}, then terraform state rm.`,
    ].join("\n"),
  );
}

function replaceRefusal(prior: VnetValues, attributes: readonly VnetAttribute[]): DiagnosticMessage {
  const [first] = attributes;
  return errorDiagnostic(
    [
      `changing ${attributes.join(", ")} of ${label(prior)} replaces the vnet, and the ldoms provider does not remove vnets`,
      `A vnet's host, domain and name are its identity. Keep ${attributes.length > 1 ? "them" : "it"} as ${attributes.map((a) => `${a} = ${JSON.stringify(prior[a])}`).join(", ")}; or declare the new vnet as another resource and stop managing this one.`,
      KEEP_IT,
    ].join("\n"),
    first,
  );
}

/** The planned state of a new vnet: what the configuration says, the rest known after apply. */
function plannedCreate(proposed: VnetValues): VnetValues {
  const known = typeof proposed.host === "string" && typeof proposed.domain === "string" && typeof proposed.name === "string";
  return {
    ...proposed,
    pvid: proposed.pvid ?? UNKNOWN,
    vid: proposed.vid ?? UNKNOWN,
    mtu: proposed.mtu ?? UNKNOWN,
    id: known ? vnetId(proposed.host as string, proposed.domain as string, proposed.name as string) : UNKNOWN,
  };
}

/**
 * The plan of one change: `prior` null creates, `proposed` null destroys. Terraform's proposed
 * state already carries the prior values of unset optional-computed attributes (not managed).
 */
export function planVnetChange(prior: VnetValues | null, proposed: VnetValues | null): VnetPlan {
  if (proposed === null) return { requiresReplace: [], diagnostics: prior ? [vnetDestroyRefusal(prior)] : [] };
  if (prior === null) return { planned: plannedCreate(proposed), requiresReplace: [], diagnostics: [] };
  const requiresReplace = VNET_REPLACING_ATTRIBUTES.filter((a) => proposed[a] === UNKNOWN || !same(prior[a], proposed[a]));
  if (requiresReplace.length) return { requiresReplace, diagnostics: [replaceRefusal(prior, requiresReplace)] };
  return { planned: { ...proposed, id: prior.id }, requiresReplace: [], diagnostics: [] };
}

/**
 * A vnet of a mobile domain pinned to one host would be "gone" after every move of its domain
 * and planned again where the domain no longer runs: its group declares it on every host.
 */
export function mobileDomainRefusal(document: PlanDocument, config: VnetValues): DiagnosticMessage | undefined {
  if (typeof config.domain !== "string") return undefined;
  const domain = config.domain;
  const group = document.groups?.find((g) => g.domains.some((d) => d.name === domain));
  if (!group) return undefined;
  return errorDiagnostic(
    [
      `${domain} is a mobile domain of group ${group.id}: its vnets are declared with the group, not per host`,
      `A vnet resource names one host, and ${domain} runs on any host of the group (${group.hosts.map((h) => h.id).join(", ")}): after a move the vnet would be planned again where ${domain} no longer runs.`,
      `Declare it as a Vnet of ${domain} in the MigrationGroup (ldoms apply prepares every host of the group), and choose where ${domain} runs with ldoms_placement.`,
    ].join("\n"),
    "domain",
  );
}
