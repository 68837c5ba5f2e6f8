/**
 * One exec, many listings: the batched read of DESIGN §8. Each part of the command line is
 * framed by `@@ldoms:` delimiter lines and followed by its own exit status (`$?`), so a single
 * round trip returns every listing with its status, and a failing listing does not hide the
 * others. Only the shell vocabulary the lab accepts is used (echo, `;`, `$?`).
 */
import type { Listing } from "../model";
import { LISTINGS } from "../ldm/argv";
import { ldmCommandLine, shellQuote, type LdmCommandLineOptions } from "../ldm/quote";

export const DELIMITER = "@@ldoms:";

export interface BatchPart {
  /** Section name, e.g. `list-io`. */
  readonly name: string;
  /** Command line (already quoted) whose output the section holds. */
  readonly commandLine: string;
}

export interface BatchSection {
  readonly name: string;
  readonly output: string;
  /** Exit status of the part; null when the delimiter with the status never came back. */
  readonly exitStatus: number | null;
}

/** A listing's name (its section name in a batch). */
export type ListingName = Listing;

export function ldmParts(names: readonly ListingName[], options: LdmCommandLineOptions): BatchPart[] {
  return names.map((name) => ({ name, commandLine: ldmCommandLine(LISTINGS[name], options) }));
}

/** `echo '@@ldoms:begin NAME'; CMD; echo "@@ldoms:rc=$?"` for every part, joined by `;`. */
export function batchCommandLine(parts: readonly BatchPart[]): string {
  return parts
    .map((part) => `echo ${shellQuote(`${DELIMITER}begin ${part.name}`)}; ${part.commandLine}; echo "${DELIMITER}rc=$?"`)
    .join("; ");
}

/** Splits the stdout of a batch into its sections (in order; a missing part is absent). */
export function splitBatchOutput(stdout: string): BatchSection[] {
  const sections: BatchSection[] = [];
  let current: { name: string; lines: string[] } | undefined;
  const begin = new RegExp(`^${DELIMITER}begin (\\S+)\\s*$`);
  const rc = new RegExp(`${DELIMITER}rc=(\\d+)\\s*$`);
  for (const line of stdout.split(/\r?\n/)) {
    const b = begin.exec(line);
    if (b) {
      if (current) sections.push({ name: current.name, output: current.lines.join("\n"), exitStatus: null });
      current = { name: b[1] as string, lines: [] };
      continue;
    }
    const r = rc.exec(line);
    if (r && current) {
      // A listing without a final newline leaves its last line in front of the delimiter.
      const before = line.slice(0, r.index);
      if (before) current.lines.push(before);
      sections.push({ name: current.name, output: current.lines.length ? `${current.lines.join("\n")}\n` : "", exitStatus: Number(r[1]) });
      current = undefined;
      continue;
    }
    if (current) current.lines.push(line);
  }
  if (current) sections.push({ name: current.name, output: current.lines.join("\n"), exitStatus: null });
  return sections;
}
