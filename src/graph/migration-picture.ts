/**
 * The before/after picture of one migration, side by side: before, the declared topology with
 * what the dry run found (steps still missing, failed checks marked on the object they are
 * about); after, the domain on the target holding the same-named VF, the source VF left
 * unassigned and still named.
 */
import type { DesiredDomain, HostPlan, MigrationPlan, PlanDocument } from "../model";
import type { MigrationReport } from "../engine/migration/report";
import { GraphBuilder, declaredInto } from "./declared";
import { markChecks, markPending } from "./observed";
import { sortedGraph, type GraphCluster, type TopologyGraph } from "./model";

/** The plan document as it reads once the migration is done: the domain declared on the target. */
export function documentAfterMigration(document: PlanDocument, migration: MigrationPlan): PlanDocument {
  const moving = new Set(migration.targetVfs.map((t) => t.name));
  const source = document.hosts.find((h) => h.id === migration.sourceHost);
  const domain = source?.desired.domains.find((d) => d.name === migration.domain);
  const hosts = document.hosts.map((host): HostPlan => {
    if (host.id === migration.sourceHost && domain) {
      return {
        ...host,
        desired: {
          ...host.desired,
          domains: host.desired.domains.filter((d) => d.name !== migration.domain),
          unassignedVfs: [...host.desired.unassignedVfs, ...domain.vfs.map(({ domain: _assigned, ...vf }) => vf)],
        },
        steps: [],
      };
    }
    if (host.id === migration.targetHost && domain) {
      const arrived: DesiredDomain = {
        ...domain,
        vfs: domain.vfs.map((vf) => {
          const target = host.desired.unassignedVfs.find((t) => t.name === vf.name) ?? migration.targetVfs.find((t) => t.name === vf.name);
          const { pf: _pf, vf: _vf, ...rest } = vf;
          return { ...rest, ...(target?.pf !== undefined ? { pf: target.pf } : {}), ...(target?.vf !== undefined ? { vf: target.vf } : {}), domain: migration.domain };
        }),
      };
      return {
        ...host,
        desired: {
          ...host.desired,
          domains: [...host.desired.domains, arrived],
          unassignedVfs: host.desired.unassignedVfs.filter((v) => !moving.has(v.name)),
        },
        steps: [],
      };
    }
    return host;
  });
  return { ...document, hosts, migrations: document.migrations.filter((m) => m.id !== migration.id) };
}

/** `host: + summary` lines of a migration report, as the steps they stand for. */
function pendingSteps(document: PlanDocument, missing: readonly string[]): Map<string, { stepId: string; text: string }[]> {
  const byHost = new Map<string, { stepId: string; text: string }[]>();
  for (const line of missing) {
    const colon = line.indexOf(": ");
    const hostId = line.slice(0, colon);
    const text = line.slice(colon + 2);
    const host = document.hosts.find((h) => h.id === hostId);
    const step = host?.steps.find((s) => ["+", "~", "!"].some((symbol) => `${symbol} ${s.summary}` === text));
    byHost.set(hostId, [...(byHost.get(hostId) ?? []), { stepId: step?.id ?? "", text }]);
  }
  return byHost;
}

/** Prefixes every id of a graph and puts its top-level clusters and nodes in one panel cluster. */
function inPanel(graph: TopologyGraph, prefix: string, label: string): TopologyGraph {
  const panel: GraphCluster = { id: `${prefix}`, kind: "panel", label, marks: [], notes: [] };
  const p = (id: string) => `${prefix}/${id}`;
  return {
    title: graph.title,
    clusters: [panel, ...graph.clusters.map((c) => ({ ...c, id: p(c.id), parent: c.parent ? p(c.parent) : panel.id }))],
    nodes: graph.nodes.map((n) => ({ ...n, id: p(n.id), cluster: n.cluster ? p(n.cluster) : panel.id })),
    edges: graph.edges.map((e) => ({ ...e, from: p(e.from), to: p(e.to) })),
  };
}

/**
 * The picture `ldoms migrate ID --dry-run --picture FILE` writes: before (with what the report
 * found) and after, in one graph.
 */
export function migrationPicture(document: PlanDocument, report: MigrationReport): TopologyGraph {
  const migration = document.migrations.find((m) => m.id === report.migration);
  if (!migration) throw new Error(`the plan document has no migration ${report.migration}`);
  const before = declaredInto(new GraphBuilder(""), document);
  const pending = pendingSteps(document, report.missingPreparation);
  for (const host of document.hosts) markPending(before, host, pending.get(host.id) ?? []);
  markChecks(before, document, [{ migration: migration.id, checks: report.preflight }]);
  const beforeGraph = before.graph();
  const afterGraph = declaredInto(new GraphBuilder(""), documentAfterMigration(document, migration)).graph();
  const a = inPanel(beforeGraph, "before", `before: ${migration.domain} on ${migration.sourceHost} (${report.outcome})`);
  const b = inPanel(afterGraph, "after", `after: ${migration.domain} on ${migration.targetHost}, VF ${migration.targetVfs.map((t) => t.name).join(", ")} assigned there`);
  return sortedGraph({
    title: `stack ${document.stack}: migration ${migration.id}, ${migration.domain} from ${migration.sourceHost} to ${migration.targetHost}: ${report.outcome}`,
    clusters: [...a.clusters, ...b.clusters],
    nodes: [...a.nodes, ...b.nodes],
    edges: [...a.edges, ...b.edges],
  });
}
