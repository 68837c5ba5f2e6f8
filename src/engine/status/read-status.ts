/**
 * The reads behind `ldoms status`: every host of the plan document once (one batched listing
 * read, no lock), and every guest ldoms can reach once (its IPMP listings), all in parallel.
 * Nothing is changed and no `ldm migrate-domain -n` is run.
 */
import type { Inventory, PlanDocument } from "../../model";
import type { EngineEventSink } from "../events";
import { HostSession, type ConnectHost, type HostTarget } from "../host-session";
import { documentHosts } from "../inventory-file";
import { guestTarget } from "../migration/guest-access";
import { observeGuest } from "../migration/guest-ipmp";
import { guestErrorLine } from "../migration/guest-view";
import { readHost } from "../observe";
import { asLdomsError } from "../plan-run";
import { mapWithLimit } from "../pool";
import { retryUnknown } from "../retry-unknown";
import type { CommandTimeouts } from "../timeouts";
import { declaredDomains, statusReport, type GuestRead, type HostRead, type StatusReport } from "./status-report";

export interface StatusOptions {
  readonly connect: ConnectHost;
  readonly inventory?: Inventory;
  readonly commandTimeoutMs?: number | CommandTimeouts;
  /** Hosts and guests read at once (each kind). Default 10. */
  readonly parallelism?: number;
  readonly onEvent?: EngineEventSink;
  /** Injected for tests: the back-off between retries of a read whose outcome was unknown. */
  readonly sleep?: (ms: number) => Promise<void>;
}

async function readOneHost(target: HostTarget, options: StatusOptions): Promise<HostRead> {
  const session = new HostSession(target, options.connect, options.commandTimeoutMs);
  try {
    options.onEvent?.({ type: "host-reading", host: target.id });
    const { observed } = await retryUnknown(() => readHost(session), options.sleep ? { sleep: options.sleep } : {});
    options.onEvent?.({ type: "host-done", host: target.id, mutatingCommands: 0 });
    return { observed };
  } catch (error) {
    const message = asLdomsError(error, target.id).message;
    options.onEvent?.({ type: "host-failed", host: target.id, message: message.split("\n")[0] ?? message });
    return { error: message };
  } finally {
    await session.close();
  }
}

async function readOneGuest(target: HostTarget, options: StatusOptions): Promise<GuestRead> {
  const session = new HostSession(target, options.connect, options.commandTimeoutMs);
  try {
    const observation = await retryUnknown(() => observeGuest(session), options.sleep ? { sleep: options.sleep } : {});
    return { kind: "observed", id: target.id, observation };
  } catch (error) {
    return { kind: "unreadable", id: target.id, message: guestErrorLine(error) };
  } finally {
    await session.close();
  }
}

/** The guests to read: domains with IPMP groups declared that ldoms has access to, by domain. */
function guestTargets(document: PlanDocument, inventory: Inventory | undefined): { domain: string; target: HostTarget }[] {
  const found: { domain: string; target: HostTarget }[] = [];
  for (const d of declaredDomains(document)) {
    if (!d.ipmpGroups.length) continue;
    const target = d.hosts.map((host) => guestTarget(document, host, d.name, inventory)).find((t) => t !== undefined);
    if (target) found.push({ domain: d.name, target: target.target });
  }
  return found;
}

/**
 * Reads every host and guest once and assembles the report. A host that is not in the given
 * inventory, or cannot be read, is reported as such; the rest is still shown.
 */
export async function readStatus(document: PlanDocument, options: StatusOptions): Promise<StatusReport> {
  const { hosts, unreachable } = documentHosts(document, options.inventory);
  const limit = options.parallelism ?? 10;
  const guests = guestTargets(document, options.inventory);
  const [hostReads, guestReads] = await Promise.all([
    mapWithLimit(hosts, limit, (h) => readOneHost(h.target, options)),
    mapWithLimit(guests, limit, (g) => readOneGuest(g.target, options)),
  ]);
  const byHost = new Map<string, HostRead>(hosts.map((h, i) => [h.plan.id, hostReads[i] as HostRead]));
  for (const [id, why] of unreachable) byHost.set(id, { error: why });
  const byGuest = new Map<string, GuestRead>(guests.map((g, i) => [g.domain, guestReads[i] as GuestRead]));
  return statusReport(document, { hosts: byHost, guests: byGuest });
}
