import type { IConstruct } from "constructs";
import { ValidationError } from "../model";

/**
 * Runs every tree-wide rule under `root` and throws one ValidationError listing all problems,
 * each prefixed with the construct path it concerns, so one run shows everything to fix.
 * `constructs` is every construct under `root` (pass it when already listed: a fleet's tree is
 * large enough that walking it again shows).
 */
export function validateTree(root: IConstruct, constructs: readonly IConstruct[] = root.node.findAll()): void {
  const problems: string[] = [];
  for (const construct of constructs) {
    for (const message of construct.node.validate()) problems.push(`${construct.node.path}: ${message}`);
  }
  if (problems.length) {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    throw new ValidationError(`the LDoms configuration of ${root.node.path || "the app"} has ${count}:`, problems);
  }
}
