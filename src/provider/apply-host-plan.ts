/**
 * What the VF and vnet resources share to change a host: the plan document's host (inventory
 * applied), and the run of a host plan holding just their object by the engine `ldoms apply`
 * uses (`applyHosts`: the host's lock, a read, every precondition, the guarded steps, a re-read),
 * after which the provider's read of that host is a fresh one.
 */
import { ApplyError, type HostPlan } from "../model";
import { applyHosts, engineHosts, type ConnectHost, type EngineHost, type MigrationAwareness } from "../engine";
import type { ProviderConfiguration } from "./configuration";
import { inProviderWords } from "./disruption-advice";
import type { HostReads } from "./host-reads";

/** The plan document's host `hostId` with the connection to use; a ValidationError names the hosts there are. */
export function engineHostOf(configuration: ProviderConfiguration, hostId: string): EngineHost {
  const [host] = engineHosts(configuration.document, { ...(configuration.inventory ? { inventory: configuration.inventory } : {}), hostIds: [hostId] });
  if (!host) throw new Error(`engineHosts returned no host for ${hostId}`);
  return host;
}

export interface HostPlanRun {
  readonly hostId: string;
  readonly plan: HostPlan;
  /** What is applied, for messages: `VF "app"`, `vnet "vnet0" of ldg1`. */
  readonly what: string;
  /** Written into the host's lock, e.g. `terraform apply (ldoms_vf t7-a/app)`. */
  readonly operation: string;
  readonly signal: AbortSignal;
  /** A mobile domain's group: where the domain does not run, its steps there are left out (as ldoms apply). */
  readonly migrations?: MigrationAwareness;
}

/** Applies the host plan; throws the host's error, or an ApplyError when the run stopped before it was done. */
export async function applyHostPlan(connect: ConnectHost, reads: HostReads, configuration: ProviderConfiguration, run: HostPlanRun): Promise<void> {
  const host = engineHostOf(configuration, run.hostId);
  try {
    const applied = await applyHosts([{ plan: run.plan, target: host.target }], {
      connect,
      operation: run.operation,
      signal: run.signal,
      // The provider block's lock_timeout and allow_disruptive, as ldoms apply's --lock-timeout and --allow-disruptive.
      allowDisruptive: configuration.allowDisruptive,
      ...(configuration.lockTimeoutMs ? { lockTimeoutMs: configuration.lockTimeoutMs } : {}),
      ...(run.migrations ? { migrations: run.migrations } : {}),
    });
    const result = applied.hosts[0];
    if (result?.error) throw inProviderWords(result.error);
    if (!result || result.status === "stopped" || result.status === "cancelled") {
      throw new ApplyError(`${run.hostId}: ${run.what} was not applied: ${result?.stopReason ?? applied.interrupted ?? "stopped"}`, run.hostId);
    }
  } finally {
    reads.invalidate(run.hostId);
  }
}
