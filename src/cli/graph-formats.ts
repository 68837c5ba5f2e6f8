/** The picture formats `ldoms graph` writes; light, so the registration can list them. */
export const GRAPH_FORMATS = ["svg", "dot", "mermaid"] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];
