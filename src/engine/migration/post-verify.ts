/**
 * Proving a migration's result on what was read after it: the host checks of `post-checks.ts`,
 * then the guest's IPMP group, polled until it failed back to the VF (or a deadline). Each
 * check is reported as it is made, and the list goes into the report.
 */
import type { DesiredIpmpGroup } from "../../model";
import type { Check } from "../check";
import type { ObservedHost } from "../observed-state";
import { defaultSleep, type Ctx } from "./context";
import { observeGuest } from "./guest-ipmp";
import { guestErrorLine } from "./guest-view";
import { guestIpmpCheck, postChecks, type GuestAfterMigration } from "./post-checks";
import { desiredDomainOf, postGuestProblems, type PreflightInput } from "./preflight";
import type { MigrationCheck } from "./report";

/** Proves the result: where the domain and both VFs are, the vnets' switches, the guest's IPMP. */
export async function postVerify(ctx: Ctx, source: ObservedHost, target: ObservedHost, sourceState: string | undefined): Promise<void> {
  const m = ctx.migration;
  const desired = desiredDomainOf(ctx.sourceHost.plan, m.domain);
  const checks: MigrationCheck[] = [];
  const push = (c: Check) => {
    checks.push(c);
    ctx.options.onEvent?.({ type: "check", check: c });
  };
  for (const c of postChecks({ migration: m, vnets: desired?.vnets ?? [], source, target, ...(sourceState !== undefined ? { sourceState } : {}) })) push(c);
  const groups = desired?.ipmpGroups ?? [];
  if (groups.length) push(guestIpmpCheck(m, await guestAfterMigration(ctx, groups, source, target)));
  ctx.report.postVerify = checks;
}

/** Every post-verify check passed (an unverified one counts when the user accepted that). */
export function verified(ctx: Ctx): boolean {
  return ctx.report.postVerify.every((c) => c.status === "passed" || (c.status === "unverified" && ctx.options.acceptUnverified === true));
}

/** The messages of the checks that did not pass, for the summary. */
export function failedSummary(checks: readonly MigrationCheck[]): string {
  return checks.filter((c) => c.status !== "passed").map((c) => c.message).join("; ");
}

/** Reads the guest until its groups are back on the VF, or the settle time ran out (the last problem). */
async function guestAfterMigration(ctx: Ctx, groups: readonly DesiredIpmpGroup[], source: ObservedHost, target: ObservedHost): Promise<GuestAfterMigration> {
  if (!ctx.guest) return { kind: "no-access" };
  const m = ctx.migration;
  const input: PreflightInput = { migration: m, sourcePlan: ctx.sourceHost.plan, targetPlan: ctx.targetHost.plan, source, target, guest: { kind: "no-access", script: "" } };
  const sleep = ctx.options.sleep ?? defaultSleep;
  const deadline = Date.now() + (ctx.options.guestSettleMs ?? 15_000);
  let last = "";
  // IPMP fails back a moment after the target VF is added: poll until it did.
  for (;;) {
    try {
      const result = postGuestProblems(input, groups, await observeGuest(ctx.guest.session));
      if (!result.failed.length) return { kind: "on-vf", groups: result.passed };
      last = result.failed.join("; ");
    } catch (error) {
      last = guestErrorLine(error);
    }
    if (Date.now() >= deadline) break;
    await sleep(500);
  }
  return { kind: "problem", message: last };
}
