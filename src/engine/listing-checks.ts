/**
 * Every listing a read returns is checked for plausibility before it is parsed
 * (src/ldm/listing-check.ts): an `ldm` that exits 0 but does not answer is an error naming the
 * host, the listing, what was seen and the likely fix, never an empty machine. What is unusual
 * but readable (an unknown VERSION) is kept per host session as a warning for the run's report.
 */
import { checkListing, describeListingNote, type CheckedListing, type ListingNote } from "../ldm/listing-check";
import { implausibleListing } from "./connection-errors";
import type { EngineEventSink } from "./events";
import type { HostSession } from "./host-session";
import type { ListingName } from "./read-batch";

const CHECKED: Record<ListingName, CheckedListing> = { "list-io": "list-io", "list-domains": "list", "list-services": "list-services" };

interface SessionNotes {
  /** Per note (kind and version), the listings that showed it, in order. */
  readonly notes: Map<string, { readonly note: ListingNote; readonly listings: string[] }>;
  /** Warnings already sent as events. */
  readonly emitted: Set<string>;
}

const bySession = new WeakMap<HostSession, SessionNotes>();

/**
 * Throws a ConnectionError when `output` (exit status 0) is not a plausible answer of `name`;
 * otherwise records its notes on the session. `label` is the listing as run (`list-io -l -p`),
 * `stderr` the exec's standard error (its first line is quoted in the error).
 */
export function checkReadListing(session: HostSession, name: ListingName, label: string, output: string, stderr: string): void {
  const check = checkListing(CHECKED[name], output);
  if (check.refusal !== undefined) throw implausibleListing(session.target, label, check.refusal, stderr);
  if (!check.notes.length) return;
  let seen = bySession.get(session);
  if (!seen) bySession.set(session, (seen = { notes: new Map(), emitted: new Set() }));
  for (const note of check.notes) {
    const key = note.kind === "unknown-version" ? `version ${note.version}` : note.kind;
    const entry = seen.notes.get(key) ?? { note, listings: [] };
    if (!entry.listings.includes(label)) entry.listings.push(label);
    seen.notes.set(key, entry);
  }
}

/**
 * Warnings about what this session's reads showed, each once however often it was read: e.g.
 * `t7-a: \`ldm list-io -l -p\`, \`ldm list -l -p\` printed VERSION 2.0, which this ldoms has not
 * seen (known: ...); read as usual. ...`.
 */
export function listingWarnings(session: HostSession): string[] {
  const seen = bySession.get(session);
  if (!seen) return [];
  return [...seen.notes.values()].map(({ note, listings }) => {
    const which = listings.map((l) => `\`ldm ${l}\``).join(", ");
    const advice =
      note.kind === "unknown-version"
        ? "Review the plan before applying it; once this release's listings are checked against the parsers, add the version to KNOWN_PARSEABLE_VERSIONS (src/ldm/assumptions.ts)."
        : "Check that ldmPath is Oracle's ldm (/usr/sbin/ldm), not a wrapper that rewrites its output, and review the plan before applying it.";
    return `${session.id}: ${which} ${describeListingNote(note)}; read as usual. ${advice}`;
  });
}

/**
 * Sends each warning of `listingWarnings(session)` not sent before as a `host-warning` event and
 * returns all of them. Call it after every read (plan does after its one read; apply after each).
 */
export function emitListingWarnings(session: HostSession, onEvent: EngineEventSink | undefined): string[] {
  const warnings = listingWarnings(session);
  const emitted = bySession.get(session)?.emitted;
  for (const message of warnings) {
    if (emitted?.has(message)) continue;
    emitted?.add(message);
    onEvent?.({ type: "host-warning", host: session.id, message });
  }
  return warnings;
}
