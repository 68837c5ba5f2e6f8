/**
 * The topology picture as plain data: clusters (control domains, guest domains), nodes (PFs,
 * VFs, vnets, virtual switches, networks, IPMP groups) and edges, each with the marks that say
 * how what was read differs from what is declared. DOT and Mermaid are rendered from this; the
 * builders fill it from the plan document (and, optionally, what the hosts showed).
 */

export type NodeKind = "pf" | "vf" | "vnet" | "vswitch" | "network" | "ipmp";

export type ClusterKind = "host" | "domain" | "panel";

export type EdgeKind = "pf-vf" | "vnet-vswitch" | "network" | "ipmp-active" | "ipmp-standby" | "migration";

/**
 * What a node, cluster or edge shows besides its declared self:
 * - `missing`: declared, not on the host;
 * - `extra`: on the host, not declared;
 * - `renamed`: on the host under another name than the one declared for it;
 * - `differs`: on the host, with a property or assignment other than declared;
 * - `pending`: a step of the plan will change it;
 * - `blocked`: a migration check fails because of it.
 */
export type Mark = "missing" | "extra" | "renamed" | "differs" | "pending" | "blocked";

export const MARKS: readonly Mark[] = ["missing", "extra", "renamed", "differs", "pending", "blocked"];

export interface GraphCluster {
  /** Unique, stable id (`host:t7-a`, `domain:t7-a:ldg1`). */
  readonly id: string;
  readonly kind: ClusterKind;
  readonly label: string;
  /** Enclosing cluster; absent at the top level. */
  readonly parent?: string;
  readonly marks: Mark[];
  /** Lines shown under the label (drift, problems, pending steps). */
  readonly notes: string[];
}

export interface GraphNode {
  /** Unique, stable id (`vf:t7-a:ldg1-app`). */
  readonly id: string;
  readonly kind: NodeKind;
  /** Lines of the label; the first names the object. */
  readonly lines: string[];
  /** Enclosing cluster; absent at the top level (networks). */
  readonly cluster?: string;
  readonly marks: Mark[];
  /** Lines shown under the label (drift, problems, pending steps). */
  readonly notes: string[];
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: EdgeKind;
  readonly label?: string;
  readonly marks: Mark[];
  readonly notes: string[];
}

export interface TopologyGraph {
  /** Above the picture; `\n` separates lines. */
  readonly title: string;
  readonly clusters: readonly GraphCluster[];
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

/** The words a mark puts in front of its notes. */
export const MARK_WORDS: Readonly<Record<Mark, string>> = {
  blocked: "BLOCKS MIGRATION",
  missing: "MISSING",
  renamed: "NAMED DIFFERENTLY",
  extra: "NOT DECLARED",
  differs: "DIFFERS",
  pending: "PENDING",
};

/** Marks a node, cluster or edge and adds the note that says why. */
export function addMark(target: { marks: Mark[]; notes: string[] }, mark: Mark, text: string): void {
  if (!target.marks.includes(mark)) target.marks.push(mark);
  target.notes.push(`${MARK_WORDS[mark]}: ${text}`);
}

/** Code-point order, independent of the locale. */
export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The same graph with clusters, nodes and edges in one order whatever built it. */
export function sortedGraph(graph: TopologyGraph): TopologyGraph {
  const edgeKey = (e: GraphEdge) => `${e.from}\u0000${e.to}\u0000${e.kind}\u0000${e.label ?? ""}`;
  const clean = <T extends { marks: Mark[]; notes: string[] }>(x: T): T => ({
    ...x,
    marks: MARKS.filter((m) => x.marks.includes(m)),
    notes: [...new Set(x.notes)],
  });
  return {
    title: graph.title,
    clusters: [...graph.clusters].map(clean).sort((a, b) => byCodePoint(a.id, b.id)),
    nodes: [...graph.nodes].map(clean).sort((a, b) => byCodePoint(a.id, b.id)),
    edges: [...graph.edges].map(clean).sort((a, b) => byCodePoint(edgeKey(a), edgeKey(b))),
  };
}

/** Counts of marked objects, for the title and summaries. */
export function markCounts(graph: TopologyGraph): Record<Mark, number> {
  const counts = Object.fromEntries(MARKS.map((m) => [m, 0])) as Record<Mark, number>;
  for (const x of [...graph.clusters, ...graph.nodes, ...graph.edges]) for (const m of x.marks) counts[m]++;
  return counts;
}

/** Splits text into lines of at most `width` characters, at spaces where it can. */
export function wrap(text: string, width = 48): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    let rest = word;
    while (rest.length > width) {
      if (line) {
        lines.push(line);
        line = "";
      }
      lines.push(rest.slice(0, width));
      rest = rest.slice(width);
    }
    if (!line) line = rest;
    else if (line.length + 1 + rest.length <= width) line = `${line} ${rest}`;
    else {
      lines.push(line);
      line = rest;
    }
  }
  if (line) lines.push(line);
  return lines;
}
