export * from "./syntax";
export { parseCommandLine } from "./parse";
export * from "./filesystem";
export { BUILTINS, LAB_SYSTEM_NAME, type Builtin, type CommandIo } from "./builtins";
export * from "./interpreter";
