/**
 * The preparation a migration needs: both control domains converged to the plan (no planned
 * action, no precondition problem). With `--apply` it is converged here, by `ldoms apply` on
 * both hosts (this run's locks are released around it, since apply takes its own).
 */
import { MigrationError } from "../../model";
import { applyHosts, type ApplyOptions, type HostApplyResult } from "../apply-run";
import type { ObservedHost } from "../observed-state";
import { evaluateHost } from "../plan-run";
import { CONTINUE, phase, stop, unreachableSummary, type Ctx, type PhaseResult, type RunState } from "./context";
import { readBoth, release } from "./locked-read";

/** What the preparation still lacks on either host, as `host: action` and `host: problem`. */
export function missingPreparation(ctx: Ctx, source: ObservedHost, target: ObservedHost): string[] {
  const out: string[] = [];
  for (const [host, observed] of [[ctx.sourceHost, source], [ctx.targetHost, target]] as const) {
    const evaluated = evaluateHost(host.plan, observed, false);
    for (const a of evaluated.actions) out.push(`${host.target.id}: ${a.symbol} ${a.summary}`);
    for (const p of evaluated.problems) out.push(`${host.target.id}: ${p}`);
  }
  return out;
}

/** `--apply`: converges both hosts, then reads them again (locking them again) and updates `state`. */
export async function convergePreparation(ctx: Ctx, state: RunState): Promise<PhaseResult> {
  const m = ctx.migration;
  phase(ctx, `preparing: ${state.missing.length} change(s) to converge (ldoms apply)`);
  for (const session of [...ctx.held]) await release(ctx, session);
  const applied = await applyBothHosts(ctx);
  for (const h of applied) {
    ctx.applyMutating[h.id] = h.mutatingCommands;
    ctx.report.applied.push(`${h.id}: ${h.status}, ${h.mutatingCommands} change(s)`);
  }
  const failed = applied.find((h) => h.status !== "applied" && h.status !== "unchanged");
  if (failed) {
    ctx.report.missingPreparation = state.missing;
    return stop("not-prepared", `Preparation failed on ${failed.id} (${failed.error?.message.split("\n")[0] ?? failed.stopReason ?? failed.status}); nothing was migrated: ${m.domain} still runs on ${m.sourceHost}.`);
  }
  try {
    [state.source, state.target] = await readBoth(ctx);
  } catch (error) {
    if (error instanceof MigrationError) throw error;
    return stop("unreachable", unreachableSummary(ctx, error, "re-reading after preparation failed", false));
  }
  state.missing = missingPreparation(ctx, state.source, state.target);
  return CONTINUE;
}

/** One apply for both hosts (one approval); two only when their lock directories differ. */
async function applyBothHosts(ctx: Ctx): Promise<readonly HostApplyResult[]> {
  const sourceLock = ctx.lockDir(ctx.migration.sourceHost);
  const targetLock = ctx.lockDir(ctx.migration.targetHost);
  if (sourceLock === targetLock) return (await applyHosts([ctx.sourceHost, ctx.targetHost], applyOptions(ctx, sourceLock))).hosts;
  return [...(await applyHosts([ctx.sourceHost], applyOptions(ctx, sourceLock))).hosts, ...(await applyHosts([ctx.targetHost], applyOptions(ctx, targetLock))).hosts];
}

function applyOptions(ctx: Ctx, lockDir: string): ApplyOptions {
  const o = ctx.options;
  return {
    connect: o.connect,
    operation: `ldoms migrate ${ctx.migration.id} --apply`,
    lockDir,
    ...(o.invTimeoutMs ? { invTimeoutMs: o.invTimeoutMs } : {}),
    ...(o.commandTimeoutMs ? { commandTimeoutMs: o.commandTimeoutMs } : {}),
    ...(o.confirmApply ? { confirm: o.confirmApply } : {}),
    ...(o.onEvent ? { onEvent: (event) => o.onEvent?.({ type: "engine", event }) } : {}),
  };
}
