// `ldoms status`: the report of every declared domain (pure) and the reads behind it.
export * from "./read-status";
export * from "./status-report";
