/**
 * PlanResourceChange of `ldoms_vnet` without the host: the planned state, which attribute
 * changes replace the vnet, and the changes refused whatever the host shows (removing a vnet,
 * replacing it). What the host decides (a missing domain or switch, a property `ldm` changes
 * only while the domain is stopped) is checked against a read in vnet-resource.ts.
 */
import type { MigrationGroupPlan, PlanDocument } from "../model";
import { VNET_REPLACING_ATTRIBUTES } from "./schema";
import { UNKNOWN, type Unknown } from "./dynamic-value";
import { errorDiagnostic, STOP_MANAGING_ADVICE, type DiagnosticMessage } from "./diagnostics";
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
      STOP_MANAGING_ADVICE,
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
      STOP_MANAGING_ADVICE,
    ].join("\n"),
    first,
  );
}

/** The planned state of a new vnet: what the configuration says, the rest known after apply (a mobile domain's host too). */
function plannedCreate(proposed: VnetValues, mobile: boolean): VnetValues {
  const known = (mobile || typeof proposed.host === "string") && typeof proposed.domain === "string" && typeof proposed.name === "string";
  return {
    ...proposed,
    ...(mobile ? { host: UNKNOWN } : {}),
    pvid: proposed.pvid ?? UNKNOWN,
    vid: proposed.vid ?? UNKNOWN,
    mtu: proposed.mtu ?? UNKNOWN,
    id: known ? vnetId(mobile ? null : (proposed.host as string), proposed.domain as string, proposed.name as string) : UNKNOWN,
  };
}

/**
 * The plan of one change: `prior` null creates, `proposed` null destroys. Terraform's proposed
 * state already carries the prior values of unset optional-computed attributes (not managed).
 * A mobile domain's vnet is where its domain runs: its host is no identity but where the
 * refresh found the domain (a new one's is known after apply, where the domain runs then).
 */
export function planVnetChange(prior: VnetValues | null, proposed: VnetValues | null, mobile = false): VnetPlan {
  if (proposed === null) return { requiresReplace: [], diagnostics: prior ? [vnetDestroyRefusal(prior)] : [] };
  if (prior === null) return { planned: plannedCreate(proposed, mobile), requiresReplace: [], diagnostics: [] };
  const replacing = VNET_REPLACING_ATTRIBUTES.filter((a) => !(mobile && a === "host"));
  const requiresReplace = replacing.filter((a) => proposed[a] === UNKNOWN || !same(prior[a], proposed[a]));
  if (requiresReplace.length) return { requiresReplace, diagnostics: [replaceRefusal(prior, requiresReplace)] };
  return { planned: { ...proposed, host: mobile ? prior.host : proposed.host, id: prior.id }, requiresReplace: [], diagnostics: [] };
}

/**
 * A vnet of a mobile domain follows the domain across the hosts of its group: a host set on it
 * would be wrong after every move.
 */
export function mobileHostRefusal(group: MigrationGroupPlan, domain: string, host: string | Unknown): DiagnosticMessage {
  return errorDiagnostic(
    [
      `host${typeof host === "string" ? ` = ${JSON.stringify(host)}` : ""} is set on a vnet of ${domain}, a mobile domain of group ${group.id} (${group.hosts.map((h) => h.id).join(", ")})`,
      `Leave host out: the vnet follows ${domain} to the host it runs on (a move is no change of the vnet), and host shows where that is. Choose where ${domain} runs with ldoms_placement.`,
    ].join("\n"),
    "host",
  );
}

/** A vnet of a domain that is not mobile names its host. */
export function hostRequiredRefusal(document: PlanDocument, domain: string): DiagnosticMessage {
  const hosts = document.hosts.filter((h) => h.desired.domains.some((d) => d.name === domain)).map((h) => h.id);
  const mobile = (document.groups ?? []).flatMap((g) => g.domains.map((d) => d.name));
  const where = hosts.length ? `, e.g. host = ${JSON.stringify(hosts[0])} (the plan document declares ${domain} on ${hosts.join(", ")})` : "";
  return errorDiagnostic(
    [
      `host is not set on a vnet of ${domain}, which is not a mobile domain of stack ${document.stack}`,
      `Set host to the id of the control domain ${domain} is on${where}. Only a vnet of a mobile domain${mobile.length ? ` (${mobile.join(", ")})` : ""} leaves host out.`,
    ].join("\n"),
    "host",
  );
}

/** A vnet imported as DOMAIN/VNET whose domain is not mobile: its host is needed. */
export function notMobileImport(domain: string, name: string): DiagnosticMessage {
  return errorDiagnostic(
    `vnet "${name}" of ${domain} has no host, and ${domain} is not a mobile domain: import it as HOST/${domain}/${name} (DOMAIN/VNET is for a mobile domain's vnet), e.g. terraform import ADDRESS t7-a/${domain}/${name}`,
    "host",
  );
}

/** A mobile domain's vnet whose domain moved between plan and apply (an ldoms_placement of the same run): nothing changed. */
export function movedSincePlan(config: VnetValues, plannedHost: string): DiagnosticMessage {
  return errorDiagnostic(
    `${String(config.domain)} runs on ${String(config.host)} now, not on ${plannedHost} as planned (it moved since the plan, e.g. by an ldoms_placement of this run): vnet "${String(config.name)}" was not changed; run terraform apply again`,
    "domain",
  );
}
