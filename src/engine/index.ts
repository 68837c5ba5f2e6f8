// Public surface of the engine: observe, plan, apply, locks, saved plans, inventory.
export * from "./actions";
export * from "./apply-run";
export * from "./conditions";
export * from "./events";
export * from "./force-unlock";
export * from "./host-session";
export * from "./inventory-file";
export * from "./lock";
export * from "./observe";
export * from "./observed-state";
export * from "./operands";
export * from "./plan-run";
export * from "./saved-plan";
export * from "./preconditions";
export * from "./host-lock";
export * from "./migrated-domains";
export * from "./timeouts";
export { emitListingWarnings, listingWarnings } from "./listing-checks";
