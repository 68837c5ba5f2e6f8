/**
 * PlanResourceChange of `ldoms_vf` without the host: the planned state, which attribute changes
 * replace the VF, and the changes refused whatever the host shows (replacing a VF, removing it
 * from its domain). What the host decides (a running domain, a missing PF, whether a destroy
 * can run) is checked against a read in vf-resource.ts.
 */
import { VF_REPLACING_ATTRIBUTES } from "./schema";
import { UNKNOWN } from "./dynamic-value";
import { errorDiagnostic, STOP_MANAGING_ADVICE, type DiagnosticMessage } from "./diagnostics";
import { vfId, type VfAttribute, type VfValues } from "./vf-values";

export interface VfPlan {
  /** Absent for a destroy and when a diagnostic refuses the change. */
  readonly planned?: VfValues;
  /** The VF is to be destroyed (`ldm destroy-vf`), if the host allows it. */
  readonly destroy?: boolean;
  readonly requiresReplace: readonly VfAttribute[];
  readonly diagnostics: readonly DiagnosticMessage[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const label = (v: VfValues) => (typeof v.host === "string" && typeof v.name === "string" ? `VF "${v.name}" on ${v.host}` : "this VF");

/**
 * A destroy the host does not allow as it is now: `ldm destroy-vf` takes only an unassigned VF,
 * and only the last one created on its PF (ref §3.7); `problems` are the engine's, with the fix.
 */
export function destroyRefusal(prior: VfValues, problems: readonly string[]): DiagnosticMessage {
  return errorDiagnostic([`${label(prior)} cannot be destroyed as the host is now, so nothing will be changed`, ...problems.map((p) => `- ${p}`), STOP_MANAGING_ADVICE].join("\n"));
}

function replaceRefusal(prior: VfValues, attributes: readonly VfAttribute[]): DiagnosticMessage {
  const [first] = attributes;
  return errorDiagnostic(
    [
      `changing ${attributes.join(", ")} of ${label(prior)} replaces the VF, which the ldoms provider does not do`,
      `A VF's host, name and PF are its identity, and destroying it first would take it from its domain. Keep ${attributes.length > 1 ? "them" : "it"} as ${attributes.map((a) => `${a} = ${JSON.stringify(prior[a])}`).join(", ")}; or declare the new VF as another resource and stop managing this one.`,
      STOP_MANAGING_ADVICE,
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
  if (proposed === null) return { requiresReplace: [], diagnostics: [], destroy: prior !== null };
  if (prior === null) return { planned: plannedCreate(proposed), requiresReplace: [], diagnostics: [] };
  // An unknown new value may differ: Terraform wants such attributes marked too.
  const requiresReplace = VF_REPLACING_ATTRIBUTES.filter((a) => proposed[a] === UNKNOWN || !same(prior[a], proposed[a]));
  if (requiresReplace.length) return { requiresReplace, diagnostics: [replaceRefusal(prior, requiresReplace)] };
  if (typeof prior.domain === "string" && proposed.domain !== UNKNOWN && proposed.domain !== prior.domain) {
    return { requiresReplace: [], diagnostics: [unassignRefusal(prior, proposed.domain)] };
  }
  return { planned: { ...proposed, pseudonym: prior.pseudonym, id: prior.id }, requiresReplace: [], diagnostics: [] };
}
