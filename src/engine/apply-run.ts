/**
 * `apply`: for every host, take the lock and read in one exec, plan, check every precondition;
 * only when no host has a problem (and the user agreed), run the needed steps host by host in
 * order, wait out `INV` by polling, and prove every postcondition by a final re-read that also
 * releases the lock. Hosts run in parallel; when one fails, the others finish their current step
 * and stop.
 */
import { DEFAULT_LOCK_DIR } from "./lock";
import { mapWithLimit } from "./pool";
import { DEFAULT_PARALLELISM, migrationContextOf, type EngineHost, type PlanRunResult } from "./plan-run";
import { findMigratedDomains } from "./migrated-domains";
import type { ApplyOptions, ApplyRunResult } from "./apply-types";
import { evaluatePrepared, interruptReason, lockReport, preconditionError, prepareHost, releaseQuietly, toPlanResult } from "./apply-prepare";
import { executeHost, type Shared } from "./apply-host";

export { DEFAULT_RUNAWAY_WAIT_MS } from "./apply-batch";
export { DEFAULT_INV_TIMEOUT_MS } from "./inv-wait";
export type { ActionStatus, AppliedAction, ApplyOptions, ApplyRunResult, HostApplyResult, HostApplyStatus, PinnedHost } from "./apply-types";
export { interruptReason } from "./apply-prepare";

export async function applyHosts(hosts: readonly EngineHost[], options: ApplyOptions): Promise<ApplyRunResult> {
  const parallelism = options.parallelism ?? DEFAULT_PARALLELISM;
  const lockDir = options.lockDir ?? DEFAULT_LOCK_DIR;
  const prepared = await mapWithLimit(hosts, parallelism, (host) => prepareHost(host, lockDir, options));
  const findings = await findMigratedDomains(new Map(prepared.map((p) => [p.host.target.id, p.error ? undefined : p.observed])), options.migrations, options);
  for (const p of prepared) evaluatePrepared(p, migrationContextOf(findings, p.host.target.id), options);
  const failedEarly = prepared.filter((p) => p.error || p.problems.length);
  const anyChange = prepared.some((p) => p.actions.length > 0);
  const planView: PlanRunResult = { hosts: prepared.map(toPlanResult), ...(findings.targetReads.length ? { migrationTargetReads: findings.targetReads } : {}) };
  const targetReads = findings.targetReads.length ? { migrationTargetReads: findings.targetReads } : {};

  let stopReason: string | undefined;
  let cancelled = false;
  if (failedEarly.length) {
    stopReason = `nothing was changed: ${failedEarly.map((p) => p.host.target.id).join(", ")} failed before any change`;
  } else if (options.signal?.aborted) {
    stopReason = `${interruptReason(options.signal)} before any change: nothing was changed`;
  } else if (anyChange && options.confirm && !(await options.confirm(planView))) {
    cancelled = true;
    stopReason = options.signal?.aborted ? `${interruptReason(options.signal)} before any change: nothing was changed` : "cancelled: nothing was changed";
  }
  if (stopReason !== undefined) {
    await mapWithLimit(prepared, parallelism, (p) => releaseQuietly(p, options));
    await Promise.all(prepared.map((p) => p.session.close()));
    const interrupted = options.signal?.aborted && !failedEarly.length ? { interrupted: interruptReason(options.signal) } : {};
    return {
      cancelled: cancelled && !interrupted.interrupted,
      ...interrupted,
      hosts: prepared.map((p) => ({
        id: p.host.target.id,
        status: p.error || p.problems.length ? "failed" : interrupted.interrupted ? "stopped" : cancelled ? "cancelled" : "stopped",
        actions: p.actions.map((a) => ({ ...a, status: "not-run" as const })),
        unchanged: p.unchanged,
        mutatingCommands: 0,
        counters: p.session.counters,
        problems: p.problems,
        ...(p.error ? { error: p.error } : p.problems.length ? { error: preconditionError(p) } : {}),
        ...(p.error || p.problems.length ? {} : { stopReason }),
        ...(p.migrated ? { migrated: p.migrated } : {}),
        ...lockReport(p),
      })),
      ...targetReads,
    };
  }

  const shared: Shared = {};
  const results = await mapWithLimit(prepared, parallelism, async (p) => {
    try {
      return await executeHost(p, shared, options);
    } finally {
      await p.session.close();
    }
  });
  const interrupted = options.signal?.aborted ? { interrupted: interruptReason(options.signal) } : {};
  return { hosts: results, cancelled: false, ...interrupted, ...targetReads };
}
