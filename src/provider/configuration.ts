/**
 * The provider block: which plan document the hosts come from and which inventory says how to
 * reach them, the same files `ldoms plan --plan-document FILE --inventory FILE` reads, loaded
 * and checked by the same functions, so a problem reads the same in both.
 */
import { resolve } from "node:path";
import { ValidationError, type Inventory, type PlanDocument } from "../model";
import { loadPlanDocumentFile } from "../model/load-plan-document";
import { loadInventoryFile } from "../engine";
import { attribute, UNKNOWN, type TerraformValue } from "./dynamic-value";

export interface ProviderConfiguration {
  readonly document: PlanDocument;
  readonly inventory?: Inventory;
  /** The plan document's path, for messages. */
  readonly source: string;
}

export interface ConfigurationProblem {
  readonly message: string;
  readonly attribute?: string;
}

function stringAttribute(config: TerraformValue, name: string): string | null | typeof UNKNOWN {
  const value = attribute(config, name);
  if (value === null || value === UNKNOWN || typeof value === "string") return value;
  return String(value);
}

/** What can be said about the block before anything is read (values may still be unknown). */
export function configurationProblems(config: TerraformValue): ConfigurationProblem[] {
  const problems: ConfigurationProblem[] = [];
  for (const name of ["plan_document", "inventory"]) {
    const value = stringAttribute(config, name);
    if (typeof value === "string" && value.trim() === "") {
      problems.push({ attribute: name, message: `${name} is empty; give the path of a file (or leave ${name === "inventory" ? "it out" : "it set to ldoms.plan.json's path"})` });
    }
  }
  return problems;
}

/**
 * The configuration, read from the files: paths are relative to Terraform's working directory;
 * without `inventory`, $LDOMS_INVENTORY as for `ldoms plan`.
 */
export function loadConfiguration(config: TerraformValue, cwd: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): ProviderConfiguration {
  const planDocument = stringAttribute(config, "plan_document");
  const inventory = stringAttribute(config, "inventory");
  if (planDocument === UNKNOWN || inventory === UNKNOWN) {
    throw new ValidationError("the ldoms provider's plan_document and inventory must be known before apply: use paths, not values computed by resources");
  }
  if (planDocument === null) throw new ValidationError("plan_document is not set: give the path of ldoms.plan.json (ldoms synth writes it under cdktf.out/stacks/STACK/)");
  const source = resolve(cwd, planDocument);
  const document = loadPlanDocumentFile(source);
  const inventoryPath = inventory ?? (env["LDOMS_INVENTORY"] || undefined);
  return { document, source, ...(inventoryPath !== undefined ? { inventory: loadInventoryFile(resolve(cwd, inventoryPath)) } : {}) };
}
