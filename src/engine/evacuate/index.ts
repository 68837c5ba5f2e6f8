export { evacuateHost, type EvacuateOptions } from "./run";
export { placeDomains, targetsOf, type EvacuationCandidate, type Placement } from "./placement";
export { evacuationSucceeded, type EvacuatedDomain, type EvacuatedStatus, type EvacuationOutcome, type EvacuationReport } from "./report";
