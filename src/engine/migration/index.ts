// Migration: preflight proofs, dry run, migration with progress and cancel, post-verify, guest IPMP.
export * from "./control";
export * from "./events";
export * from "./guest-access";
export * from "./guest-ipmp";
export * from "./guest-ipmp-apply";
export * from "./guest-ipmp-plan";
export * from "./post-checks";
export * from "./preflight";
export * from "./report";
export * from "./run-migration";
