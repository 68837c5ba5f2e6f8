/** What `ldoms apply` did inside the guests (IPMP for migration), as text lines. */
import { guestActionFailed, type GuestIpmpAction, type GuestIpmpApplyResult, type GuestNotInPlan, type GuestsConvergeResult } from "../../engine/migration";

/** One command run in a guest: `ok`, `FAIL`, or `lost` (the connection dropped; the re-read decided). */
export function guestActionLine(a: GuestIpmpAction, indent = "  "): string {
  if (a.lost === "took-effect") return `${indent}lost ${a.commandLine}  (connection lost; the guest, read again, shows it took effect)`;
  if (a.lost === "not-applied") return `${indent}lost ${a.commandLine}  (connection lost; the guest, read again, shows it had not run)`;
  return `${indent}${a.exitStatus === 0 ? "ok  " : "FAIL"} ${a.commandLine}${a.stderr ? `  (${a.stderr})` : ""}`;
}

/** Commands that ran (a lost command the re-read found not run is counted once, when it ran again). */
function commandsRun(actions: readonly GuestIpmpAction[]): number {
  return actions.filter((a) => a.lost !== "not-applied").length;
}

export function renderGuestsConverge(
  results: readonly GuestsConvergeResult[],
  notInPlan: readonly GuestNotInPlan[] = [],
  noAccess: GuestIpmpApplyResult["noAccess"] = [],
): string {
  const lines: string[] = [];
  for (const g of results) {
    const head = `guest ${g.domain} (on ${g.host})`;
    if (g.error) lines.push(`${head}: could not be read: ${g.error}`, ...g.actions.map((a) => guestActionLine(a)));
    else if (g.declined) lines.push(`${head}: IPMP commands not confirmed; nothing ran in the guest`);
    else if (!g.actions.length && !g.problems.length) lines.push(`${head}: IPMP already configured, no changes`);
    else if (g.actions.length) lines.push(`${head}: ${commandsRun(g.actions)} ipadm command(s)`, ...g.actions.map((a) => guestActionLine(a)));
    for (const p of g.problems) lines.push(`${head}: left alone: ${p}`);
  }
  for (const g of noAccess) {
    lines.push(
      `guest ${g.domain} (on ${g.host}): IPMP not configured: ldoms has no access to the guest; give the GuestDomain access (or an inventory entry ${g.guest}), or run scripts/guest-${g.domain}.sh in the guest (until then ldoms migrate reports rule 3 unverified)`,
    );
  }
  for (const g of notInPlan) lines.push(`guest ${g.domain} (on ${g.host}): not in the saved plan (${g.reason}); run ldoms plan --out FILE again to plan it`);
  return lines.length ? `\n${lines.join("\n")}\n` : "";
}

export function guestsFailed(results: readonly GuestsConvergeResult[]): boolean {
  return results.some((g) => g.error !== undefined || g.problems.length > 0 || g.actions.some(guestActionFailed));
}

/** The user answered no to a guest's commands (an exit status of 1, as a declined apply). */
export function guestsDeclined(results: readonly GuestsConvergeResult[]): boolean {
  return results.some((g) => g.declined === true);
}

/**
 * `apply --json` fields of the guests, each present only when not empty: `guests` (per guest
 * what ran), `guestsUnreachable` ({ domain, host, guest, reason }: nothing more ran there) and,
 * with a saved plan, `guestsNotInPlan` (guests it lists no steps for; not contacted), and
 * `guestsNoAccess` ({ domain, host, guest }: IPMP groups ldoms cannot reach to configure).
 */
export function guestsApplyJson(result: GuestIpmpApplyResult): object {
  return {
    ...(result.guests.length ? { guests: result.guests } : {}),
    ...(result.unreachable.length ? { guestsUnreachable: result.unreachable } : {}),
    ...(result.notInPlan.length ? { guestsNotInPlan: result.notInPlan } : {}),
    ...(result.noAccess?.length ? { guestsNoAccess: result.noAccess } : {}),
  };
}
