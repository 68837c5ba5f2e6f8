/**
 * PlanResourceChange of `ldoms_vf` without the host: the planned state, which attribute changes
 * replace the VF, and the changes refused whatever the host shows (destroying a VF, replacing it,
 * removing it from its domain). What the host decides (a running domain, a missing PF) is
 * checked against a read in vf-resource.ts.
 */
import { VF_REPLACING_ATTRIBUTES } from "./schema";
import { UNKNOWN } from "./dynamic-value";
import { errorDiagnostic, type DiagnosticMessage } from "./diagnostics";
import { vfId, type VfAttribute, type VfValues } from "./vf-values";

export interface VfPlan {
  /** Absent for a destroy (which is refused) and when a diagnostic refuses the change. */
  readonly planned?: VfValues;
  readonly requiresReplace: readonly VfAttribute[];
  readonly diagnostics: readonly DiagnosticMessage[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const label = (v: VfValues) => (typeof v.host === "string" && typeof v.name === "string" ? `VF "${v.name}" on ${v.host}` : "this VF");

const KEEP_IT = "To stop managing it and leave it on the host: a `removed` block with `lifecycle { destroy = false }` (Terraform 1.7 or later), or `terraform state rm`.";

/**
 * Why the provider does not destroy VFs: its steps only create, set and assign (nothing the
 * configuration stops naming is destroyed or unassigned), and `ldm destroy-vf` removes only the
 * last VF created on a PF, which may be another one.
 */
export function destroyRefusal(prior: VfValues): DiagnosticMessage {
  const pseudonym = typeof prior.pseudonym === "string" ? prior.pseudonym : "PSEUDONYM";
  const assigned = typeof prior.domain === "string" ? prior.domain : undefined;
  const byHand = assigned
    ? `To destroy it: remove it from the domain (ldm remove-io ${pseudonym} ${assigned}), then ldm destroy-vf ${pseudonym}, then terraform state rm.`
    : `To destroy it: ldm destroy-vf ${pseudonym} by hand, then terraform state rm.`;
  return errorDiagnostic(
    [
      `${label(prior)}${assigned ? ` is assigned to domain ${assigned} and` : ""} would be destroyed: the ldoms provider does not destroy VFs`,
      "Its steps only create, name, set and assign VFs, as ldoms apply does (nothing is destroyed or unassigned without an explicit command), and ldm destroy-vf removes only the last VF created on a PF, which may be another one.",
      KEEP_IT,
      byHand,
    ].join("\n"),
  );
}

function replaceRefusal(prior: VfValues, attributes: readonly VfAttribute[]): DiagnosticMessage {
  const [first] = attributes;
  return errorDiagnostic(
    [
      `changing ${attributes.join(", ")} of ${label(prior)} replaces the VF, and the ldoms provider does not destroy VFs`,
      `A VF's host, name and PF are its identity. Keep ${attributes.length > 1 ? "them" : "it"} as ${attributes.map((a) => `${a} = ${JSON.stringify(prior[a])}`).join(", ")}; or declare the new VF as another resource and stop managing this one.`,
      KEEP_IT,
    ].join("\n"),
    first,
  );
}

function unassignRefusal(prior: VfValues, wanted: string | null): DiagnosticMessage {
  const pseudonym = typeof prior.pseudonym === "string" ? prior.pseudonym : "PSEUDONYM";
  return errorDiagnostic(
    [
      `${label(prior)} is assigned to domain ${String(prior.domain)}; the configuration ${wanted === null ? "has it unassigned" : `assigns it to ${wanted}`}: the ldoms provider assigns VFs but never removes one from a domain`,
      `Remove it by hand (ldm remove-io ${pseudonym} ${String(prior.domain)}), then plan again${wanted === null ? "" : `; the provider then assigns it to ${wanted}`}. Or set domain = ${JSON.stringify(prior.domain)}.`,
    ].join("\n"),
    "domain",
  );
}

/** The planned state of a new VF: what the configuration says, the rest known after apply. */
function plannedCreate(proposed: VfValues): VfValues {
  const known = typeof proposed.host === "string" && typeof proposed.name === "string";
  return {
    ...proposed,
    pvid: proposed.pvid ?? UNKNOWN,
    vid: proposed.vid ?? UNKNOWN,
    mtu: proposed.mtu ?? UNKNOWN,
    mac_addr: proposed.mac_addr ?? UNKNOWN,
    alt_mac_addrs: proposed.alt_mac_addrs ?? UNKNOWN,
    pseudonym: UNKNOWN,
    id: known ? vfId(proposed.host as string, proposed.name as string) : UNKNOWN,
  };
}

/**
 * The plan of one change: `prior` null creates, `proposed` null destroys. Terraform's proposed
 * state already carries the prior values of unset optional-computed attributes (not managed).
 */
export function planVfChange(prior: VfValues | null, proposed: VfValues | null): VfPlan {
  if (proposed === null) return { requiresReplace: [], diagnostics: prior ? [destroyRefusal(prior)] : [] };
  if (prior === null) return { planned: plannedCreate(proposed), requiresReplace: [], diagnostics: [] };
  // An unknown new value may differ: Terraform wants such attributes marked too.
  const requiresReplace = VF_REPLACING_ATTRIBUTES.filter((a) => proposed[a] === UNKNOWN || !same(prior[a], proposed[a]));
  if (requiresReplace.length) return { requiresReplace, diagnostics: [replaceRefusal(prior, requiresReplace)] };
  if (typeof prior.domain === "string" && proposed.domain !== UNKNOWN && proposed.domain !== prior.domain) {
    return { requiresReplace: [], diagnostics: [unassignRefusal(prior, proposed.domain)] };
  }
  return { planned: { ...proposed, pseudonym: prior.pseudonym, id: prior.id }, requiresReplace: [], diagnostics: [] };
}
