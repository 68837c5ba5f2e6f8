/**
 * Relations between constructs that the tree alone does not show (a migration points at its
 * target control domain). Kept out of the public classes so the only way to create a relation is
 * to create the construct that declares it.
 */
import type { ControlDomain } from "./control-domain";
import type { GuestDomain } from "./guest-domain";
import type { MigrationGroup } from "./migration-group";
import type { SriovMigration } from "./sriov-migration";

const incomingByHost = new WeakMap<ControlDomain, SriovMigration[]>();
const migrationsByDomain = new WeakMap<GuestDomain, SriovMigration[]>();
const groupsByHost = new WeakMap<ControlDomain, MigrationGroup[]>();

export function registerMigration(migration: SriovMigration): void {
  const incoming = incomingByHost.get(migration.target) ?? [];
  incoming.push(migration);
  incomingByHost.set(migration.target, incoming);
  const own = migrationsByDomain.get(migration.domain) ?? [];
  own.push(migration);
  migrationsByDomain.set(migration.domain, own);
}

/** Migrations whose target is this control domain, in declaration order. */
export function incomingMigrations(host: ControlDomain): readonly SriovMigration[] {
  return incomingByHost.get(host) ?? [];
}

/** Migrations of this guest domain, in declaration order. */
export function migrationsOf(domain: GuestDomain): readonly SriovMigration[] {
  return migrationsByDomain.get(domain) ?? [];
}

export function registerGroup(group: MigrationGroup): void {
  for (const host of group.hosts) groupsByHost.set(host, [...(groupsByHost.get(host) ?? []), group]);
}

/** The MigrationGroups this control domain belongs to, in declaration order. */
export function groupsOf(host: ControlDomain): readonly MigrationGroup[] {
  return groupsByHost.get(host) ?? [];
}
