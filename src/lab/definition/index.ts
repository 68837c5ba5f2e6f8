/**
 * The lab definition: a JSON file describing the emulated SPARC machines (buses, slots, PFs and
 * their VFs, domains, virtual switches, disk services) and the lab's options. docs/lab.md
 * documents the format, `schema/ldoms-lab.schema.json` is its schema (generated from
 * document.ts), and `loadLabDefinition` validates it and reports every problem with its JSON path
 * and the fix.
 */
export type * from "./document";
export type * from "./types";
export { loadLabDefinition, loadLabDefinitionFile } from "./load";
export { parseMemorySize } from "./resolve";
