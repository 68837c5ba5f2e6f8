export * from "./plan-document";
export * from "./inventory";
export * from "./errors";
export { checkAgainstSchema, type SchemaCheck } from "./schema-validation";
