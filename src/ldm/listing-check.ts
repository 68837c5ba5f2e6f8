/**
 * Is a listing's answer plausible before it is parsed and trusted? An `ldm` that exits 0 but
 * prints nothing (or only an error on stderr) would otherwise read as an empty machine, and
 * apply would plan to create everything on it. What counts as plausible, and the known
 * `VERSION` values, are assumptions (src/ldm/assumptions.ts).
 */
import { CONTROL_DOMAIN_NAME, KNOWN_PARSEABLE_VERSIONS, PLAUSIBLE_LISTINGS } from "./assumptions";
import { outputLines } from "./output-lines";

/** The listings checked, by `ldm` subcommand. */
export type CheckedListing = keyof typeof PLAUSIBLE_LISTINGS;

/** Something unusual that does not stop the listing from being read. */
export type ListingNote = { readonly kind: "unknown-version"; readonly version: string } | { readonly kind: "no-version" };

export interface ListingCheck {
  /** What was seen instead of a plausible answer; undefined when the listing can be read. */
  readonly refusal?: string;
  readonly notes: readonly ListingNote[];
}

const VERSION_LINE = /^VERSION\s+(\S+)$/;
const DEVICE_RECORD = /(?:^|\|)type=[^|\s]/;

export function checkListing(listing: CheckedListing, output: string): ListingCheck {
  const lines = outputLines(output).map((l) => l.text.trim()).filter((l) => l !== "");
  const version = lines.map((l) => VERSION_LINE.exec(l)?.[1]).find((v) => v !== undefined);
  const records = lines.filter((l) => !VERSION_LINE.test(l));
  const notes: ListingNote[] = [];
  if (version === undefined && records.length) notes.push({ kind: "no-version" });
  if (version !== undefined && !KNOWN_PARSEABLE_VERSIONS.includes(version)) notes.push({ kind: "unknown-version", version });
  if (!lines.length) return { refusal: "printed nothing (no VERSION line, no records)", notes };
  const seen = records.length
    ? `${records.length} line(s) (the first: ${quoteLine(records[0]!)})`
    : `only ${quoteLine(lines[0]!)}`;
  switch (PLAUSIBLE_LISTINGS[listing]) {
    case "device":
      if (!records.some((l) => DEVICE_RECORD.test(l))) return { refusal: `printed no device (no line with type=): ${seen}`, notes };
      break;
    case "control-domain":
      if (!records.some((l) => isControlDomainRecord(l))) return { refusal: `printed no DOMAIN record of the control domain ${CONTROL_DOMAIN_NAME}: ${seen}`, notes };
      break;
    case "not-empty":
      break;
  }
  return { notes };
}

function isControlDomainRecord(line: string): boolean {
  const [type, ...fields] = line.split("|");
  return type === "DOMAIN" && fields.includes(`name=${CONTROL_DOMAIN_NAME}`);
}

function quoteLine(line: string): string {
  return `"${line.length > 80 ? `${line.slice(0, 77)}...` : line}"`;
}

/** A note as words, for warnings: `printed VERSION 2.0, which ...`. */
export function describeListingNote(note: ListingNote): string {
  return note.kind === "unknown-version"
    ? `printed VERSION ${note.version}, which this ldoms has not seen (known: ${KNOWN_PARSEABLE_VERSIONS.join(", ")})`
    : "printed no VERSION line";
}
