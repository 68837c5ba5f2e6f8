/**
 * Colours of the picture. Every shape has an explicit light fill and a near-black text colour
 * (contrast above 10:1), and the DOT picture paints its own white background, so it reads the
 * same on a light and a dark page. Marks override the fill and border; each also adds a text
 * line, so nothing depends on colour alone.
 */
import type { ClusterKind, EdgeKind, Mark, NodeKind } from "./model";

export interface BoxStyle {
  readonly fill: string;
  readonly text: string;
  readonly border: string;
}

export const FONT = "Helvetica,Arial,sans-serif";
export const BACKGROUND = "#ffffff";
export const TITLE_COLOUR = "#0f172a";

export const NODE_STYLES: Readonly<Record<NodeKind, BoxStyle>> = {
  pf: { fill: "#e0e7ff", text: "#1e1b4b", border: "#4338ca" },
  vf: { fill: "#dcfce7", text: "#052e16", border: "#15803d" },
  vnet: { fill: "#e0f2fe", text: "#082f49", border: "#0369a1" },
  vswitch: { fill: "#f3e8ff", text: "#3b0764", border: "#7e22ce" },
  network: { fill: "#fef9c3", text: "#422006", border: "#a16207" },
  ipmp: { fill: "#ffedd5", text: "#431407", border: "#c2410c" },
};

export const CLUSTER_STYLES: Readonly<Record<ClusterKind, BoxStyle>> = {
  host: { fill: "#f1f5f9", text: "#0f172a", border: "#475569" },
  domain: { fill: "#ffffff", text: "#0f172a", border: "#64748b" },
  panel: { fill: "#fafafa", text: "#0f172a", border: "#94a3b8" },
};

/** The first mark of an object (in this order) decides its colours. */
export const MARK_PRIORITY: readonly Mark[] = ["blocked", "missing", "renamed", "extra", "differs", "pending"];

export const MARK_STYLES: Readonly<Record<Mark, BoxStyle & { readonly dashed: boolean }>> = {
  blocked: { fill: "#fee2e2", text: "#450a0a", border: "#b91c1c", dashed: false },
  missing: { fill: "#fee2e2", text: "#450a0a", border: "#b91c1c", dashed: true },
  renamed: { fill: "#fce7f3", text: "#500724", border: "#be185d", dashed: false },
  extra: { fill: "#fce7f3", text: "#500724", border: "#be185d", dashed: true },
  differs: { fill: "#fef3c7", text: "#451a03", border: "#b45309", dashed: false },
  pending: { fill: "#e0f2fe", text: "#082f49", border: "#0284c7", dashed: true },
};

export const EDGE_STYLES: Readonly<Record<EdgeKind, { readonly colour: string; readonly style: "solid" | "dashed" | "dotted"; readonly width: number }>> = {
  "pf-vf": { colour: "#4338ca", style: "solid", width: 1.2 },
  "vnet-vswitch": { colour: "#7e22ce", style: "solid", width: 1.2 },
  network: { colour: "#a16207", style: "dotted", width: 1.2 },
  "ipmp-active": { colour: "#c2410c", style: "solid", width: 1.2 },
  "ipmp-standby": { colour: "#c2410c", style: "dashed", width: 1.2 },
  migration: { colour: "#1d4ed8", style: "solid", width: 2.5 },
};

export function leadingMark(marks: readonly Mark[]): Mark | undefined {
  return MARK_PRIORITY.find((m) => marks.includes(m));
}
