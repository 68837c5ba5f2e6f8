export * from "./plan-document";
export * from "./inventory";
export * from "./errors";
