/**
 * The observed topology: the declared graph, marked with what the hosts showed. A declared
 * object the host lacks is `missing`; a VF or vnet the host has that is not declared is `extra`
 * (or `renamed` when it stands where a declared VF of another name should be); a property or
 * assignment other than declared `differs`; an object a planned step will change is `pending`;
 * an object a failed migration check names is `blocked`. Pure: the caller reads the hosts (one
 * read per host: `planHosts`) and passes what it got.
 */
import type { DesiredDomain, DesiredVf, HostPlan, PlanDocument, Step } from "../model";
import type { PlannedAction } from "../engine/actions";
import { evaluateCondition } from "../engine/conditions";
import { findDomain, findVfByAlias, findVfByName, type ObservedHost, type ObservedVf } from "../engine/observed-state";
import type { PlanRunResult } from "../engine/plan-run";
import type { MigrationCheck } from "../engine/migration/report";
import { preflightChecks } from "../engine/migration/preflight";
import { addMark, wrap, type GraphCluster, type GraphEdge, type GraphNode, type TopologyGraph } from "./model";
import { GraphBuilder, declaredInto, ids, pfOfPseudonym, propertyText } from "./declared";

/** What one control domain showed, and what planning it found. */
export interface ObservedHostInput {
  readonly id: string;
  /** Absent when the host could not be read (`error` says why). */
  readonly observed?: ObservedHost;
  readonly error?: string;
  /** Steps still needed on this host. */
  readonly actions: readonly PlannedAction[];
  /** Preconditions that would stop apply. */
  readonly problems: readonly string[];
  /** Domains of this host that have migrated away as configured. */
  readonly migrated?: readonly { readonly domain: string; readonly targetHost: string; readonly migration: string }[];
}

/** The checks of one migration (preflight rules, and the dry run when it ran). */
export interface MigrationChecks {
  readonly migration: string;
  readonly checks: readonly MigrationCheck[];
}

export interface ObservedInput {
  readonly hosts: readonly ObservedHostInput[];
  readonly migrationChecks?: readonly MigrationChecks[];
}

/** The hosts of a plan run (one read per host), as the graph wants them. */
export function observedHostsFromPlanRun(run: PlanRunResult): ObservedHostInput[] {
  return run.hosts.map((h) => ({
    id: h.id,
    ...(h.observed ? { observed: h.observed } : {}),
    ...(h.error ? { error: h.error.message.split("\n")[0] as string } : {}),
    actions: h.actions,
    problems: h.problems,
    ...(h.migrated?.length ? { migrated: h.migrated.map((m) => ({ domain: m.domain, targetHost: m.targetHost, migration: m.migration })) } : {}),
  }));
}

/**
 * The preflight checks (rules 1-5) of every migration whose source and target were read, on
 * what was read. The guest is not read here: rule 3 is then unverified, and only failed checks
 * mark the picture. A migration already done (its domain noted as migrated) is not checked.
 */
export function preflightFromObserved(document: PlanDocument, hosts: readonly ObservedHostInput[]): MigrationChecks[] {
  const out: MigrationChecks[] = [];
  for (const migration of document.migrations) {
    const source = hosts.find((h) => h.id === migration.sourceHost);
    const target = hosts.find((h) => h.id === migration.targetHost);
    const sourcePlan = document.hosts.find((h) => h.id === migration.sourceHost);
    const targetPlan = document.hosts.find((h) => h.id === migration.targetHost);
    if (!source?.observed || !target?.observed || !sourcePlan || !targetPlan) continue;
    if (source.migrated?.some((m) => m.migration === migration.id)) continue;
    const checks = preflightChecks({ migration, sourcePlan, targetPlan, source: source.observed, target: target.observed, guest: { kind: "no-access", script: "" } });
    out.push({ migration: migration.id, checks });
  }
  return out;
}

function vfCluster(host: HostPlan, domain: string | undefined): string {
  return domain && host.desired.domains.some((d) => d.name === domain) ? ids.domain(host.id, domain) : ids.host(host.id);
}

function declaredVfs(host: HostPlan): { vf: DesiredVf; domain?: DesiredDomain }[] {
  return [...host.desired.domains.flatMap((domain) => domain.vfs.map((vf) => ({ vf, domain }))), ...host.desired.unassignedVfs.map((vf) => ({ vf }))];
}

/** The observed VF a declared VF stands for: by name, or (adopted) by its pseudonym. */
function matchVf(observed: ObservedHost, vf: DesiredVf): ObservedVf | undefined {
  return findVfByName(observed, vf.name) ?? (vf.vf !== undefined ? findVfByAlias(observed, vf.vf) : undefined);
}

/** Domains moved by a configured migration (not drift): domain -> its target host. */
type Moved = ReadonlyMap<string, string>;

function markVfs(b: GraphBuilder, host: HostPlan, observed: ObservedHost, moved: Moved): void {
  const matched = new Set<string>();
  const missingOnPf = new Map<string, string[]>();
  for (const { vf } of declaredVfs(host)) {
    const node = b.getNode(ids.vf(host.id, vf.name)) as GraphNode;
    const found = matchVf(observed, vf);
    if (!found) {
      addMark(node, "missing", `no VF named ${vf.name} on ${host.id}`);
      const pf = vf.pf ?? (vf.vf !== undefined ? pfOfPseudonym(vf.vf) : undefined);
      if (pf !== undefined) missingOnPf.set(pf, [...(missingOnPf.get(pf) ?? []), vf.name]);
      continue;
    }
    matched.add(found.alias);
    node.lines.push(`is ${found.alias}${found.status ? ` (${found.status})` : ""}`);
    if (found.name !== vf.name) addMark(node, "renamed", `${found.alias} is named ${found.name ?? "(no name)"}, declared ${vf.name}`);
    for (const [property, value] of Object.entries(vf.properties).sort(([a], [c]) => (a < c ? -1 : 1))) {
      if (value === undefined || evaluateCondition({ kind: "vf-property", name: found.name ?? vf.name, property: property as keyof DesiredVf["properties"], value }, observed)) continue;
      addMark(node, "differs", `${property}: declared ${value}, on ${host.id} ${found.properties[property] ?? "(none)"}`);
    }
    const movedAway = vf.domain !== undefined && moved.get(vf.domain) !== undefined && moved.get(vf.domain) !== host.id && found.domain === undefined;
    const movedHere = vf.domain === undefined && found.domain !== undefined && moved.get(found.domain) === host.id;
    if (movedAway || movedHere) node.notes.push(movedAway ? `unassigned: ${vf.domain} migrated to ${moved.get(vf.domain!)}` : `assigned to ${found.domain}, which migrated here`);
    else if ((found.domain ?? undefined) !== (vf.domain ?? undefined)) {
      addMark(node, "differs", `${found.domain ? `assigned to ${found.domain}` : "unassigned"}, declared ${vf.domain ? `assigned to ${vf.domain}` : "unassigned"}`);
    }
  }
  for (const vf of [...observed.vfs].sort((a, c) => (a.alias < c.alias ? -1 : 1))) {
    if (matched.has(vf.alias) || (vf.class !== undefined && vf.class !== "NETWORK")) continue;
    const id = vf.name ? ids.vf(host.id, vf.name) : ids.vfAlias(host.id, vf.alias);
    const node = b.node(id, "vf", [`VF ${vf.name ?? "(no name)"}`, vf.alias, ...(vf.domain ? [`assigned to ${vf.domain}`] : ["unassigned"]), ...(propertyText(vf.properties) ? [propertyText(vf.properties)] : [])], vfCluster(host, vf.domain));
    const insteadOf = missingOnPf.get(vf.pf);
    if (insteadOf?.length) addMark(node, "renamed", `on ${vf.pf}, where ${insteadOf.join(", ")} is declared`);
    else addMark(node, "extra", `on ${host.id}, not in the plan document`);
    const pf = ids.pf(host.id, vf.pf);
    b.node(pf, "pf", ["PF", vf.pf], ids.host(host.id));
    b.edge(pf, id, "pf-vf");
  }
}

function markDomains(b: GraphBuilder, host: HostPlan, input: ObservedHostInput, observed: ObservedHost): void {
  for (const domain of host.desired.domains) {
    const cluster = b.getCluster(ids.domain(host.id, domain.name)) as GraphCluster;
    const moved = input.migrated?.find((m) => m.domain === domain.name);
    const found = findDomain(observed, domain.name);
    if (moved) {
      cluster.notes.push(`migrated to ${moved.targetHost} (${moved.migration}): its steps here are skipped`);
      continue;
    }
    if (!found) {
      addMark(cluster, "missing", `no domain ${domain.name} on ${host.id}`);
      continue;
    }
    cluster.notes.push(`state: ${found.state}`);
    for (const vnet of domain.vnets) {
      const node = b.getNode(ids.vnet(host.id, domain.name, vnet.ifName)) as GraphNode;
      const seen = found.vnets.find((v) => v.ifName === vnet.ifName);
      if (!seen) {
        addMark(node, "missing", `no vnet ${vnet.ifName} in ${domain.name}`);
        continue;
      }
      if (seen.vswitch !== vnet.vswitch) addMark(node, "differs", `on switch ${seen.vswitch}, declared ${vnet.vswitch}`);
      for (const [property, value] of Object.entries(vnet.properties).sort(([a], [c]) => (a < c ? -1 : 1))) {
        if (value === undefined) continue;
        const same = evaluateCondition({ kind: "vnet-property", domain: domain.name, ifName: vnet.ifName, property: property as "pvid", value }, observed);
        if (!same) addMark(node, "differs", `${property}: declared ${value}, on ${host.id} ${seen.properties[property] ?? "(none)"}`);
      }
    }
    for (const seen of found.vnets) {
      if (domain.vnets.some((v) => v.ifName === seen.ifName)) continue;
      const id = ids.vnet(host.id, domain.name, seen.ifName);
      const node = b.node(id, "vnet", [`vnet ${seen.ifName}`, ...(propertyText(seen.properties) ? [propertyText(seen.properties)] : [])], ids.domain(host.id, domain.name));
      addMark(node, "extra", `in ${domain.name}, not in the plan document`);
      b.node(ids.vswitch(host.id, seen.vswitch), "vswitch", ["virtual switch", seen.vswitch], ids.host(host.id));
      b.edge(id, ids.vswitch(host.id, seen.vswitch), "vnet-vswitch");
    }
  }
}

function markVswitches(b: GraphBuilder, host: HostPlan, observed: ObservedHost): void {
  for (const node of b.nodes().filter((n) => n.kind === "vswitch" && n.cluster === ids.host(host.id))) {
    const name = node.lines[1] as string;
    if (!observed.vswitches.includes(name)) addMark(node, "missing", `no virtual switch ${name} on ${host.id}`);
  }
}

/** The node or cluster a step acts on. */
function stepTarget(b: GraphBuilder, host: string, step: Step): { marks: GraphNode["marks"]; notes: string[] } | undefined {
  switch (step.kind) {
    case "create-vf":
    case "name-vf":
    case "set-vf":
    case "assign-vf":
    case "destroy-vf":
      return b.getNode(ids.vf(host, step.object.vf));
    case "add-vnet":
    case "set-vnet":
      return b.getNode(ids.vnet(host, step.object.domain, step.object.vnet));
  }
}

/** Marks what a planned step will change; a step whose object has no node marks its host. */
export function markPending(b: GraphBuilder, host: HostPlan, lines: readonly { stepId: string; text: string }[]): void {
  for (const { stepId, text } of lines) {
    const step = host.steps.find((s) => s.id === stepId);
    const target = (step && stepTarget(b, host.id, step)) ?? b.getCluster(ids.host(host.id));
    if (target) addMark(target, "pending", text);
  }
}

function actionText(a: PlannedAction): string {
  return `${a.symbol} ${a.summary}`;
}

function markHost(b: GraphBuilder, host: HostPlan, input: ObservedHostInput | undefined, moved: Moved): void {
  const cluster = b.getCluster(ids.host(host.id)) as GraphCluster;
  if (!input) {
    cluster.notes.push("not read in this run");
    return;
  }
  if (!input.observed) {
    addMark(cluster, "missing", `could not be read: ${input.error ?? "unknown error"}`);
    return;
  }
  markVfs(b, host, input.observed, moved);
  markDomains(b, host, input, input.observed);
  markVswitches(b, host, input.observed);
  markPending(b, host, input.actions.map((a) => ({ stepId: a.stepId, text: actionText(a) })));
  for (const problem of input.problems) cluster.notes.push(...wrap(`problem: ${problem}`, 60));
}

/** Whole-word occurrence of a name in a message (names hold `.`, `-`, `:`, `+`, `_`). */
export function mentions(message: string, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(^|[^A-Za-z0-9_+.:-])${escaped}($|[^A-Za-z0-9_+:-]|\\.(?![A-Za-z0-9]))`).test(message);
}

type Markable = { marks: GraphNode["marks"]; notes: string[] };

/** The objects a failed check of a migration is about, by its rule and the names in its message. */
function checkTargets(b: GraphBuilder, document: PlanDocument, migrationId: string, check: MigrationCheck): Markable[] {
  const m = document.migrations.find((x) => x.id === migrationId);
  if (!m) return [];
  const domainCluster = b.getCluster(ids.domain(m.sourceHost, m.domain));
  const desired = document.hosts.find((h) => h.id === m.sourceHost)?.desired.domains.find((d) => d.name === m.domain);
  const named = (candidates: readonly (readonly [string, Markable | undefined])[]): Markable[] =>
    candidates.filter(([name, x]) => x !== undefined && mentions(check.message, name)).map(([, x]) => x as Markable);
  const sourceVfs = m.targetVfs.map((t) => [t.name, b.getNode(ids.vf(m.sourceHost, t.name))] as const);
  const targetVfs = m.targetVfs.map((t) => [t.name, b.getNode(ids.vf(m.targetHost, t.name))] as const);
  const vnets = (desired?.vnets ?? []).map((v) => [v.ifName, b.getNode(ids.vnet(m.sourceHost, m.domain, v.ifName))] as const);
  const groups = (desired?.ipmpGroups ?? []).map((g) => [g.name, b.getNode(ids.ipmp(m.sourceHost, m.domain, g.name))] as const);
  const migrationEdges = b.edges().filter((e) => e.kind === "migration" && e.label?.endsWith(`(${m.id})`)) as GraphEdge[];
  const fallback = (x: Markable | undefined): Markable[] => (x ? [x] : []);
  let found: Markable[];
  switch (check.rule) {
    case 1:
      found = named(sourceVfs);
      return found.length ? found : fallback(domainCluster);
    case 2:
      return fallback(domainCluster);
    case 3:
      found = named(groups);
      return found.length ? found : groups.length ? groups.flatMap(([, g]) => fallback(g)) : fallback(domainCluster);
    case 4:
      found = named([...sourceVfs, ...vnets]);
      return found.length ? found : groups.flatMap(([, g]) => fallback(g));
    case 5: {
      const switches = m.requiredVswitches.map((s) => [s, b.getNode(ids.vswitch(m.targetHost, s))] as const);
      found = named([...targetVfs, ...switches]);
      return found.length ? found : fallback(b.getCluster(ids.host(m.targetHost)));
    }
    case undefined:
    default:
      return migrationEdges;
  }
}

/** Marks the objects each failed migration check is about (`blocked`, with the check's message). */
export function markChecks(b: GraphBuilder, document: PlanDocument, checks: readonly MigrationChecks[]): void {
  for (const { migration, checks: list } of checks) {
    for (const check of list) {
      if (check.status !== "failed") continue;
      for (const target of checkTargets(b, document, migration, check)) {
        addMark(target, "blocked", `${migration}, rule ${check.rule ?? "?"}: ${check.message}`);
      }
    }
  }
}

/** The declared topology of a document, marked with what its hosts showed. */
export function observedTopology(document: PlanDocument, input: ObservedInput): TopologyGraph {
  const read = input.hosts.filter((h) => h.observed).map((h) => h.id);
  const b = declaredInto(new GraphBuilder(""), document);
  const moved = new Map(input.hosts.flatMap((h) => (h.migrated ?? []).map((m) => [m.domain, m.targetHost] as const)));
  for (const host of document.hosts) markHost(b, host, input.hosts.find((h) => h.id === host.id), moved);
  markChecks(b, document, input.migrationChecks ?? preflightFromObserved(document, input.hosts));
  const graph = b.graph();
  return { ...graph, title: `stack ${document.stack}: observed on ${read.join(", ") || "no host"}, compared with the plan document\n${summary(graph)}` };
}

function summary(graph: TopologyGraph): string {
  const counted = { drift: 0, pending: 0, blocked: 0 };
  for (const x of [...graph.clusters, ...graph.nodes, ...graph.edges]) {
    if (x.marks.some((m) => m === "missing" || m === "extra" || m === "renamed" || m === "differs")) counted.drift++;
    if (x.marks.includes("pending")) counted.pending++;
    if (x.marks.includes("blocked")) counted.blocked++;
  }
  return `${counted.drift} drifted, ${counted.pending} with pending steps, ${counted.blocked} blocking a migration`;
}
