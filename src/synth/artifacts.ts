/**
 * The files synthesis produces for one stack: the plan document, one script per host and one
 * IPMP script per guest with declared IPMP groups. Listed as relative path -> render function,
 * so tests can check the bytes without a disk while writing renders one file at a time: a
 * fleet's scripts total far more text than is worth holding in memory all at once.
 */
import { closeSync, mkdirSync, openSync, readdirSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { PlanDocument } from "../model";
import { guestScriptPath, renderGuestScript } from "./guest-script";
import { renderHostScript } from "./shell-script";
import { byCodePoint, stableJson } from "./stable-json";

export const PLAN_FILE_NAME = "ldoms.plan.json";
export const SCRIPTS_DIR_NAME = "scripts";
/**
 * The stack's topology picture (SVG), written by `ldoms synth` next to the plan document; it is
 * rendered there (Graphviz runs asynchronously, in the CLI's process), not by the app.
 */
export const TOPOLOGY_FILE_NAME = "topology.svg";

export interface StackArtifact {
  /** Relative path, posix separators. */
  readonly path: string;
  /** Scripts are executable. */
  readonly mode: number;
  readonly render: () => string;
}

/** Every artifact of the plan, sorted by path; nothing is rendered yet. */
export function stackArtifactList(plan: PlanDocument): StackArtifact[] {
  const artifacts: StackArtifact[] = [{ path: PLAN_FILE_NAME, mode: 0o644, render: () => stableJson(plan) }];
  for (const host of plan.hosts) {
    artifacts.push({ path: `${SCRIPTS_DIR_NAME}/${host.id}.sh`, mode: 0o755, render: () => renderHostScript(plan, host) });
    for (const domain of host.desired.domains) {
      // A guest without IPMP groups has nothing to configure inside it.
      if (domain.ipmpGroups.length === 0) continue;
      artifacts.push({ path: guestScriptPath(domain.name), mode: 0o755, render: () => renderGuestScript(plan.stack, host.id, domain) });
    }
  }
  return artifacts.sort((a, b) => byCodePoint(a.path, b.path));
}

/** Relative path (posix separators) -> file content, sorted by path. */
export function stackArtifacts(plan: PlanDocument): Map<string, string> {
  return new Map(stackArtifactList(plan).map((a) => [a.path, a.render()]));
}

/**
 * Files are encoded through one reused buffer, in slices of at most this many UTF-16 units: a
 * fleet writes over 100 MB of text, and a fresh buffer per file (or one for the whole plan)
 * would make the garbage collector chase that much external memory.
 */
const SLICE_UNITS = 1 << 20;
/** A UTF-16 unit takes at most 3 bytes in UTF-8 (a surrogate pair takes 4 for 2 units). */
const SCRATCH_BYTES = SLICE_UNITS * 3 + 3;

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function writeTextFile(file: string, text: string, mode: number, scratch: Buffer): void {
  const fd = openSync(file, "w", mode);
  try {
    let offset = 0;
    while (offset < text.length) {
      let end = Math.min(offset + SLICE_UNITS, text.length);
      // A slice must not split a surrogate pair: each half alone would be encoded as U+FFFD.
      if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) end++;
      const length = scratch.write(offset === 0 && end === text.length ? text : text.slice(offset, end), "utf8");
      // write(2) may write less than asked; the rest follows.
      for (let written = 0; written < length;) written += writeSync(fd, scratch, written, length - written);
      offset = end;
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes the plan document and scripts into a stack directory. Scripts no longer produced are
 * removed; other files of the directory (Terraform state, cdk.tf.json) are left alone.
 */
export function writeStackArtifacts(dir: string, plan: PlanDocument): void {
  const artifacts = stackArtifactList(plan);
  const wanted = new Set(artifacts.map((a) => a.path));
  const scriptsDir = join(dir, SCRIPTS_DIR_NAME);
  mkdirSync(scriptsDir, { recursive: true });
  for (const existing of readdirSync(scriptsDir)) {
    if (existing.endsWith(".sh") && !wanted.has(`${SCRIPTS_DIR_NAME}/${existing}`)) rmSync(join(scriptsDir, existing));
  }
  const scratch = Buffer.allocUnsafe(SCRATCH_BYTES);
  for (const artifact of artifacts) writeTextFile(join(dir, artifact.path), artifact.render(), artifact.mode, scratch);
}
