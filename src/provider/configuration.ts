/**
 * The provider block: which plan document the hosts come from and which inventory says how to
 * reach them, the same files `ldoms plan --plan-document FILE --inventory FILE` reads, loaded
 * and checked by the same functions, so a problem reads the same in both; and what `ldoms apply
 * --lock-timeout` and `--allow-disruptive` say, as `lock_timeout` and `allow_disruptive`.
 */
import { resolve } from "node:path";
import { ValidationError, type Inventory, type PlanDocument } from "../model";
import { loadPlanDocumentFile, preparePlanDocumentCheck } from "../model/load-plan-document";
import { loadInventoryFile, prepareInventoryCheck } from "../engine";
import { attribute, UNKNOWN, type TerraformValue } from "./dynamic-value";
import { durationProblem, parseDuration, stringAttribute } from "./provider-block";

export interface ProviderConfiguration {
  readonly document: PlanDocument;
  readonly inventory?: Inventory;
  /** The plan document's path, for messages. */
  readonly source: string;
  /** `lock_timeout`: longest wait for another run's lock on a host; unset waits not at all (the CLI's default). */
  readonly lockTimeoutMs?: number;
  /** `allow_disruptive`: run disruptive steps `ldm` accepts (`ldoms apply --allow-disruptive`). */
  readonly allowDisruptive: boolean;
}

/** Compiles the schema checks loadConfiguration runs (about 0.2 s): a served provider does it while Terraform starts. */
export function prepareConfigurationChecks(): void {
  preparePlanDocumentCheck();
  prepareInventoryCheck();
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
  return {
    document,
    source,
    ...(inventoryPath !== undefined ? { inventory: loadInventoryFile(resolve(cwd, inventoryPath)) } : {}),
    ...applyOptions(config),
  };
}

/** `lock_timeout` and `allow_disruptive`, as the engine takes them. */
function applyOptions(config: TerraformValue): { lockTimeoutMs?: number; allowDisruptive: boolean } {
  const lockTimeout = stringAttribute(config, "lock_timeout");
  const allow = attribute(config, "allow_disruptive");
  if (lockTimeout === UNKNOWN || allow === UNKNOWN) {
    throw new ValidationError("the ldoms provider's lock_timeout and allow_disruptive must be known before apply: use literal values, not values computed by resources");
  }
  const lockTimeoutMs = lockTimeout === null ? undefined : parseDuration(lockTimeout);
  if (lockTimeout !== null && lockTimeoutMs === undefined) throw new ValidationError(durationProblem(lockTimeout));
  return { ...(lockTimeoutMs ? { lockTimeoutMs } : {}), allowDisruptive: allow === true };
}
