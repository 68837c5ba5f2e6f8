/**
 * The declared topology: what the plan document says, as a graph. Per control domain its PFs,
 * the named VFs on them (created or adopted), its guest domains with the VFs they hold, their
 * vnets and IPMP groups, and its virtual switches; the networks (VLANs) they reach; each
 * migration as an arrow from the source VF to the same-named VF on the target.
 */
import type { DesiredDomain, DesiredVf, HostPlan, MigrationPlan, NetworkRef, PlanDocument, VfProperties } from "../model";
import { sortedGraph, type EdgeKind, type GraphCluster, type GraphEdge, type GraphNode, type NodeKind, type TopologyGraph } from "./model";

/** Ids of the objects of a graph, one scheme for every builder. */
export const ids = {
  host: (host: string) => `host:${host}`,
  domain: (host: string, domain: string) => `domain:${host}:${domain}`,
  pf: (host: string, pf: string) => `pf:${host}:${pf}`,
  vf: (host: string, name: string) => `vf:${host}:${name}`,
  /** An unnamed VF found on a host, by its pseudonym. */
  vfAlias: (host: string, alias: string) => `vf:${host}:@${alias}`,
  vnet: (host: string, domain: string, ifName: string) => `vnet:${host}:${domain}:${ifName}`,
  vswitch: (host: string, name: string) => `vsw:${host}:${name}`,
  network: (name: string) => `net:${name}`,
  ipmp: (host: string, domain: string, group: string) => `ipmp:${host}:${domain}:${group}`,
};

/** The PF a VF pseudonym belongs to (`/SYS/MB/NET0/IOVNET.PF0.VF3` -> `/SYS/MB/NET0/IOVNET.PF0`). */
export function pfOfPseudonym(vf: string): string | undefined {
  return /^(.+)\.VF\d+$/.exec(vf)?.[1];
}

/** `pvid=100 vid=200,300` in the property order of the document. */
export function propertyText(properties: VfProperties | Readonly<Record<string, string | undefined>>): string {
  return Object.keys(properties)
    .sort()
    .map((k) => `${k}=${(properties as Record<string, string>)[k]}`)
    .join(" ");
}

export function networkText(network: NetworkRef): string {
  return network.vlan === undefined ? "untagged" : `VLAN ${network.vlan}`;
}

/** A mutable graph under construction; `graph()` returns it sorted. */
export class GraphBuilder {
  private readonly clusterMap = new Map<string, GraphCluster>();
  private readonly nodeMap = new Map<string, GraphNode>();
  private readonly edgeList: GraphEdge[] = [];

  constructor(private readonly title: string) {}

  cluster(id: string, kind: GraphCluster["kind"], label: string, parent?: string): GraphCluster {
    let c = this.clusterMap.get(id);
    if (!c) {
      c = { id, kind, label, ...(parent ? { parent } : {}), marks: [], notes: [] };
      this.clusterMap.set(id, c);
    }
    return c;
  }

  node(id: string, kind: NodeKind, lines: string[], cluster?: string): GraphNode {
    let n = this.nodeMap.get(id);
    if (!n) {
      n = { id, kind, lines, ...(cluster ? { cluster } : {}), marks: [], notes: [] };
      this.nodeMap.set(id, n);
    }
    return n;
  }

  edge(from: string, to: string, kind: EdgeKind, label?: string): GraphEdge {
    const found = this.edgeList.find((e) => e.from === from && e.to === to && e.kind === kind);
    if (found) return found;
    const e: GraphEdge = { from, to, kind, ...(label ? { label } : {}), marks: [], notes: [] };
    this.edgeList.push(e);
    return e;
  }

  getNode(id: string): GraphNode | undefined {
    return this.nodeMap.get(id);
  }

  getCluster(id: string): GraphCluster | undefined {
    return this.clusterMap.get(id);
  }

  edges(): readonly GraphEdge[] {
    return this.edgeList;
  }

  nodes(): readonly GraphNode[] {
    return [...this.nodeMap.values()];
  }

  graph(title = this.title): TopologyGraph {
    return sortedGraph({ title, clusters: [...this.clusterMap.values()], nodes: [...this.nodeMap.values()], edges: this.edgeList });
  }
}

function pfNode(b: GraphBuilder, host: string, pf: string): string {
  const id = ids.pf(host, pf);
  b.node(id, "pf", ["PF", pf], ids.host(host));
  return id;
}

function networkNode(b: GraphBuilder, network: NetworkRef): string {
  const id = ids.network(network.name);
  b.node(id, "network", [`network ${network.name}`, networkText(network)]);
  return id;
}

/** A declared VF: its node in the domain (or the host when unassigned), its PF and network. */
export function addDeclaredVf(b: GraphBuilder, host: string, vf: DesiredVf, cluster: string): string {
  const id = ids.vf(host, vf.name);
  const origin = vf.pf !== undefined ? "created on its PF" : `adopted: ${vf.vf ?? "?"}`;
  const props = propertyText(vf.properties);
  b.node(id, "vf", [`VF ${vf.name}`, vf.domain ? origin : `unassigned; ${origin}`, ...(props ? [props] : [])], cluster);
  const pf = vf.pf ?? (vf.vf !== undefined ? pfOfPseudonym(vf.vf) : undefined);
  if (pf !== undefined) b.edge(pfNode(b, host, pf), id, "pf-vf");
  if (vf.network) b.edge(id, networkNode(b, vf.network), "network");
  return id;
}

function addDomain(b: GraphBuilder, host: string, domain: DesiredDomain): void {
  const cluster = ids.domain(host, domain.name);
  // A mobile domain is declared on every host of its group; it runs on one of them (observed).
  const title = domain.mobile ? `mobile domain ${domain.name} (group ${domain.mobile.group}: here or on another host)` : `guest domain ${domain.name}`;
  b.cluster(cluster, "domain", title, ids.host(host));
  for (const vf of domain.vfs) addDeclaredVf(b, host, vf, cluster);
  for (const vnet of domain.vnets) {
    const id = ids.vnet(host, domain.name, vnet.ifName);
    const props = propertyText(vnet.properties);
    b.node(id, "vnet", [`vnet ${vnet.ifName}`, ...(props ? [props] : [])], cluster);
    b.node(ids.vswitch(host, vnet.vswitch), "vswitch", ["virtual switch", vnet.vswitch], ids.host(host));
    b.edge(id, ids.vswitch(host, vnet.vswitch), "vnet-vswitch");
    if (vnet.network) b.edge(id, networkNode(b, vnet.network), "network");
  }
  for (const group of domain.ipmpGroups) {
    const id = ids.ipmp(host, domain.name, group.name);
    b.node(id, "ipmp", [`IPMP group ${group.name}`], cluster);
    b.edge(id, ids.vf(host, group.activeVf), "ipmp-active", "active");
    b.edge(id, ids.vnet(host, domain.name, group.standbyVnet), "ipmp-standby", "standby");
  }
  for (const other of domain.otherVfs) {
    b.getCluster(cluster)?.notes.push(`${other.class === "FIBRECHANNEL" ? "Fibre Channel" : "InfiniBand"} VF ${other.device}: cannot migrate`);
  }
}

function addHost(b: GraphBuilder, host: HostPlan): void {
  b.cluster(ids.host(host.id), "host", `control domain ${host.id}`);
  for (const vsw of host.desired.vswitches) {
    const id = ids.vswitch(host.id, vsw.name);
    b.node(id, "vswitch", ["virtual switch", vsw.name, ...(vsw.netDev ? [`net-dev=${vsw.netDev}`] : [])], ids.host(host.id));
    if (vsw.network) b.edge(id, networkNode(b, vsw.network), "network");
  }
  for (const domain of host.desired.domains) addDomain(b, host.id, domain);
  for (const vf of host.desired.unassignedVfs) addDeclaredVf(b, host.id, vf, ids.host(host.id));
}

function addMigration(b: GraphBuilder, m: MigrationPlan): void {
  for (const t of m.targetVfs) {
    const from = ids.vf(m.sourceHost, t.name);
    const to = ids.vf(m.targetHost, t.name);
    // A target VF the document does not list as unassigned (hand-written plans) still gets its node.
    if (!b.getNode(to)) {
      b.cluster(ids.host(m.targetHost), "host", `control domain ${m.targetHost}`);
      addDeclaredVf(b, m.targetHost, { name: t.name, ...(t.pf ? { pf: t.pf } : {}), ...(t.vf ? { vf: t.vf } : {}), properties: {} }, ids.host(m.targetHost));
    }
    b.edge(from, to, "migration", `migrate ${m.domain} (${m.id})`);
  }
  if (m.blockingVfs.length) {
    const domain = b.getCluster(ids.domain(m.sourceHost, m.domain));
    domain?.marks.push("blocked");
    domain?.notes.push(`blocks ${m.id}: ${m.blockingVfs.map((v) => v.device).join(", ")}`);
  }
}

/** The declared topology of a plan document, into a builder (observed marks are added after). */
export function declaredInto(b: GraphBuilder, document: PlanDocument): GraphBuilder {
  for (const host of document.hosts) addHost(b, host);
  for (const m of document.migrations) addMigration(b, m);
  return b;
}

/**
 * The part of a plan document about some hosts: those hosts, and the migrations between two of
 * them (a picture of part of a large stack).
 */
export function documentForHosts(document: PlanDocument, hostIds: readonly string[]): PlanDocument {
  const wanted = new Set(hostIds);
  return {
    ...document,
    hosts: document.hosts.filter((h) => wanted.has(h.id)),
    migrations: document.migrations.filter((m) => wanted.has(m.sourceHost) && wanted.has(m.targetHost)),
  };
}

/** The declared topology of a plan document. */
export function declaredTopology(document: PlanDocument): TopologyGraph {
  return declaredInto(new GraphBuilder(`stack ${document.stack}: declared topology (plan document)`), document).graph();
}
