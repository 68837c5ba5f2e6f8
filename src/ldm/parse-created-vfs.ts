import { CREATED_VF_PREFIX } from "./assumptions";

/**
 * Pseudonyms of the VFs a `create-vf` printed, in order: one `Created new vf: <pseudonym>` line
 * per VF (Ref §3.6 [V for one VF]; prefix in assumptions). Other lines (notices) are ignored;
 * the engine confirms the result with a re-read of `list-io`, so no line is trusted blindly.
 */
export function parseCreatedVfs(text: string): string[] {
  const prefix = CREATED_VF_PREFIX.trim();
  const created: string[] = [];
  for (const line of text.split(/\r?\n|\r/)) {
    const trimmed = line.trim();
    if (!trimmed.startsWith(prefix)) continue;
    const name = trimmed.slice(prefix.length).trim();
    if (name !== "" && !/\s/.test(name)) created.push(name);
  }
  return created;
}
