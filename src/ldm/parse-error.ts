import { LdomsError } from "../model/errors";

/**
 * Text that is not the `ldm` (or `ipmpstat`) output a parser expects. Carries the 1-based line
 * number and the offending line, so a report points at the exact place in a captured listing.
 */
export class LdmParseError extends LdomsError {
  readonly kind = "ldm-parse";
  constructor(
    /** What the parser was reading, e.g. `ldm list-io -p`. */
    readonly source: string,
    readonly reason: string,
    readonly lineNumber?: number,
    readonly line?: string,
  ) {
    super(
      `Cannot parse ${source} output${lineNumber === undefined ? "" : ` at line ${lineNumber}`}: ${reason}` +
        (line === undefined ? "" : ` (line: ${JSON.stringify(line.length > 120 ? `${line.slice(0, 120)}...` : line)})`) +
        ". Check that the command printed the expected listing (a different ldm version or an error text mixed into stdout can cause this).",
    );
  }
}
