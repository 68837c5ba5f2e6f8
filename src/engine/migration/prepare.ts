/**
 * The preparation a migration needs: both control domains converged to the plan (no planned
 * action, no precondition problem). With `--apply` it is converged here, by `ldoms apply` on
 * both hosts (this run's locks are released around it, since apply takes its own).
 */
import { migrateCommand } from "./group-migration";
import { MigrationError } from "../../model";
import { applyHosts, type ApplyOptions, type HostApplyResult } from "../apply-run";
import type { ObservedHost } from "../observed-state";
import { evaluateHost, migrationContextOf } from "../plan-run";
import { documentHosts } from "../inventory-file";
import { findMigratedDomains, migrationAwareness, type MigrationAwareness } from "../migrated-domains";
import { CONTINUE, phase, stop, unreachableSummary, type Ctx, type PhaseResult, type RunState } from "./context";
import { readBoth, release } from "./locked-read";

/**
 * The document's other migrations, so that a domain another migration already moved off either
 * host (e.g. an earlier migration off the same source) is not counted as missing preparation.
 */
function otherMigrations(ctx: Ctx): MigrationAwareness {
  const every = documentHosts(ctx.options.document, ctx.options.inventory);
  const others = ctx.options.document.migrations.filter((m) => m.id !== ctx.migration.id);
  return migrationAwareness({ migrations: others, ...(ctx.options.document.groups ? { groups: ctx.options.document.groups } : {}) }, every.hosts, every.unreachable);
}

/** What the preparation still lacks on either host, as `host: action` and `host: problem`. */
export async function missingPreparation(ctx: Ctx, source: ObservedHost, target: ObservedHost): Promise<string[]> {
  const observed = new Map([[ctx.sourceHost.target.id, source], [ctx.targetHost.target.id, target]]);
  const findings = await findMigratedDomains(observed, otherMigrations(ctx), ctx.options);
  const out: string[] = [];
  for (const [host, read] of [[ctx.sourceHost, source], [ctx.targetHost, target]] as const) {
    const evaluated = evaluateHost(host.plan, read, false, migrationContextOf(findings, host.target.id));
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
  state.missing = await missingPreparation(ctx, state.source, state.target);
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
    operation: `${migrateCommand(ctx.migration)} --apply`,
    lockDir,
    // A domain an earlier migration moved off either host is not brought back or re-prepared.
    migrations: otherMigrations(ctx),
    ...(o.invTimeoutMs ? { invTimeoutMs: o.invTimeoutMs } : {}),
    ...(o.commandTimeoutMs ? { commandTimeoutMs: o.commandTimeoutMs } : {}),
    ...(o.confirmApply ? { confirm: o.confirmApply } : {}),
    ...(o.onEvent ? { onEvent: (event) => o.onEvent?.({ type: "engine", event }) } : {}),
  };
}
