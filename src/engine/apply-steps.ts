/**
 * The pure policies of apply, each testable on its own: which steps share one exec (batching),
 * which listings can prove a group of steps, what a step's output teaches (the pseudonym
 * `create-vf` printed), which devices a step would touch while they are `INV`, and the message
 * of a failed step.
 */
import type { HostPlan, Listing, Step } from "../model";
import { ALL_LISTINGS } from "../ldm/argv";
import { stepById, type PlannedAction } from "./actions";
import { createdVfPseudonyms } from "./created-vfs";
import { pfOfVf } from "./observed-from-listings";
import { findVfByName, type ObservedHost, type ObservedVf } from "./observed-state";
import { unmetParts } from "./conditions";
import { isSymbolic, resolveArgv } from "./operands";

/** The planned action of a step. */
export function actionOf(actions: readonly PlannedAction[], step: Step): PlannedAction {
  return actions.find((a) => a.stepId === step.id) as PlannedAction;
}

/** The VF name a create-vf or naming step makes exist. */
export function vfNameMadeBy(step: Step): string | undefined {
  return step.kind === "create-vf" || step.kind === "name-vf" ? step.object.vf : undefined;
}

/**
 * Whether a later step needs what a create-vf leaves behind: it names the new VF (its pseudonym
 * must be known and the VF out of `INV`) or acts on the same PF (`INV` too). Only then does the
 * create-vf's exec also list the devices; otherwise the final proof read shows the VF.
 */
export function laterStepsNeed(created: Step, later: readonly Step[]): boolean {
  if (created.kind !== "create-vf") return false;
  const touches = (operand: Step["argv"][number]): boolean =>
    isSymbolic(operand) ? operand.name === created.object.vf : operand === created.pf || pfOfVf(operand) === created.pf;
  return later.some((step) => step.argv.some(touches));
}

/** Most steps sent in one exec. */
export const MAX_BATCH = 8;

/**
 * The steps sent together, starting at `start`: consecutive steps that need nothing from one
 * another. A batch ends after a create-vf (the next step may need its pseudonym or wait for
 * INV), and before a step whose operands cannot be resolved yet or that touches a device in INV.
 */
export function formBatch(plan: HostPlan, actions: readonly PlannedAction[], start: number, view: ObservedHost, known: ReadonlyMap<string, string>): Step[] {
  const batch: Step[] = [];
  for (let i = start; i < actions.length && batch.length < MAX_BATCH; i++) {
    const step = stepById(plan, (actions[i] as PlannedAction).stepId);
    if (batch.length > 0) {
      const previous = batch[batch.length - 1] as Step;
      // After create-vf, naming or destroy-vf the next step needs a listing (pseudonym, INV).
      if (previous.kind === "create-vf" || previous.kind === "name-vf" || previous.kind === "destroy-vf") break;
      try {
        resolveArgv(step, view, known);
      } catch {
        break;
      }
      if (unsettledDevices(step, view, known).length) break;
    }
    batch.push(step);
  }
  return batch;
}

/** The listings whose output can prove these steps' postconditions (each step names its own). */
export function listingsProving(steps: readonly Step[]): Listing[] {
  const needed = new Set<Listing>(steps.flatMap((step) => step.proof));
  return ALL_LISTINGS.filter((l) => needed.has(l));
}

export function failureMessage(host: string, step: Step, commandLine: string, exitStatus: number | null, stderr: string, done: readonly PlannedAction[]): string {
  return [
    `${host}: step ${step.id} (${step.summary}) failed.`,
    `  command: ${commandLine}`,
    `  exit status: ${exitStatus ?? "unknown"}`,
    `  stderr: ${stderr.trim().split(/\r?\n/).join("\n          ") || "(empty)"}`,
    `  done before it on ${host}: ${done.map((d) => d.stepId).join(", ") || "nothing"}`,
    `  Nothing else was changed on ${host}. Fix the cause and run apply again: it re-reads the host and continues where it stopped.`,
  ].join("\n");
}

/** After create-vf: the printed pseudonym is remembered, and the new VF is expected in INV. */
export function learnFromOutput(step: Step, stdout: string, known: Map<string, string>, addVf: (vf: ObservedVf) => void): void {
  if (step.kind === "name-vf") {
    known.set(step.object.vf, step.pseudonym);
    return;
  }
  if (step.kind !== "create-vf") return;
  const name = step.object.vf;
  const created = createdVfPseudonyms(stdout);
  if (created.length !== 1) return;
  const alias = created[0] as string;
  known.set(name, alias);
  addVf({ alias, pf: pfOfVf(alias), name, status: "INV", properties: {} });
}

/** After destroy-vf: the VF is gone and its PF re-probes (`INV`) like after a create. */
export function withoutVf(view: ObservedHost, alias: string): ObservedHost {
  const pf = view.vfs.find((v) => v.alias === alias)?.pf;
  return {
    ...view,
    vfs: view.vfs.filter((v) => v.alias !== alias),
    pfs: view.pfs.map((p) => (p.alias === pf ? { ...p, status: "INV" } : p)),
  };
}

export function withVf(view: ObservedHost, vf: ObservedVf): ObservedHost {
  return {
    ...view,
    vfs: [...view.vfs.filter((v) => v.alias !== vf.alias), vf],
    pfs: view.pfs.map((pf) => (pf.alias === vf.pf ? { ...pf, status: "INV" } : pf)),
  };
}

/** Devices a step touches that are in `INV` now. */
export function unsettledDevices(step: Step, view: ObservedHost, known: ReadonlyMap<string, string>): string[] {
  let argv: string[];
  try {
    argv = resolveArgv(step, view, known);
  } catch {
    return [];
  }
  const touched = new Set<string>();
  for (const token of argv) {
    const vf = view.vfs.find((v) => v.alias === token);
    if (vf) {
      touched.add(vf.alias);
      touched.add(vf.pf);
    }
    if (view.pfs.some((pf) => pf.alias === token)) touched.add(token);
  }
  const inv = (status?: string) => status === "INV";
  return [...touched].filter((alias) => inv(view.vfs.find((v) => v.alias === alias)?.status) || inv(view.pfs.find((pf) => pf.alias === alias)?.status)).sort();
}

/**
 * What a final re-read does not show of the steps done: each unmet postcondition, and each VF
 * whose pseudonym differs from the one `create-vf` printed.
 */
export function unprovenParts(steps: readonly Step[], known: ReadonlyMap<string, string>, observed: ObservedHost): string[] {
  const unmet: string[] = [];
  for (const step of steps) for (const part of unmetParts(step.postcondition, observed)) unmet.push(`${step.id}: ${part}`);
  for (const [name, alias] of known) {
    const vf = findVfByName(observed, name);
    if (vf && vf.alias !== alias) unmet.push(`VF "${name}" is ${vf.alias}, but create-vf printed ${alias}`);
  }
  return unmet;
}
