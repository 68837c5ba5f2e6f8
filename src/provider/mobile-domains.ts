/**
 * Mobile domains of a MigrationGroup as the VF and vnet resources see them: where a domain runs
 * is read from its group's hosts through the provider's shared reads (one connection and one read
 * per host whatever the number of resources), and placed by the engine's own rules
 * (`findMigratedDomains`: on none or two hosts is a problem naming hosts and states; where it does
 * not run, its VFs are kept ready, unassigned). No host is read beyond the group's.
 */
import { ValidationError, type MigrationGroupPlan, type PlanDocument } from "../model";
import {
  documentHosts, findDomain, findMigratedDomains, migrationAwareness, migrationContextOf, type HostMigrationContext, type MigrationAwareness, type MigrationFindings, type ObservedHost,
} from "../engine";
import type { ProviderConfiguration } from "./configuration";
import type { HostReads } from "./host-reads";

/** The group whose mobile domain `domain` is, or undefined for a domain that is not mobile. */
export function mobileGroupOf(document: PlanDocument, domain: unknown): MigrationGroupPlan | undefined {
  if (typeof domain !== "string") return undefined;
  return document.groups?.find((g) => g.domains.some((d) => d.name === domain));
}

/** The group's hosts as read now: an unreadable host is present without an observation, with why. */
export interface GroupReads {
  readonly group: MigrationGroupPlan;
  readonly observed: ReadonlyMap<string, ObservedHost | undefined>;
  readonly errors: ReadonlyMap<string, string>;
  readonly findings: MigrationFindings;
}

const refuseConnection = (): never => {
  throw new Error("every host of the group is read by the provider's HostReads");
};

/** Reads every host of the group (shared reads) and places its mobile domains as the engine does. */
export async function readGroup(configuration: ProviderConfiguration, reads: HostReads, group: MigrationGroupPlan): Promise<GroupReads> {
  const observed = new Map<string, ObservedHost | undefined>();
  const errors = new Map<string, string>();
  await Promise.all(
    group.hosts.map(async ({ id }) => {
      try {
        observed.set(id, await reads.read(configuration, id));
      } catch (error) {
        observed.set(id, undefined);
        errors.set(id, error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error));
      }
    }),
  );
  // Every host of the group is in the map (read or not): the engine reads none again.
  const findings = await findMigratedDomains(observed, { migrations: [], hosts: [], groups: [group] }, { connect: refuseConnection });
  return { group, observed, errors, findings };
}

/** Where the mobile domain runs; a ValidationError with the engine's problem (no host, two hosts) or the hosts that could not be read. */
export function whereDomainRuns(reads: GroupReads, domain: string): { readonly host: string; readonly state: string } {
  const found = reads.group.hosts.flatMap(({ id }) => {
    const observed = reads.observed.get(id);
    const d = observed ? findDomain(observed, domain) : undefined;
    return d ? [{ host: id, state: d.state }] : [];
  });
  if (found.length === 1) return found[0] as { host: string; state: string };
  const problem = [...(reads.findings.problems?.values() ?? [])].flat().find((p) => p.startsWith(`domain ${domain} of group `));
  if (problem) throw new ValidationError(problem);
  const unread = [...reads.errors].map(([id, why]) => `${id} (${why})`);
  throw new ValidationError(`${domain} was not found on the hosts of group ${reads.group.id} that could be read, and ${unread.join(", ")} could not be read; fix the connection and run again`);
}

/** The engine's view of `hostId` in the group: mobile domains running elsewhere (their VFs kept ready here) and placement problems. */
export function groupContextOf(reads: GroupReads, hostId: string): HostMigrationContext {
  return migrationContextOf(reads.findings, hostId);
}

/** What `applyHosts` needs to keep a mobile domain's VFs ready, unassigned, on a host it does not run on (as ldoms apply). */
export function groupAwareness(configuration: ProviderConfiguration, group: MigrationGroupPlan): MigrationAwareness {
  const every = documentHosts(configuration.document, configuration.inventory);
  return migrationAwareness({ migrations: [], groups: [group] }, every.hosts, every.unreachable);
}

/** The refusal of a VF whose domain is mobile on a host outside the domain's group. */
export function outsideGroupProblem(group: MigrationGroupPlan, domain: string, host: string): string | undefined {
  if (group.hosts.some((h) => h.id === host)) return undefined;
  const hosts = group.hosts.map((h) => h.id);
  return `${domain} is a mobile domain of group ${group.id} (${hosts.join(", ")}), and ${host} is not a host of that group: a VF of ${domain} is declared on the hosts of its group (one ldoms_vf per host, each with domain = ${JSON.stringify(domain)}); set host to one of ${hosts.join(", ")}, or domain to a domain of ${host}`;
}
