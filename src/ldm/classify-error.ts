/**
 * Hints read from `ldm` stderr, using only the substrings automation is verified to rely on
 * (Ref §1 and §9 [V-code]): `already exists`, `does not exist`, `is attached`, `not found`.
 * Hints explain a failure to a human; what to do next is decided from re-read state, never from
 * the wording (exact texts are unverified).
 */
export type LdmErrorHint = "already-exists" | "does-not-exist" | "is-attached" | "not-found";

const HINTS: readonly (readonly [LdmErrorHint, string])[] = [
  ["already-exists", "already exists"],
  ["does-not-exist", "does not exist"],
  ["is-attached", "is attached"],
  ["not-found", "not found"],
];

/** Every hint whose substring occurs in `stderr` (case-insensitive), in the fixed order above. */
export function classifyLdmError(stderr: string): LdmErrorHint[] {
  const text = stderr.toLowerCase();
  return HINTS.filter(([, needle]) => text.includes(needle)).map(([hint]) => hint);
}
