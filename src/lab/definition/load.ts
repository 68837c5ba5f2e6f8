/**
 * Loading a lab definition: the structure is checked against `schema/ldoms-lab.schema.json`
 * (generated from document.ts; it also fills the defaults), then the definition is resolved and
 * cross-checked. Every problem is reported with its JSON path and the fix.
 */
import { readFileSync } from "node:fs";
import { checkAgainstSchema } from "../../model/schema-validation";
import { ValidationError } from "../../model/errors";
import { checkLab, checkMachine } from "./cross-checks";
import type { LabDocument, LabOptionsDocument } from "./document";
import { resolveVariants } from "../variants";
import { Problems, resolveMachine } from "./resolve";
import type { FaultsDefinition, LabDefinition, LabOptions } from "./types";

export const LAB_SCHEMA_FILE = "ldoms-lab.schema.json";

function invalid(source: string, problems: readonly string[]): ValidationError {
  return new ValidationError(`Invalid lab definition ${source} (${problems.length} problem${problems.length === 1 ? "" : "s"})`, problems);
}

/** Validates a parsed lab definition; `source` names the file in messages. */
export function loadLabDefinition(json: unknown, source: string): LabDefinition {
  const checked = checkAgainstSchema<LabDocument>(LAB_SCHEMA_FILE, json, { fillDefaults: true });
  if (!checked.ok) throw invalid(source, checked.problems);
  const problems = new Problems();
  const machines = checked.value.machines.map((m, i) => resolveMachine(m, `$.machines[${i}]`, problems));
  machines.forEach((m, i) => checkMachine(m, `$.machines[${i}]`, problems));
  // The schema's defaults filled every key of options and faults.
  const written = checked.value.options as Required<LabOptionsDocument>;
  const options: LabOptions = { ...written, variants: resolveVariants(written.variants) };
  const faults = checked.value.faults as FaultsDefinition;
  checkLab(machines, faults, problems);
  if (problems.list.length) throw invalid(source, problems.list);
  return { source, options, faults, machines };
}

/** Reads and validates a lab definition file. */
export function loadLabDefinitionFile(path: string): LabDefinition {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new ValidationError(`Cannot read lab definition ${path}: ${(e as Error).message}; check the path given with --config`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ValidationError(`Lab definition ${path} is not valid JSON: ${(e as Error).message}`);
  }
  return loadLabDefinition(json, path);
}
