export * from "./ldoms-stack";
export * from "./run-app";
