export * from "./plan-builder";
export * from "./steps";
export * from "./shell-script";
export * from "./artifacts";
export * from "./host-digest";
export * from "./stable-json";
export * from "./local-exec";
