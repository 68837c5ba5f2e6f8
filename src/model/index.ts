export * from "./plan-document";
export * from "./inventory";
export * from "./errors";
export { checkAgainstSchema, prepareSchemaCheck, type SchemaCheck } from "./schema-validation";
