/**
 * `ldoms evacuate HOST`: moves every mobile domain off a host before maintenance. Order: read the
 * host and every possible target once (domains with their size, free vCPUs and memory); place the
 * domains (placement.ts); prove each move with the migration's own dry run (locks, rules,
 * `ldm migrate-domain -n`) before anything moves; nothing moves when one is refused unless
 * `skipFailing`; then the migrations run, at most `parallel` at a time, each waiting for the
 * other's lock on the shared host. A run after an interruption continues: the domains already
 * gone are no longer on the host.
 */
import { ValidationError, type Inventory, type MigrationGroupPlan, type PlanDocument } from "../../model";
import { readCapacity, type HostCapacity } from "../capacity";
import { outcomeUnknownError } from "../connection-errors";
import { HostSession, isOutcomeUnknown, type ConnectHost } from "../host-session";
import { documentHosts } from "../inventory-file";
import { readHost } from "../observe";
import { retryUnknown } from "../retry-unknown";
import type { ObservedDomain, ObservedHost } from "../observed-state";
import { mapWithLimit } from "../pool";
import type { CommandTimeouts } from "../timeouts";
import { MigrationControl } from "../migration/control";
import type { MigrationEvent } from "../migration/events";
import { groupMigrationPlan, withMigration } from "../migration/group-migration";
import { migrationSucceeded, type MigrationReport } from "../migration/report";
import { runMigration, type MigrateOptions } from "../migration/run-migration";
import { placeDomains, targetsOf, type EvacuationCandidate, type Placement } from "./placement";
import type { EvacuatedDomain, EvacuationReport } from "./report";

export interface EvacuateOptions {
  readonly connect: ConnectHost;
  readonly document: PlanDocument;
  readonly inventory?: Inventory;
  readonly host: string;
  /** Only these targets (each a host of the domain's group). */
  readonly to?: readonly string[];
  /** Migrations at a time (default 1). */
  readonly parallel?: number;
  readonly dryRun?: boolean;
  /** Move the domains that can move although others are refused. */
  readonly skipFailing?: boolean;
  readonly acceptUnverified?: boolean;
  /** Asked once, after every preflight passed, with one line per move; absent = approved. */
  readonly confirm?: (moves: readonly string[]) => Promise<boolean>;
  /** Progress per domain. */
  readonly onEvent?: (domain: string, event: MigrationEvent) => void;
  /** Interrupted: no further migration starts; running ones stop at their next safe point. */
  readonly signal?: AbortSignal;
  readonly commandTimeoutMs?: number | CommandTimeouts;
  /** Longest wait for a lock held by another run (or by this run's other migration). Default 30 min. */
  readonly lockTimeoutMs?: number;
  readonly pollIntervalMs?: number;
  readonly guestSettleMs?: number;
  readonly lockDir?: MigrateOptions["lockDir"];
}

const DEFAULT_EVACUATION_LOCK_WAIT_MS = 30 * 60_000;

/** The groups the host belongs to, or an error saying evacuation needs one. */
function groupsOf(document: PlanDocument, host: string): MigrationGroupPlan[] {
  if (!document.hosts.some((h) => h.id === host)) {
    throw new ValidationError(`${host} is not a host of stack ${document.stack}; hosts: ${document.hosts.map((h) => h.id).join(", ")}`);
  }
  const groups = (document.groups ?? []).filter((g) => g.hosts.some((h) => h.id === host));
  if (!groups.length) throw new ValidationError(`${host} is in no MigrationGroup, so no domain of it can be moved by ldoms: declare a MigrationGroup with ${host} and the hosts its domains may go to`);
  return groups;
}

interface HostReads {
  readonly source: ObservedHost;
  readonly capacity: Map<string, HostCapacity | { readonly error: string }>;
}

/** The host's domains (with sizes) and each target's free capacity: one connection per host. */
async function readHosts(options: EvacuateOptions, targets: readonly string[]): Promise<HostReads> {
  const every = documentHosts(options.document, options.inventory);
  const session = (id: string): HostSession => {
    const host = every.hosts.find((h) => h.target.id === id);
    if (!host) throw new ValidationError(every.unreachable.get(id) ?? `${id} is not a host of stack ${options.document.stack}`);
    return new HostSession(host.target, options.connect, options.commandTimeoutMs);
  };
  const source = session(options.host);
  let observed: ObservedHost;
  try {
    // Reads change nothing: one whose connection dropped is read again.
    observed = (await retryUnknown(() => readHost(source, { listings: ["list-domains"], previous: { buses: [], pfs: [], vfs: [], domains: [], vswitches: [] } }))).observed;
  } catch (error) {
    // A read stopped by its time limit or a lost connection: say so with the host and what to do.
    throw isOutcomeUnknown(error) ? outcomeUnknownError(error, options.host) : error;
  } finally {
    await source.close();
  }
  const capacity = new Map<string, HostCapacity | { readonly error: string }>();
  await Promise.all(targets.map(async (id) => {
    let s: HostSession | undefined;
    try {
      s = session(id);
      const read = s;
      capacity.set(id, await retryUnknown(() => readCapacity(read)));
    } catch (error) {
      const known = isOutcomeUnknown(error) ? outcomeUnknownError(error, id) : error;
      capacity.set(id, { error: known instanceof Error ? (known.message.split("\n")[0] ?? "") : String(known) });
    } finally {
      await s?.close();
    }
  }));
  return { source: observed, capacity };
}

function sizeOf(d: ObservedDomain): EvacuationCandidate["size"] {
  return { ...(d.ncpu !== undefined ? { ncpu: d.ncpu } : {}), ...(d.memoryBytes !== undefined ? { memoryBytes: d.memoryBytes } : {}) };
}

/** One migration of the evacuation, built from the group as `migrate DOMAIN --to HOST` builds it. */
function migrate(options: EvacuateOptions, group: MigrationGroupPlan, domain: string, target: string, dryRun: boolean, control: MigrationControl): Promise<MigrationReport> {
  const plan = groupMigrationPlan(options.document, group, domain, options.host, target);
  return runMigration({
    connect: options.connect,
    document: withMigration(options.document, plan),
    migrationId: plan.id,
    ...(options.inventory ? { inventory: options.inventory } : {}),
    dryRun,
    acceptUnverified: options.acceptUnverified === true,
    control,
    lockTimeoutMs: options.lockTimeoutMs ?? DEFAULT_EVACUATION_LOCK_WAIT_MS,
    ...(options.onEvent ? { onEvent: (event: MigrationEvent) => options.onEvent?.(domain, event) } : {}),
    ...(options.commandTimeoutMs !== undefined ? { commandTimeoutMs: options.commandTimeoutMs } : {}),
    ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}),
    ...(options.guestSettleMs !== undefined ? { guestSettleMs: options.guestSettleMs } : {}),
    ...(options.lockDir !== undefined ? { lockDir: options.lockDir } : {}),
  });
}

function report(options: EvacuateOptions, outcome: EvacuationReport["outcome"], domains: EvacuatedDomain[], stays: string[], summary: string): EvacuationReport {
  return { host: options.host, outcome, domains: domains.sort((a, b) => (a.domain < b.domain ? -1 : 1)), stays, summary };
}

/**
 * A domain whose checks failed because it is no longer on the host (another run moved it off
 * meanwhile) is not refused: it left, as the evacuation wants. One more read of the host decides.
 */
async function withDeparted(options: EvacuateOptions, checked: EvacuatedDomain[]): Promise<EvacuatedDomain[]> {
  if (options.signal?.aborted || !checked.some((d) => d.status === "refused" && d.migration)) return checked;
  const here = new Set((await readHosts(options, [])).source.domains.map((d) => d.name));
  return checked.map((d): EvacuatedDomain =>
    d.status === "refused" && d.migration && !here.has(d.domain) ? { domain: d.domain, status: "left", reason: `no longer on ${options.host}: moved or removed by another run` } : d,
  );
}

/** Proves every placed move by its dry run; a refused placement stays refused. */
async function preflightAll(options: EvacuateOptions, groupOf: (d: string) => MigrationGroupPlan, placements: readonly Placement[], controls: Map<string, MigrationControl>): Promise<EvacuatedDomain[]> {
  const out: EvacuatedDomain[] = [];
  for (const p of placements) {
    if ("refused" in p) {
      out.push({ domain: p.domain, status: "refused", reason: p.refused });
      continue;
    }
    const control = new MigrationControl();
    controls.set(p.domain, control);
    const dry = await migrate(options, groupOf(p.domain), p.domain, p.target, true, control);
    out.push(migrationSucceeded(dry)
      ? { domain: p.domain, target: p.target, status: dry.outcome === "already-migrated" ? "already-migrated" : "dry-run-passed", migration: dry }
      : { domain: p.domain, target: p.target, status: "refused", reason: dry.summary, migration: dry });
  }
  return out;
}

export async function evacuateHost(options: EvacuateOptions): Promise<EvacuationReport> {
  const groups = groupsOf(options.document, options.host);
  for (const t of options.to ?? []) {
    if (!groups.some((g) => targetsOf(g, options.host).includes(t))) throw new ValidationError(`--to ${t} is not another host of ${options.host}'s group${groups.length > 1 ? "s" : ""} (${groups.map((g) => `${g.id}: ${g.hosts.map((h) => h.id).join(", ")}`).join("; ")})`);
  }
  const mobile = new Map(groups.flatMap((g) => g.domains.map((d) => [d.name, g] as const)));
  const targets = [...new Set(groups.flatMap((g) => targetsOf(g, options.host, options.to)))].sort();
  const reads = await readHosts(options, targets);
  const here = reads.source.domains.filter((d) => d.name !== "primary");
  const stays = here.filter((d) => !mobile.has(d.name)).map((d) => d.name).sort();
  const candidates = here.filter((d) => mobile.has(d.name)).map((d) => ({ domain: d.name, group: mobile.get(d.name) as MigrationGroupPlan, size: sizeOf(d) }));
  if (!candidates.length) return report(options, "nothing-to-move", [], stays, `No mobile domain runs on ${options.host}; nothing to move.`);
  const controls = new Map<string, MigrationControl>();
  options.signal?.addEventListener("abort", () => { for (const c of controls.values()) c.interrupt(); });
  const checked = await withDeparted(options, await preflightAll(options, (d) => mobile.get(d) as MigrationGroupPlan, placeDomains(options.host, candidates, reads.capacity, options.to), controls));
  // A stop during the checks ends here: their refusals only say they were interrupted.
  if (options.signal?.aborted) {
    const kept = checked.map((d): EvacuatedDomain => (d.status === "already-migrated" ? d : { domain: d.domain, ...(d.target ? { target: d.target } : {}), status: "not-run", reason: "interrupted before it started" }));
    return report(options, "interrupted", kept, stays, `Interrupted before any domain moved: nothing was moved off ${options.host}; run ldoms evacuate ${options.host} again to continue.`);
  }
  const refused = checked.filter((d) => d.status === "refused");
  const movable = checked.filter((d) => d.status === "dry-run-passed");
  if (!refused.length && !movable.length && checked.every((d) => d.status === "left")) {
    return report(options, "nothing-to-move", checked, stays, `No mobile domain runs on ${options.host} any more (another run moved ${checked.map((d) => d.domain).join(", ")}); nothing to move.`);
  }
  if (refused.length && !options.skipFailing) {
    const kept = checked.map((d): EvacuatedDomain => (d.status === "dry-run-passed" ? { ...d, status: "not-run", reason: "another domain was refused; nothing moves unless --skip-failing" } : d));
    return report(options, "refused", kept, stays, `Nothing was moved: ${refused.map((d) => `${d.domain} (${d.reason})`).join("; ")}.`);
  }
  if (options.dryRun || !movable.length) {
    const outcome = refused.length ? "refused" : "dry-run-passed";
    return report(options, outcome, checked, stays, options.dryRun ? `Dry run: ${movable.length} domain(s) can move off ${options.host}${refused.length ? `, ${refused.length} refused` : ""}; nothing was moved.` : `Nothing could move off ${options.host}.`);
  }
  if (options.confirm && !(await options.confirm(movable.map((d) => `migrate ${d.domain} from ${options.host} to ${d.target}`)))) {
    return report(options, "refused", checked.map((d) => (d.status === "dry-run-passed" ? { ...d, status: "not-run", reason: "not approved" } : d)), stays, "Not approved: nothing was moved.");
  }
  return runMoves(options, mobile, checked, stays, controls);
}

/** The approved moves, at most `parallel` at a time; the rest of the report as it was. */
async function runMoves(options: EvacuateOptions, mobile: ReadonlyMap<string, MigrationGroupPlan>, checked: EvacuatedDomain[], stays: string[], controls: Map<string, MigrationControl>): Promise<EvacuationReport> {
  const moved = await mapWithLimit(checked, options.parallel ?? 1, async (d): Promise<EvacuatedDomain> => {
    if (d.status !== "dry-run-passed") return d;
    if (options.signal?.aborted) return { ...d, status: "not-run", reason: "interrupted before it started" };
    const control = new MigrationControl();
    controls.set(d.domain, control);
    const run = await migrate(options, mobile.get(d.domain) as MigrationGroupPlan, d.domain, d.target as string, false, control);
    return migrationSucceeded(run)
      ? { domain: d.domain, target: d.target as string, status: run.outcome === "already-migrated" ? "already-migrated" : "migrated", migration: run }
      : { domain: d.domain, target: d.target as string, status: "failed", reason: run.summary, migration: run };
  });
  const failed = moved.filter((d) => d.status === "failed" || d.status === "not-run");
  const done = moved.filter((d) => d.status === "migrated" || d.status === "already-migrated");
  const outcome = options.signal?.aborted && failed.length ? "interrupted" : failed.length || moved.some((d) => d.status === "refused") ? "failed" : "evacuated";
  const summary = outcome === "evacuated"
    ? `${options.host} is evacuated: ${done.map((d) => `${d.domain} -> ${d.target}`).join(", ")}.`
    : `${done.length} of ${moved.length} domain(s) moved off ${options.host}; run ldoms evacuate ${options.host} again to continue: ${failed.map((d) => `${d.domain} (${d.reason ?? d.status})`).join("; ")}.`;
  return report(options, outcome, moved, stays, summary);
}
