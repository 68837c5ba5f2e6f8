/**
 * The graph as Graphviz DOT text. Everything is written in the graph's sorted order with
 * explicit colours and fonts, so the same graph gives the same bytes and the same layout.
 */
import { wrap, type GraphCluster, type GraphEdge, type GraphNode, type TopologyGraph } from "./model";
import { BACKGROUND, CLUSTER_STYLES, EDGE_STYLES, FONT, MARK_STYLES, NODE_STYLES, TITLE_COLOUR, leadingMark, type BoxStyle } from "./style";

/** A DOT double-quoted string. */
export function quote(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

/** A label whose lines are left-justified (`\l` ends each line). */
class LeftLabel {
  constructor(readonly lines: readonly string[]) {}
  toString(): string {
    return `"${this.lines.map((l) => quote(l).slice(1, -1)).join("\\l")}\\l"`;
  }
}

/** The title in lines of at most 90 characters, so it is never wider than it can be drawn. */
const TITLE_WIDTH = 90;

const NOTE_WIDTH = 44;

function labelText(lines: readonly string[], notes: readonly string[]): string {
  return [...lines, ...notes.flatMap((n) => wrap(n, NOTE_WIDTH))].join("\n");
}

function attributes(attrs: Record<string, string | number | LeftLabel | undefined>): string {
  return Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === "number" || v instanceof LeftLabel ? String(v) : quote(v as string)}`)
    .join(", ");
}

function boxStyle(base: BoxStyle, marks: GraphNode["marks"]): BoxStyle & { dashed: boolean; width: number } {
  const mark = leadingMark(marks);
  if (!mark) return { ...base, dashed: false, width: 1 };
  return { ...MARK_STYLES[mark], width: 2.5 };
}

function nodeLine(node: GraphNode, indent: string): string {
  const style = boxStyle(NODE_STYLES[node.kind], node.marks);
  const shape = node.kind === "network" ? "ellipse" : node.kind === "ipmp" ? "hexagon" : "box";
  return `${indent}${quote(node.id)} [${attributes({
    id: node.id,
    label: labelText(node.lines, node.notes),
    shape,
    style: `${shape === "box" ? "rounded," : ""}filled${style.dashed ? ",dashed" : ""}`,
    fillcolor: style.fill,
    fontcolor: style.text,
    color: style.border,
    penwidth: style.width,
  })}];`;
}

function clusterLines(graph: TopologyGraph, cluster: GraphCluster, depth: number): string[] {
  const indent = "  ".repeat(depth);
  const style = boxStyle(CLUSTER_STYLES[cluster.kind], cluster.marks);
  const lines = [`${indent}subgraph ${quote(`cluster_${cluster.id}`)} {`];
  lines.push(`${indent}  graph [${attributes({
    id: cluster.id,
    label: new LeftLabel([cluster.label, ...cluster.notes.flatMap((n) => wrap(n, NOTE_WIDTH + 16))]),
    style: `rounded,filled${style.dashed ? ",dashed" : ""}`,
    fillcolor: style.fill,
    fontcolor: style.text,
    color: style.border,
    penwidth: style.width,
    fontsize: cluster.kind === "domain" ? 12 : 14,
  })}];`);
  for (const node of graph.nodes.filter((n) => n.cluster === cluster.id)) lines.push(nodeLine(node, `${indent}  `));
  for (const child of graph.clusters.filter((c) => c.parent === cluster.id)) lines.push(...clusterLines(graph, child, depth + 1));
  lines.push(`${indent}}`);
  return lines;
}

function edgeLine(edge: GraphEdge): string {
  const base = EDGE_STYLES[edge.kind];
  const mark = leadingMark(edge.marks);
  const colour = mark ? MARK_STYLES[mark].border : base.colour;
  const label = [edge.label ?? "", ...edge.notes.flatMap((n) => wrap(n, NOTE_WIDTH))].filter(Boolean).join("\n");
  return `  ${quote(edge.from)} -> ${quote(edge.to)} [${attributes({
    id: `edge:${edge.kind}:${edge.from}->${edge.to}`,
    label: label || undefined,
    color: colour,
    fontcolor: mark ? MARK_STYLES[mark].text : colour,
    style: mark === "missing" ? "dashed" : base.style,
    penwidth: mark ? Math.max(base.width, 2.5) : base.width,
    arrowhead: edge.kind === "network" ? "none" : undefined,
    constraint: edge.kind === "migration" ? "true" : undefined,
  })}];`;
}

/** The graph in DOT, ending with a newline. */
export function toDot(graph: TopologyGraph): string {
  const lines = [
    "digraph topology {",
    `  graph [${attributes({
      label: new LeftLabel(graph.title.split("\n").flatMap((line) => wrap(line, TITLE_WIDTH))),
      labelloc: "t",
      labeljust: "l",
      fontname: FONT,
      fontsize: 16,
      fontcolor: TITLE_COLOUR,
      bgcolor: BACKGROUND,
      rankdir: "LR",
      nodesep: 0.3,
      ranksep: 0.6,
      pad: 0.3,
      newrank: "true",
    })}];`,
    `  node [${attributes({ fontname: FONT, fontsize: 11, margin: "0.2,0.08" })}];`,
    `  edge [${attributes({ fontname: FONT, fontsize: 10 })}];`,
  ];
  for (const cluster of graph.clusters.filter((c) => c.parent === undefined)) lines.push(...clusterLines(graph, cluster, 1));
  for (const node of graph.nodes.filter((n) => n.cluster === undefined)) lines.push(nodeLine(node, "  "));
  for (const edge of graph.edges) lines.push(edgeLine(edge));
  lines.push("}");
  return `${lines.join("\n")}\n`;
}
