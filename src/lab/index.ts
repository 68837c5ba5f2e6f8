// The lab: an emulator of Oracle's `ldm` on SPARC machines defined in a JSON file, with guest
// network models, migration between lab machines, fault injection and a journal.
export type { LdmInvocationResult, LdmRunner } from "./api";
export * from "./definition";
export type { FaultControl, ReplacedAnswer } from "./faults";
export { Lab, type LabOptionsOverride } from "./lab";
export { DEFAULT_LAB_FILE, FC_IB_LAB_FILE } from "./paths";
export * from "./state";
export { InMemoryLabStore, type LabStateStore } from "./store";
export { ALTERNATIVE_VARIANTS, DEFAULT_VARIANTS, VARIANT_PRESETS, resolveVariants, type LabVariants, type VariantPresetName } from "./variants";
