/**
 * The one seam to `create-vf` output parsing: the pseudonyms `ldm create-vf` printed.
 */
import { parseCreatedVfs } from "../ldm/parse-created-vfs";

export function createdVfPseudonyms(stdout: string): string[] {
  return parseCreatedVfs(stdout);
}
