/**
 * The guest side in `ldoms plan`: every guest ldoms can reach is read once (its IPMP listings)
 * and the `ipadm` steps it still needs are shown like host actions. A saved plan records them
 * with the guest's configuration and its fingerprint, so `ldoms apply FILE` runs only those and
 * refuses a guest that changed. While the guest's control domain still has changes pending, the
 * guest's datalinks are not final (a VF or vnet is still to be added): its steps wait for a plan
 * made after those changes.
 */
import { PlanError, type Inventory, type PlanDocument } from "../../model";
import type { EngineEventSink } from "../events";
import { HostSession, type ConnectHost } from "../host-session";
import type { PlanRunResult } from "../plan-run";
import { asLdomsError } from "../plan-run";
import { mapWithLimit } from "../pool";
import { retryUnknown } from "../retry-unknown";
import type { CommandTimeouts } from "../timeouts";
import { guestTarget, type GuestTarget } from "./guest-access";
import { describeGuestChanges, fingerprintGuest, guestConfiguration, observeGuest, type GuestConfiguration, type GuestIpmpStep } from "./guest-ipmp";
import { planGuestSteps, type SavedGuestRecord } from "./guest-ipmp-apply";

/**
 * `planned`: read, `steps` is what apply runs (empty: configured). `waiting`: its control
 * domain has changes pending, nothing is planned yet. `unreachable`: could not be read.
 */
export type GuestPlanStatus = "planned" | "waiting" | "unreachable";

export interface GuestIpmpPlan extends SavedGuestRecord {
  readonly domain: string;
  /** Control domain the domain is declared on. */
  readonly host: string;
  /** Inventory id of the guest (`guest/<domain>`). */
  readonly guest: string;
  readonly status: GuestPlanStatus;
  /** `sha256:` of `observed` (planned only). */
  readonly fingerprint?: string;
  /** The guest's IPMP-relevant configuration as read (planned only). */
  readonly observed?: GuestConfiguration;
  readonly steps: readonly GuestIpmpStep[];
  /** Why a group would be left alone (ambiguous datalinks, a link in another group). */
  readonly problems: readonly string[];
  /** Why nothing is planned (waiting, unreachable). */
  readonly reason?: string;
}

export interface PlanGuestsOptions {
  readonly connect: ConnectHost;
  readonly inventory?: Inventory;
  /** Per-kind time limits (reads, changes), as for hosts. */
  readonly commandTimeoutMs?: number | CommandTimeouts;
  /** Guests read at once. Default 10. */
  readonly parallelism?: number;
  readonly onEvent?: EngineEventSink;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * The guest steps of a plan run's hosts: one connection and one read per reachable guest.
 * Guests of a host that could not be read, and of domains migrated away as configured, are
 * left out (the host's own report says why).
 */
export async function planDocumentGuests(document: PlanDocument, run: PlanRunResult, options: PlanGuestsOptions): Promise<GuestIpmpPlan[]> {
  const work: { domain: string; host: string; target: GuestTarget; pending: number }[] = [];
  for (const result of run.hosts) {
    if (!result.observed) continue;
    const plan = document.hosts.find((h) => h.id === result.id);
    const migrated = new Set((result.migrated ?? []).map((m) => m.domain));
    for (const d of plan?.desired.domains ?? []) {
      if (!d.ipmpGroups.length || migrated.has(d.name)) continue;
      const target = guestTarget(document, result.id, d.name, options.inventory);
      if (target) work.push({ domain: d.name, host: result.id, target, pending: result.actions.length });
    }
  }
  const retry = { ...(options.sleep ? { sleep: options.sleep } : {}) };
  return mapWithLimit(work, options.parallelism ?? 10, async (w): Promise<GuestIpmpPlan> => {
    const base = { domain: w.domain, host: w.host, guest: w.target.target.id, steps: [], problems: [] };
    if (w.pending) {
      return { ...base, status: "waiting", reason: `IPMP not planned yet: its datalinks depend on ${w.host}'s ${w.pending} pending change(s)` };
    }
    const session = new HostSession(w.target.target, options.connect, options.commandTimeoutMs);
    try {
      options.onEvent?.({ type: "host-reading", host: session.id });
      const guest = await retryUnknown(() => observeGuest(session), retry);
      const observed = run.hosts.find((h) => h.id === w.host)!.observed!;
      const planned = planGuestSteps(guest, w.domain, observed, w.target.ipmpGroups);
      options.onEvent?.({ type: "host-planned", host: session.id, changes: planned.steps.length, unchanged: 0 });
      return { ...base, status: "planned", fingerprint: fingerprintGuest(guest), observed: guestConfiguration(guest), steps: planned.steps, problems: planned.problems };
    } catch (error) {
      const reason = asLdomsError(error).message.split("\n")[0]!;
      options.onEvent?.({ type: "host-failed", host: session.id, message: reason });
      return { ...base, status: "unreachable", reason };
    } finally {
      await session.close();
    }
  });
}

export interface StaleGuest {
  readonly domain: string;
  readonly host: string;
  readonly changes: readonly string[];
}

/**
 * Before a saved plan changes anything: reads every guest it lists steps for and refuses
 * (PlanError naming what changed) when one no longer has the configuration it was planned on.
 * A guest that cannot be read now is not refused here: apply reports it as unreachable.
 */
export async function refuseStaleGuests(
  document: PlanDocument,
  saved: readonly SavedGuestRecord[],
  options: PlanGuestsOptions & { readonly hostIds?: readonly string[] },
): Promise<void> {
  const work = saved.flatMap((g) => {
    if (g.status !== "planned" || !g.steps.length || (options.hostIds && !options.hostIds.includes(g.host))) return [];
    const target = guestTarget(document, g.host, g.domain, options.inventory);
    return target ? [{ record: g, target }] : [];
  });
  const retry = { ...(options.sleep ? { sleep: options.sleep } : {}) };
  const stale = await mapWithLimit(work, options.parallelism ?? 10, async ({ record, target }): Promise<StaleGuest | undefined> => {
    const session = new HostSession(target.target, options.connect, options.commandTimeoutMs);
    try {
      const guest = await retryUnknown(() => observeGuest(session), retry);
      if (fingerprintGuest(guest) === record.fingerprint) return undefined;
      return { domain: record.domain, host: record.host, changes: record.observed ? describeGuestChanges(record.observed, guestConfiguration(guest)) : [] };
    } catch {
      return undefined;
    } finally {
      await session.close();
    }
  });
  const found = stale.filter((s): s is StaleGuest => s !== undefined);
  if (!found.length) return;
  const lines = found.map((s) => `guest ${s.domain} (on ${s.host}): the saved plan is stale: the guest changed since the plan was made:\n${(s.changes.length ? s.changes : ["(configuration differs)"]).map((c) => `  - ${c}`).join("\n")}`);
  throw new PlanError(`${lines.join("\n")}\nRun ldoms plan --out FILE again, review it, and apply the new plan. Nothing was changed.`);
}
