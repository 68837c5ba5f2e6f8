/**
 * Destroying an `ldoms_vf`: a host plan holding only the engine's destroy-vf step, so the destroy
 * runs like every other change (the host's lock, a read, the step's guard, `ldm destroy-vf`, a
 * re-read proving the VF gone) and is refused, before anything runs, where `ldm` would refuse it:
 * an assigned VF, or one that is not the last created on its PF.
 */
import type { HostPlan } from "../model";
import { evaluateHost, type ObservedHost } from "../engine";
import { destroyVfStep } from "../synth/steps";

/** The host's plan with nothing desired and one step: destroy the VF named `name`. */
export function destroyHostPlan(host: HostPlan, name: string): HostPlan {
  return { ...host, desired: { vswitches: [], domains: [], unassignedVfs: [] }, steps: [destroyVfStep(name)], guests: [] };
}

/** Why the destroy cannot run on the host as read (empty: it can, or the VF is already gone). */
export function destroyProblems(host: HostPlan, observed: ObservedHost, name: string): string[] {
  return evaluateHost(destroyHostPlan(host, name), observed, false).problems;
}
