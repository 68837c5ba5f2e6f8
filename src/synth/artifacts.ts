/**
 * The files synthesis produces for one stack, as relative path -> content, and writing them.
 * Kept apart from building them so tests and the bench can check the bytes without a disk.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { PlanDocument } from "../model";
import { guestScriptArtifacts } from "./guest-script";
import { renderHostScript } from "./shell-script";
import { stableJson } from "./stable-json";

export const PLAN_FILE_NAME = "ldoms.plan.json";
export const SCRIPTS_DIR_NAME = "scripts";

/** Relative path (posix separators) -> file content, sorted by path. */
export function stackArtifacts(plan: PlanDocument): Map<string, string> {
  const files = new Map<string, string>();
  files.set(PLAN_FILE_NAME, stableJson(plan));
  for (const host of plan.hosts) files.set(`${SCRIPTS_DIR_NAME}/${host.id}.sh`, renderHostScript(plan, host));
  return new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Writes the plan document and scripts into a stack directory. Scripts of hosts no longer in the
 * plan are removed; other files of the directory (Terraform state, cdk.tf.json) are left alone.
 */
export function writeStackArtifacts(dir: string, plan: PlanDocument): void {
  const files = stackArtifacts(plan);
  const scriptsDir = join(dir, SCRIPTS_DIR_NAME);
  mkdirSync(scriptsDir, { recursive: true });
  for (const existing of readdirSync(scriptsDir)) {
    if (existing.endsWith(".sh") && !files.has(`${SCRIPTS_DIR_NAME}/${existing}`)) rmSync(join(scriptsDir, existing));
  }
  for (const [path, content] of files) {
    writeFileSync(join(dir, path), content, { mode: path.endsWith(".sh") ? 0o755 : 0o644 });
  }
  // Guest IPMP scripts (scripts/guest-<domain>.sh), for admins without guest SSH access.
  for (const [path, content] of guestScriptArtifacts(plan)) writeFileSync(join(dir, path), content, { mode: 0o755 });
}
