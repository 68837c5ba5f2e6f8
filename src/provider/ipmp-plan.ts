/**
 * Resource `ldoms_ipmp` without the hosts: where the plan document declares the domain, whether
 * the configured pairing is one the document can hold, the planned state of a change, the group
 * as a guest's read shows it, and the warning for a guest ldoms cannot see into.
 */
import type { DesiredDomain, MigrationGroupPlan, PlanDocument } from "../model";
import type { ObservedDomain, ObservedVf } from "../engine";
import { mapGroupLinks, type GuestObservation } from "../engine/migration/guest-ipmp";
import { IPMP_REPLACING_ATTRIBUTES } from "./ipmp-schema";
import { UNKNOWN, type Unknown } from "./dynamic-value";
import { errorDiagnostic, warningDiagnostic, type DiagnosticMessage } from "./diagnostics";
import { desiredGroup, ipmpId, type IpmpAttribute, type IpmpValues, type KnownIpmp } from "./ipmp-values";

/** A domain as the plan document declares it: its hosts (every host of its group when mobile) and what it holds. */
export interface DeclaredDomain {
  readonly hosts: readonly string[];
  readonly desired: DesiredDomain;
  readonly group?: MigrationGroupPlan;
  /** Hosts it may run on: its group's hosts, or the declaring host and the targets of its SriovMigrations. */
  readonly runsOn: readonly string[];
}

export function declaredDomain(document: PlanDocument, domain: string): DeclaredDomain | undefined {
  const hosts = document.hosts.filter((h) => h.desired.domains.some((d) => d.name === domain)).map((h) => h.id);
  const desired = document.hosts.find((h) => h.id === hosts[0])?.desired.domains.find((d) => d.name === domain);
  if (!desired) return undefined;
  const group = document.groups?.find((g) => g.domains.some((d) => d.name === domain));
  const targets = document.migrations.filter((m) => m.domain === domain).map((m) => m.targetHost);
  const runsOn = group ? group.hosts.map((h) => h.id) : [...new Set([...hosts, ...targets])];
  return { hosts, desired, ...(group ? { group } : {}), runsOn };
}

const listed = (names: readonly string[]) => (names.length ? names.join(", ") : "none");
const SYNTH = "then run ldoms synth (or cdktf synth) so the plan document holds it";

function undeclaredDomain(document: PlanDocument, source: string, domain: string): DiagnosticMessage {
  const domains = [...new Set(document.hosts.flatMap((h) => h.desired.domains.map((d) => d.name)))].sort();
  return errorDiagnostic(
    `domain ${domain} is not declared in the plan document ${source} (domains: ${listed(domains)})\nSet domain to one of them, or declare ${domain} (a GuestDomain, or a mobile domain of a MigrationGroup) with its EthernetVf, Vnet and IpmpGroup, ${SYNTH}.`,
    "domain",
  );
}

/**
 * The configuration against the plan document: the domain is declared there, `active_vf` is one
 * of its VFs, `standby_vnet` one of its vnets, and a group of that name declared for it pairs the
 * same two. Unknown values pass (they are checked when known).
 */
export function documentProblems(document: PlanDocument, source: string, config: IpmpValues): DiagnosticMessage[] {
  if (typeof config.domain !== "string") return [];
  const declared = declaredDomain(document, config.domain);
  if (!declared) return [undeclaredDomain(document, source, config.domain)];
  const { desired } = declared;
  const problems: DiagnosticMessage[] = [];
  const vfs = desired.vfs.map((v) => v.name);
  const vnets = desired.vnets.map((v) => v.ifName);
  if (typeof config.active_vf === "string" && !vfs.includes(config.active_vf)) {
    problems.push(
      errorDiagnostic(
        `active_vf "${config.active_vf}" is not a VF of domain ${desired.name} in the plan document (its VFs: ${listed(vfs)})\nSet active_vf to the user-assigned name of one of them, or declare EthernetVf "${config.active_vf}" on ${desired.name}, ${SYNTH}.`,
        "active_vf",
      ),
    );
  }
  if (typeof config.standby_vnet === "string" && !vnets.includes(config.standby_vnet)) {
    problems.push(
      errorDiagnostic(
        `standby_vnet "${config.standby_vnet}" is not a vnet of domain ${desired.name} in the plan document (its vnets: ${listed(vnets)})\nSet standby_vnet to one of them, or declare Vnet ${config.standby_vnet} on ${desired.name}, ${SYNTH}.`,
        "standby_vnet",
      ),
    );
  }
  // A VF or vnet the domain does not have says enough; a declared group's pairing is checked on the domain's own.
  return problems.length ? problems : pairingProblems(desired, config);
}

/** A group of the same name declared for the domain must pair the same VF and vnet. */
function pairingProblems(desired: DesiredDomain, config: IpmpValues): DiagnosticMessage[] {
  const group = desired.ipmpGroups.find((g) => g.name === config.name);
  if (!group) return [];
  const problems: DiagnosticMessage[] = [];
  const declares = `the plan document's IpmpGroup ${group.name} of ${desired.name} pairs VF "${group.activeVf}" (active) with vnet ${group.standbyVnet} (standby)`;
  const fix = (attr: string, value: string) => `Set ${attr} = "${value}", or change the IpmpGroup, ${SYNTH}.`;
  if (typeof config.active_vf === "string" && config.active_vf !== group.activeVf) problems.push(errorDiagnostic(`active_vf "${config.active_vf}" differs from ${declares}\n${fix("active_vf", group.activeVf)}`, "active_vf"));
  if (typeof config.standby_vnet === "string" && config.standby_vnet !== group.standbyVnet) {
    problems.push(errorDiagnostic(`standby_vnet "${config.standby_vnet}" differs from ${declares}\n${fix("standby_vnet", group.standbyVnet)}`, "standby_vnet"));
  }
  return problems;
}

/**
 * Without guest access nothing inside the guest is read or changed: a warning with the fix
 * the CLI prints when rule 3 is unverified for the same reason.
 */
export function noAccessWarning(domain: string, name: string): DiagnosticMessage {
  return warningDiagnostic(
    [
      `IPMP group ${name} of ${domain} is not verified: ldoms has no access to guest ${domain}`,
      "The provider cannot see inside the guest: verified = false, the state follows the configuration, and apply configures nothing in the guest.",
      `Fix: give the GuestDomain access (or an inventory entry guest/${domain}); or run scripts/guest-${domain}.sh in the guest and check ipmpstat -i (ldoms migrate then reports rule 3 unverified).`,
    ].join("\n"),
    "domain",
  );
}

export interface IpmpPlan {
  /** Null for a destroy (which only forgets the group). */
  readonly planned: IpmpValues | null;
  readonly requiresReplace: readonly IpmpAttribute[];
}

/**
 * The plan of one change: `prior` null creates, `proposed` null forgets the group (nothing is
 * removed in the guest). `host` is where the domain runs, `verified` whether the guest can be read;
 * `movable`: the domain may run on another host when applied, so a change leaves `host` unknown.
 */
export function planIpmpChange(prior: IpmpValues | null, proposed: IpmpValues | null, host: string | Unknown, verified: boolean | Unknown, movable = false): IpmpPlan {
  if (proposed === null) return { planned: null, requiresReplace: [] };
  const requiresReplace = prior === null ? [] : IPMP_REPLACING_ATTRIBUTES.filter((a) => proposed[a] === UNKNOWN || proposed[a] !== prior[a]);
  const known = typeof proposed.domain === "string" && typeof proposed.name === "string";
  const changes = prior === null || CONFIGURED.some((a) => proposed[a] !== prior[a]) || verified !== prior.verified;
  // A domain that can move may run elsewhere by the time the change is applied (its placement applied first).
  const where = movable && changes ? UNKNOWN : host;
  return { planned: { ...proposed, host: where, verified, id: known ? ipmpId(proposed.domain as string, proposed.name as string) : UNKNOWN }, requiresReplace };
}

const CONFIGURED = ["domain", "name", "active_vf", "standby_vnet"] as const;

/**
 * The group as the guest shows it, for a state holding `state`'s pairing: absent when the guest
 * has no IPMP interface of that name; else each member as configured when it is in the group in
 * its role (the VF active, the vnet standby), null when it is not (what apply would change).
 */
export function groupAsRead(
  guest: GuestObservation,
  domain: ObservedDomain,
  domainVfs: readonly ObservedVf[],
  state: KnownIpmp,
): { readonly present: false } | { readonly present: true; readonly active_vf: string | null; readonly standby_vnet: string | null } {
  const ipmp = guest.interfaces.find((i) => i.name === state.name && i.class === "ipmp");
  if (!ipmp) return { present: false };
  const links = mapGroupLinks(guest, domain, domainVfs, desiredGroup(state));
  if ("problem" in links) return { present: true, active_vf: null, standby_vnet: null };
  const standby = (link: string) => guest.members.find((m) => m.name === link)?.standby === true;
  return {
    present: true,
    active_vf: ipmp.over.includes(links.vfLink) && !standby(links.vfLink) ? state.active_vf : null,
    standby_vnet: ipmp.over.includes(links.vnetLink) && standby(links.vnetLink) ? state.standby_vnet : null,
  };
}
