/**
 * A cap on what one command may print. Listings of a real control domain are kilobytes to a few
 * hundred kilobytes; a runaway or wrong `ldm` once printed 50 MB, which took about 1 GB of memory
 * as buffers, strings and parsed records. Every executor keeps at most `maxOutputBytes` per
 * stream and stops a command that prints more.
 */
import { OutcomeUnknownError } from "./executor";

/**
 * Default most bytes kept per stream of one command: 16 MiB, about 50 times the largest listing
 * expected (hundreds of VFs with their property lines), small enough that a runaway command
 * costs at most a few hundred MB of memory.
 */
export const DEFAULT_MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

/** `16 MiB`, `512 KiB` or `1000 bytes`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/**
 * Rejection of an exec whose output went over the limit. The command was stopped, so whether it
 * completed is unknown (for a read that only means the read failed).
 */
export class OutputLimitError extends OutcomeUnknownError {
  constructor(
    /** Executor label (the host id), for messages. */
    readonly label: string,
    commandLine: string,
    readonly stream: "stdout" | "stderr",
    readonly limitBytes: number,
  ) {
    super(
      `${label}: the command printed more than ${formatBytes(limitBytes)} on ${stream} (the output limit per stream) and was stopped; it may or may not have completed. Command: ${commandLine}`,
      commandLine,
      "output-limit",
      { label, detail: `more than ${formatBytes(limitBytes)} on ${stream}` },
    );
    this.name = "OutputLimitError";
  }
}

/** The limit to apply: the exec's, else the executor's, else the default; checked once. */
export function outputLimit(label: string, ...candidates: (number | undefined)[]): number {
  const limit = candidates.find((c) => c !== undefined) ?? DEFAULT_MAX_OUTPUT_BYTES;
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`${label}: maxOutputBytes must be a positive integer (got ${limit})`);
  return limit;
}

/** The chunks of one stream, kept while they fit under the limit. */
export class CappedOutput {
  private readonly chunks: Buffer[] = [];
  private size = 0;

  constructor(readonly limitBytes: number) {}

  /** Keeps `chunk`; false (and the chunk dropped) once the stream is over the limit. */
  push(chunk: Buffer): boolean {
    this.size += chunk.length;
    if (this.size > this.limitBytes) return false;
    this.chunks.push(chunk);
    return true;
  }

  text(): string {
    return Buffer.concat(this.chunks).toString("utf8");
  }
}
