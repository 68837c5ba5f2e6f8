// The topology picture: plan document (+ what the hosts showed) -> graph -> DOT, Mermaid, SVG.
export * from "./model";
export * from "./declared";
export * from "./observed";
export * from "./migration-picture";
export * from "./dot";
export * from "./mermaid";
export * from "./svg";
