/** What `ldoms apply` did inside the guests (IPMP for migration), as text lines. */
import type { GuestsConvergeResult } from "../../engine/migration";

export function renderGuestsConverge(results: readonly GuestsConvergeResult[]): string {
  const lines: string[] = [];
  for (const g of results) {
    const head = `guest ${g.domain} (on ${g.host})`;
    if (g.error) lines.push(`${head}: could not be read: ${g.error}`);
    else if (g.declined) lines.push(`${head}: IPMP commands not confirmed; nothing ran in the guest`);
    else if (!g.actions.length && !g.problems.length) lines.push(`${head}: IPMP already configured, no changes`);
    else if (g.actions.length) lines.push(`${head}: ${g.actions.length} ipadm command(s)`, ...g.actions.map((a) => `  ${a.exitStatus === 0 ? "ok  " : "FAIL"} ${a.commandLine}${a.stderr ? `  (${a.stderr})` : ""}`));
    for (const p of g.problems) lines.push(`${head}: left alone: ${p}`);
  }
  return lines.length ? `\n${lines.join("\n")}\n` : "";
}

export function guestsFailed(results: readonly GuestsConvergeResult[]): boolean {
  return results.some((g) => g.error !== undefined || g.problems.length > 0 || g.actions.some((a) => a.exitStatus !== 0));
}

/** The user answered no to a guest's commands (an exit status of 1, as a declined apply). */
export function guestsDeclined(results: readonly GuestsConvergeResult[]): boolean {
  return results.some((g) => g.declined === true);
}
