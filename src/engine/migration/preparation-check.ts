/**
 * What a migration's preparation still lacks, on reads made elsewhere: the check `ldoms migrate`
 * makes after its locked read (`missingPreparation` in prepare.ts), for callers that have no
 * migration run, such as the Terraform provider's plan of a placement. Nothing is locked or
 * changed; a mobile domain's placement may read the group's other hosts' domain listings.
 */
import type { Inventory, MigrationPlan, PlanDocument } from "../../model";
import type { ConnectHost } from "../host-session";
import { documentHosts } from "../inventory-file";
import { findMigratedDomains, migrationAwareness } from "../migrated-domains";
import type { ObservedHost } from "../observed-state";
import { evaluateHost, migrationContextOf, type EngineHost } from "../plan-run";
import type { CommandTimeouts } from "../timeouts";

export interface PreparationCheckOptions {
  readonly connect: ConnectHost;
  readonly inventory?: Inventory;
  readonly commandTimeoutMs?: number | CommandTimeouts;
}

/**
 * `host: action` and `host: problem` lines for the source and target of `migration`, as
 * `ldoms plan` would print them for those hosts; empty when the preparation is converged. The
 * document's other migrations count (a domain one of them already moved is not missing).
 */
export async function preparationLacks(
  document: PlanDocument,
  migration: MigrationPlan,
  reads: { readonly source: ObservedHost; readonly target: ObservedHost },
  options: PreparationCheckOptions,
): Promise<string[]> {
  const every = documentHosts(document, options.inventory);
  const pick = (id: string): EngineHost | undefined => every.hosts.find((h) => h.target.id === id);
  const sourceHost = pick(migration.sourceHost);
  const targetHost = pick(migration.targetHost);
  if (!sourceHost || !targetHost) return [];
  const others = document.migrations.filter((m) => m.id !== migration.id);
  const awareness = migrationAwareness({ migrations: others, ...(document.groups ? { groups: document.groups } : {}) }, every.hosts, every.unreachable);
  const observed = new Map([[migration.sourceHost, reads.source], [migration.targetHost, reads.target]]);
  const findings = await findMigratedDomains(observed, awareness, options);
  const out: string[] = [];
  for (const [host, read] of [[sourceHost, reads.source], [targetHost, reads.target]] as const) {
    const evaluated = evaluateHost(host.plan, read, false, migrationContextOf(findings, host.target.id));
    for (const a of evaluated.actions) out.push(`${host.target.id}: ${a.symbol} ${a.summary}`);
    for (const p of evaluated.problems) out.push(`${host.target.id}: ${p}`);
  }
  return out;
}
