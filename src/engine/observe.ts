/**
 * Observe = one batched read exec per host, parsed into the observed model. Apply takes its lock
 * in the same exec, so locking costs no extra round trip.
 */
import { PlanError } from "../model";
import { readFailure } from "./connection-errors";
import { checkReadListing } from "./listing-checks";
import type { HostSession } from "./host-session";
import { acquireLockPart, parseLockInfo, readLockPart, releaseOutcomeOf, releaseParts, type LockInfo, type ReleaseOutcome } from "./lock";
import { observeDevices, observeDomains, observeVswitches, VfNamesNotListed } from "./observed-from-listings";
import type { ObservedHost } from "./observed-state";
import { parseListIo } from "../ldm/parse-list-io";
import { ALL_LISTINGS, HUMAN_LIST_IO_LONG, listingLabel } from "../ldm/argv";
import { ldmCommandLine } from "../ldm/quote";
import { batchCommandLine, ldmParts, splitBatchOutput, type BatchPart, type BatchSection, type ListingName } from "./read-batch";

export { ALL_LISTINGS } from "../ldm/argv";

export interface LockRequest {
  readonly dir: string;
  readonly info: LockInfo;
  /** Release the lock at the end of this exec (final re-read). */
  readonly release?: boolean;
  /** Take it at the start of this exec. */
  readonly acquire?: boolean;
}

export interface LockOutcome {
  /** True when the lock is held by this run (taken now, or found with our id after a retry). */
  readonly held: boolean;
  /** Who holds it, when someone does. */
  readonly holder?: LockInfo;
  /** With a release request: what the release found. */
  readonly release?: ReleaseOutcome;
}

/** Errors of a read that took the lock before it failed: the caller still holds it and must release it. */
const lockTakenBy = new WeakSet<object>();

export function readFailedHoldingLock(error: unknown): boolean {
  return typeof error === "object" && error !== null && lockTakenBy.has(error);
}

export interface ReadOutcome {
  readonly observed: ObservedHost;
  readonly lock?: LockOutcome;
}

function ldmOptions(session: HostSession) {
  const c = session.target.connection;
  return { ldmPath: c.ldmPath, pfexec: c.pfexec };
}

/**
 * Reads `listings` in one exec (optionally taking or releasing the lock in the same exec) and
 * merges them over `previous` (listings not read keep their previous value).
 */
export async function readHost(
  session: HostSession,
  options: { listings?: readonly ListingName[]; previous?: ObservedHost; lock?: LockRequest } = {},
): Promise<ReadOutcome> {
  const listings = options.listings ?? ALL_LISTINGS;
  const parts: BatchPart[] = [];
  if (options.lock?.acquire) parts.push(acquireLockPart(options.lock.dir, options.lock.info), readLockPart(options.lock.dir));
  parts.push(...ldmParts(listings, ldmOptions(session)));
  if (options.lock?.release) parts.push(...releaseParts(options.lock.dir, options.lock.info.id));
  const result = await session.exec(batchCommandLine(parts), options.lock?.acquire || options.lock?.release ? "lock" : "read");
  const sections = new Map<string, BatchSection>(splitBatchOutput(result.stdout).map((s) => [s.name, s]));

  let lock: LockOutcome | undefined;
  if (options.lock?.acquire) {
    const holder = parseLockInfo(sections.get("lock-info")?.output ?? "");
    const taken = sections.get("lock")?.exitStatus === 0;
    lock = { held: taken || holder?.id === options.lock.info.id, ...(holder ? { holder } : {}) };
  } else if (options.lock?.release) {
    const release = releaseOutcomeOf(sections);
    lock = { held: false, release, ...(release.kind === "other" && release.holder ? { holder: release.holder } : {}) };
  }
  try {
    return { observed: await observeWithNames(session, listings, sections, result, options.previous), ...(lock ? { lock } : {}) };
  } catch (error) {
    // Nothing was read, but the lock was taken in this exec: the caller must release it.
    if (lock?.held && typeof error === "object" && error !== null) lockTakenBy.add(error);
    throw error;
  }
}

/**
 * The observation, reading human `ldm list-io -l` too (one more exec) when the parseable listing
 * shows VFs but no name field for any of them: names may show only there.
 */
async function observeWithNames(
  session: HostSession,
  listings: readonly ListingName[],
  sections: ReadonlyMap<string, BatchSection>,
  result: { readonly exitStatus: number | null; readonly stderr: string },
  previous: ObservedHost | undefined,
): Promise<ObservedHost> {
  try {
    return observeListings(session, listings, sections, result, previous);
  } catch (error) {
    if (!(error instanceof VfNamesNotListed)) throw error;
  }
  const human = await session.exec(batchCommandLine([{ name: "list-io-human", commandLine: ldmCommandLine(HUMAN_LIST_IO_LONG, ldmOptions(session)) }]), "read");
  const section = splitBatchOutput(human.stdout).find((s) => s.name === "list-io-human");
  if (!section || section.exitStatus !== 0) throw readFailure(session.target, HUMAN_LIST_IO_LONG.join(" "), section?.exitStatus ?? human.exitStatus, section?.output ?? "", human.stderr);
  let names: Map<string, string | undefined>;
  try {
    names = new Map(parseListIo(section.output).filter((d) => d.type.toUpperCase() === "VF" && d.nameShown).map((d) => [d.name, d.vfName]));
  } catch (error) {
    throw new PlanError(`${session.id}: could not read the output of \`ldm ${HUMAN_LIST_IO_LONG.join(" ")}\`: ${error instanceof Error ? error.message : String(error)}`);
  }
  return observeListings(session, listings, sections, result, previous, names);
}

function observeListings(
  session: HostSession,
  listings: readonly ListingName[],
  sections: ReadonlyMap<string, BatchSection>,
  result: { readonly exitStatus: number | null; readonly stderr: string },
  previous: ObservedHost | undefined,
  humanNames?: ReadonlyMap<string, string | undefined>,
): ObservedHost {
  let devices = previous ? { buses: previous.buses, pfs: previous.pfs, vfs: previous.vfs } : undefined;
  let domains = previous?.domains;
  let vswitches = previous?.vswitches;
  for (const name of listings) {
    const section = sections.get(name);
    if (!section || section.exitStatus !== 0) {
      throw readFailure(session.target, listingLabel(name), section?.exitStatus ?? result.exitStatus, section?.output ?? "", result.stderr);
    }
    checkReadListing(session, name, listingLabel(name), section.output, result.stderr);
    try {
      if (name === "list-io") devices = observeDevices(parseListIo(section.output), humanNames);
      else if (name === "list-domains") domains = observeDomains(section.output);
      else vswitches = observeVswitches(section.output);
    } catch (error) {
      if (error instanceof VfNamesNotListed) throw error;
      throw new PlanError(`${session.id}: could not read the output of \`ldm ${listingLabel(name)}\`: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (!devices || !domains || !vswitches) throw new Error("readHost: a partial read needs a previous observation");
  return { ...devices, domains, vswitches };
}
