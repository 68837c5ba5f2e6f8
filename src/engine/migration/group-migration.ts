/**
 * `ldoms migrate DOMAIN --to HOST` for a mobile domain of a MigrationGroup: where the domain runs
 * is read from the group's hosts, and the migration the group implies (source, target, the
 * same-named target VFs, the switches) is built from the plan document, then run like a declared
 * SriovMigration, with the same preflight, dry run, progress, cancel and post-verify.
 */
import { ValidationError, type MigrationGroupPlan, type MigrationPlan, type PlanDocument } from "../../model";
import type { ConnectHost } from "../host-session";
import { documentHosts } from "../inventory-file";
import { findDomain } from "../observed-state";
import { migrationAwareness, readDomainListings } from "../migrated-domains";
import type { CommandTimeouts } from "../timeouts";
import type { Inventory } from "../../model";

/** The group of a mobile domain, or an error naming the mobile domains there are. */
export function groupOf(document: PlanDocument, domain: string): MigrationGroupPlan {
  const group = document.groups?.find((g) => g.domains.some((d) => d.name === domain));
  if (group) return group;
  const mobile = (document.groups ?? []).flatMap((g) => g.domains.map((d) => d.name));
  const declared = document.migrations.find((m) => m.domain === domain);
  const hint = declared ? `; ${domain} migrates with its SriovMigration: ldoms migrate ${declared.id}` : mobile.length ? `; mobile domains: ${mobile.join(", ")}` : "; declare it in a MigrationGroup";
  throw new ValidationError(`${domain} is not a mobile domain of stack ${document.stack}${hint}`);
}

/** The target named by `--to`, checked to be another host of the group. */
export function checkTarget(group: MigrationGroupPlan, domain: string, to: string): void {
  if (!group.hosts.some((h) => h.id === to)) {
    throw new ValidationError(`--to ${to} is not a host of group ${group.id} (${group.hosts.map((h) => h.id).join(", ")}); ${domain} moves only between the hosts of its group`);
  }
}

export interface ReadOptions {
  readonly connect: ConnectHost;
  readonly inventory?: Inventory;
  readonly commandTimeoutMs?: number | CommandTimeouts;
}

/** Where the mobile domain runs now: one read of each group host's domain listing, no lock. */
export async function locateDomain(document: PlanDocument, group: MigrationGroupPlan, domain: string, options: ReadOptions): Promise<string> {
  const every = documentHosts(document, options.inventory);
  const awareness = migrationAwareness(document, every.hosts, every.unreachable);
  const { extra } = await readDomainListings(group.hosts.map((h) => h.id), awareness, options);
  const found = group.hosts.flatMap((h) => {
    const observed = extra.get(h.id)?.observed;
    const d = observed ? findDomain(observed, domain) : undefined;
    return d ? [`${h.id}`] : [];
  });
  const unread = group.hosts.filter((h) => !extra.get(h.id)?.observed).map((h) => `${h.id} (${extra.get(h.id)?.error ?? "not read"})`);
  if (found.length === 1) return found[0] as string;
  if (found.length > 1) {
    throw new ValidationError(`${domain} is on ${found.join(" and ")}; a domain of group ${group.id} runs on one host: finish or roll back the earlier migration first (ldoms status shows both)`);
  }
  if (unread.length) throw new ValidationError(`${domain} was not found on the hosts that could be read, and ${unread.join(", ")} could not be read; fix the connection and run again`);
  throw new ValidationError(`${domain} is on none of the hosts of group ${group.id} (${group.hosts.map((h) => h.id).join(", ")}); create it on one of them first`);
}

/** The id of the migration a group implies, as reports and locks name it. */
export function groupMigrationId(domain: string, target: string): string {
  return `${domain}-to-${target}`;
}

/** The migration of `domain` from `source` to `target` that its group implies. */
export function groupMigrationPlan(document: PlanDocument, group: MigrationGroupPlan, domain: string, source: string, target: string): MigrationPlan {
  const mobile = group.domains.find((d) => d.name === domain);
  const targetPlan = document.hosts.find((h) => h.id === target);
  const declared = targetPlan?.desired.domains.find((d) => d.name === domain);
  if (!mobile || !declared) throw new ValidationError(`${domain} is not declared on ${target} in stack ${document.stack}; synthesize the plan again`);
  const address = group.hosts.find((h) => h.id === target)?.migrationAddress as string;
  return {
    auth: group.auth,
    blockingVfs: declared.otherVfs,
    domain,
    group: group.id,
    id: groupMigrationId(domain, target),
    migrate: false,
    requiredVswitches: mobile.requiredVswitches,
    sourceHost: source,
    targetAddress: address,
    targetHost: target,
    ...(group.targetUser !== undefined ? { targetUser: group.targetUser } : {}),
    targetVfs: declared.vfs.map((vf) => ({ name: vf.name, ...(vf.pf !== undefined ? { pf: vf.pf } : { vf: vf.vf as string }) })),
  };
}

/** The document with the group's migration added, so the migration run finds it like a declared one. */
export function withMigration(document: PlanDocument, migration: MigrationPlan): PlanDocument {
  return { ...document, migrations: [...document.migrations.filter((m) => m.id !== migration.id), migration] };
}

/** The source a migration to `target` starts from: where the domain runs, or (already there) another host of the group, so the run verifies instead. */
export function sourceFor(group: MigrationGroupPlan, runsOn: string, target: string): string {
  if (runsOn !== target) return runsOn;
  return (group.hosts.find((h) => h.id !== target) as { id: string }).id;
}

/** How the user runs this migration again: by its id, or a group's move by domain and target. */
export function migrateCommand(m: MigrationPlan): string {
  return m.group !== undefined ? `ldoms migrate ${m.domain} --to ${m.targetHost}` : `ldoms migrate ${m.id}`;
}
