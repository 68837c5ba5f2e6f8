// Public API of cdktf-ldoms.
export * from "./model";
export * from "./ldm";
