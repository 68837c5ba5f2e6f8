/**
 * The graph as a Mermaid flowchart, for Markdown in docs and pull requests (GitHub and GitLab
 * render it). Ids are numbered in the graph's sorted order; colours are explicit fills and text
 * colours, as in the DOT picture.
 */
import { wrap, type GraphCluster, type TopologyGraph } from "./model";
import { CLUSTER_STYLES, EDGE_STYLES, MARK_STYLES, NODE_STYLES, leadingMark, type BoxStyle } from "./style";

/** Text inside a Mermaid `"..."` label: quotes and markup characters as entities. */
function text(s: string): string {
  return s.replace(/&/g, "#amp;").replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;");
}

function label(lines: readonly string[], notes: readonly string[]): string {
  return [...lines, ...notes.flatMap((n) => wrap(n, 44))].map(text).join("<br/>");
}

function styleText(style: BoxStyle, dashed = false, width = 1): string {
  return `fill:${style.fill},color:${style.text},stroke:${style.border},stroke-width:${width}px${dashed ? ",stroke-dasharray:5 3" : ""}`;
}

/** The graph as Mermaid text (`flowchart LR`), ending with a newline. */
export function toMermaid(graph: TopologyGraph): string {
  const nodeIds = new Map(graph.nodes.map((n, i) => [n.id, `n${i + 1}`]));
  const clusterIds = new Map(graph.clusters.map((c, i) => [c.id, `c${i + 1}`]));
  const lines = ["---", `title: ${JSON.stringify(graph.title.replace(/\n/g, "; "))}`, "---", "flowchart LR"];
  const classes = new Set<string>();

  const clusterBlock = (cluster: GraphCluster, depth: number): void => {
    const indent = "  ".repeat(depth);
    lines.push(`${indent}subgraph ${clusterIds.get(cluster.id)}["${label([cluster.label], cluster.notes)}"]`);
    lines.push(`${indent}  direction LR`);
    for (const node of graph.nodes.filter((n) => n.cluster === cluster.id)) nodeLine(node.id, `${indent}  `);
    for (const child of graph.clusters.filter((c) => c.parent === cluster.id)) clusterBlock(child, depth + 1);
    lines.push(`${indent}end`);
  };
  const nodeLine = (id: string, indent: string): void => {
    const node = graph.nodes.find((n) => n.id === id)!;
    const body = `"${label(node.lines, node.notes)}"`;
    const shaped = node.kind === "network" ? `([${body}])` : node.kind === "ipmp" ? `{{${body}}}` : `(${body})`;
    const mark = leadingMark(node.marks);
    const cls = mark ? `mark_${mark}` : node.kind;
    classes.add(cls);
    lines.push(`${indent}${nodeIds.get(id)}${shaped}:::${cls}`);
  };

  for (const cluster of graph.clusters.filter((c) => c.parent === undefined)) clusterBlock(cluster, 1);
  for (const node of graph.nodes.filter((n) => n.cluster === undefined)) nodeLine(node.id, "  ");
  graph.edges.forEach((edge) => {
    const base = EDGE_STYLES[edge.kind];
    const arrow = edge.kind === "network" ? "-.-" : base.style === "dashed" ? "-.->" : edge.kind === "migration" ? "==>" : "-->";
    const words = [edge.label ?? "", ...edge.notes].filter(Boolean).join("; ");
    lines.push(`  ${nodeIds.get(edge.from)} ${arrow}${words ? `|"${text(words)}"|` : ""} ${nodeIds.get(edge.to)}`);
  });
  for (const cls of [...classes].sort()) {
    if (cls.startsWith("mark_")) {
      const mark = MARK_STYLES[cls.slice(5) as keyof typeof MARK_STYLES];
      lines.push(`  classDef ${cls} ${styleText(mark, mark.dashed, 2)}`);
    } else {
      lines.push(`  classDef ${cls} ${styleText(NODE_STYLES[cls as keyof typeof NODE_STYLES])}`);
    }
  }
  for (const cluster of graph.clusters) {
    const mark = leadingMark(cluster.marks);
    const style = mark ? MARK_STYLES[mark] : CLUSTER_STYLES[cluster.kind];
    lines.push(`  style ${clusterIds.get(cluster.id)} ${styleText(style, mark ? MARK_STYLES[mark].dashed : false, mark ? 2 : 1)}`);
  }
  graph.edges.forEach((edge, i) => {
    const mark = leadingMark(edge.marks);
    const base = EDGE_STYLES[edge.kind];
    lines.push(`  linkStyle ${i} stroke:${mark ? MARK_STYLES[mark].border : base.colour},stroke-width:${mark ? 2.5 : base.width}px`);
  });
  return `${lines.join("\n")}\n`;
}
