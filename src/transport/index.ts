// Public surface of src/transport: the RemoteExecutor seam and its SSH and local implementations.
export * from "./executor";
export * from "./output-limit";
export * from "./transport-error";
export * from "./host-key";
export * from "./legacy-algorithms";
export * from "./ssh-executor";
export * from "./ssh-connection-pool";
export * from "./local-executor";
