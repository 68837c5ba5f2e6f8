// `ldoms doctor`: allow-listed read-only capture, the bundle, redaction, assumption checks.
export * from "./bundle";
export * from "./checks";
export * from "./commands";
export * from "./redact";
export * from "./report";
export * from "./run-doctor";
export * from "./runner";
