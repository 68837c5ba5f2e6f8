/**
 * Symbolic operands: a step may name a VF that only exists at apply time (`add-io <pseudonym of
 * VF "ldg1-app"> ldg1` after `create-vf name=ldg1-app ...`). They are resolved by the VF's
 * user-assigned name, from observed state or from what an earlier step printed.
 */
import type { Operand, Step } from "../model";
import { findVfByName, type ObservedHost } from "./observed-state";

/** User-assigned VF name -> pseudonym, learned during apply (e.g. from `Created new vf:`). */
export type KnownPseudonyms = ReadonlyMap<string, string>;

export function isSymbolic(operand: Operand): operand is Exclude<Operand, string> {
  return typeof operand !== "string";
}

/** The pseudonym for `name`, or undefined while it cannot be known. */
export function resolveVfPseudonym(name: string, host: ObservedHost, known: KnownPseudonyms = new Map()): string | undefined {
  return known.get(name) ?? findVfByName(host, name)?.alias;
}

/** argv with every symbolic operand resolved; throws naming the VF when one cannot be. */
export function resolveArgv(step: Step, host: ObservedHost, known: KnownPseudonyms = new Map()): string[] {
  return step.argv.map((operand) => {
    if (!isSymbolic(operand)) return operand;
    const alias = resolveVfPseudonym(operand.name, host, known);
    if (alias === undefined) {
      throw new Error(`step ${step.id}: no VF named "${operand.name}" exists to resolve its pseudonym`);
    }
    return alias;
  });
}

/** argv for display: symbolic operands shown as `<VF "name">` when not yet resolvable. */
export function displayArgv(step: Step, host: ObservedHost | undefined, known: KnownPseudonyms = new Map()): string[] {
  return step.argv.map((operand) => {
    if (!isSymbolic(operand)) return operand;
    const alias = host ? resolveVfPseudonym(operand.name, host, known) : known.get(operand.name);
    return alias ?? `<VF "${operand.name}">`;
  });
}
