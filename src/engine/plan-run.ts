/**
 * `plan`: one connection and one read per host, guards evaluated, actions and preconditions
 * reported. Nothing is changed and no lock is taken (reads need only "LDoms Review").
 */
import type { HostPlan, LdomsError } from "../model";
import { PlanError } from "../model";
import { planHostActions, stepById, type PlannedAction } from "./actions";
import type { EngineEventSink } from "./events";
import { HostSession, type ConnectHost, type HostCounters, type HostTarget } from "./host-session";
import { readHost } from "./observe";
import { canonicalObservedHost, fingerprintObservedHost, type ObservedHost } from "./observed-state";
import { mapWithLimit } from "./pool";
import { checkPreconditions } from "./preconditions";

export const DEFAULT_PARALLELISM = 10;

/** A host of the plan document with the connection to use (inventory applied). */
export interface EngineHost {
  readonly plan: HostPlan;
  readonly target: HostTarget;
}

export interface EngineOptions {
  readonly connect: ConnectHost;
  /** Hosts worked on at once. Default 10. */
  readonly parallelism?: number;
  readonly onEvent?: EngineEventSink;
  /** Timeout of each remote command. */
  readonly commandTimeoutMs?: number;
  /** Accept disruptive steps (apply refuses them otherwise; plan lists them as problems). */
  readonly allowDisruptive?: boolean;
}

export interface HostPlanResult {
  readonly id: string;
  /** Absent when the host could not be read. */
  readonly fingerprint?: string;
  readonly observed?: ObservedHost;
  readonly actions: readonly PlannedAction[];
  readonly unchanged: number;
  /** Preconditions that would stop apply. */
  readonly problems: readonly string[];
  readonly error?: LdomsError;
  readonly counters: HostCounters;
}

export interface PlanRunResult {
  readonly hosts: readonly HostPlanResult[];
}

/** Actions and precondition problems of one host on one observation. */
export function evaluateHost(plan: HostPlan, observed: ObservedHost, allowDisruptive: boolean) {
  const { actions, unchanged } = planHostActions(plan, observed);
  const needed = actions.map((a) => stepById(plan, a.stepId));
  const problems = checkPreconditions(plan, observed, needed, { allowDisruptive });
  return { actions, unchanged, problems };
}

export async function planHosts(hosts: readonly EngineHost[], options: EngineOptions): Promise<PlanRunResult> {
  const results = await mapWithLimit(hosts, options.parallelism ?? DEFAULT_PARALLELISM, async (host) => {
    const session = new HostSession(host.target, options.connect, options.commandTimeoutMs);
    try {
      options.onEvent?.({ type: "host-reading", host: host.target.id });
      const { observed } = await readHost(session);
      const evaluated = evaluateHost(host.plan, observed, options.allowDisruptive ?? false);
      options.onEvent?.({ type: "host-planned", host: host.target.id, changes: evaluated.actions.length, unchanged: evaluated.unchanged });
      return {
        id: host.target.id,
        fingerprint: fingerprintObservedHost(observed),
        observed: canonicalObservedHost(observed),
        ...evaluated,
        counters: session.counters,
      } satisfies HostPlanResult;
    } catch (error) {
      const typed = asLdomsError(error);
      options.onEvent?.({ type: "host-failed", host: host.target.id, message: typed.message });
      return { id: host.target.id, actions: [], unchanged: 0, problems: [], error: typed, counters: session.counters } satisfies HostPlanResult;
    } finally {
      await session.close();
    }
  });
  return { hosts: results };
}

/** Typed errors pass through; anything else is wrapped so one host's bug does not hide others. */
export function asLdomsError(error: unknown): LdomsError {
  if (typeof error === "object" && error !== null && "exitCode" in error && "kind" in error && error instanceof Error) return error as LdomsError;
  if (error instanceof Error) {
    const wrapped = new PlanError(`unexpected failure: ${error.message}`);
    wrapped.stack = error.stack;
    return wrapped;
  }
  return new PlanError(`unexpected failure: ${String(error)}`);
}
