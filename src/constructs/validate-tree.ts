import type { IConstruct } from "constructs";
import { ValidationError } from "../model";

/**
 * Runs every tree-wide rule under `root` and throws one ValidationError listing all problems,
 * each prefixed with the construct path it concerns, so one run shows everything to fix.
 */
export function validateTree(root: IConstruct): void {
  const problems: string[] = [];
  for (const construct of root.node.findAll()) {
    for (const message of construct.node.validate()) problems.push(`${construct.node.path}: ${message}`);
  }
  if (problems.length) {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    throw new ValidationError(`the LDoms configuration of ${root.node.path || "the app"} has ${count}:`, problems);
  }
}
