// Public API of cdktf-ldoms.
export * from "./model";
export * from "./ldm";
export * from "./constructs";
export * from "./synth";
export * from "./terraform";
export * from "./lab";
