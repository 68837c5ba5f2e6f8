/**
 * Progress while the engine works: on a TTY one live line per host, redrawn in place; otherwise
 * (CI logs) plain timestamped lines. Written to stderr so `--json` output stays clean.
 */
import type { EngineEvent, EngineEventSink } from "../../engine";

export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  /** Terminal width; 0 or absent when the terminal does not say (a serial console, some CI TTYs). */
  readonly columns?: number;
}

/** Room for one live line (one column is kept free so the cursor never wraps); undefined: unknown, do not cut. */
export function lineWidth(stream: ProgressStream): number | undefined {
  const columns = stream.columns;
  return typeof columns === "number" && Number.isFinite(columns) && columns > 1 ? columns - 1 : undefined;
}

/** `line` cut to the terminal's width when it is known, whole otherwise. */
export function fitLine(stream: ProgressStream, line: string): string {
  const width = lineWidth(stream);
  return width === undefined ? line : line.slice(0, width);
}

export function describeEvent(event: EngineEvent): string {
  switch (event.type) {
    case "host-reading":
      return "reading";
    case "host-planned":
      return event.changes ? `${event.changes} to change, ${event.unchanged} unchanged` : `no changes (${event.unchanged} unchanged)`;
    case "step-started":
      return `[${event.index}/${event.total}] ${event.action.symbol} ${event.action.summary}`;
    case "step-finished":
      return `${event.ok ? "done" : `FAILED (exit status ${event.exitStatus ?? "unknown"})`}: ${event.action.summary}`;
    case "outcome-unknown":
      return `connection lost during "${event.action.summary}": ${event.decision}`;
    case "waiting-inv":
      return `waiting for ${event.devices.join(", ")} to leave INV (${Math.round(event.elapsedMs / 1000)} s)`;
    case "host-verifying":
      return "verifying (re-read)";
    case "host-done":
      return `done (${event.mutatingCommands} mutating command(s))`;
    case "host-failed":
      return `failed: ${event.message.split("\n")[0]}`;
    case "host-stopped":
      return `stopped: ${event.reason}`;
    case "host-warning":
      return `warning: ${event.message}`;
    case "lock-waiting":
      return `waiting for the lock ${event.dir}, ${event.holder} (${Math.round(event.waitedMs / 1000)} s)`;
    case "lock-taken":
      return `locked (${event.dir}, lock id ${event.lockId})`;
    case "lock-released":
      return "lock released";
    case "waiting-runaway":
      return `waiting for a command still running on the host to end (${Math.round(event.elapsedMs / 1000)} s)`;
  }
}

/** Plain lines: `2026-01-01T00:00:00.000Z t7-a [1/3] + create VF ...`. */
export function plainProgress(stream: ProgressStream, now: () => Date = () => new Date()): EngineEventSink {
  return (event) => {
    stream.write(`${now().toISOString()} ${event.host} ${describeEvent(event)}\n`);
  };
}

/** Live view: one line per host, rewritten in place with ANSI cursor movement. */
export function liveProgress(stream: ProgressStream): EngineEventSink & { finish(): void; reset(): void } {
  const order: string[] = [];
  const lines = new Map<string, string>();
  let drawn = 0;
  const draw = () => {
    let out = drawn ? `\x1b[${drawn}A` : "";
    for (const host of order) out += `\x1b[2K${fitLine(stream, `${host}: ${lines.get(host) ?? ""}`)}\n`;
    drawn = order.length;
    stream.write(out);
  };
  const sink = ((event: EngineEvent) => {
    if (!lines.has(event.host)) order.push(event.host);
    lines.set(event.host, describeEvent(event));
    draw();
  }) as EngineEventSink & { finish(): void; reset(): void };
  sink.finish = () => undefined;
  // Something else was written below the live lines (a prompt): start a fresh block after it.
  sink.reset = () => {
    drawn = 0;
  };
  return sink;
}

export function progressFor(stream: ProgressStream): EngineEventSink {
  return stream.isTTY ? liveProgress(stream) : plainProgress(stream);
}

/**
 * Passes every event on to `sink` and keeps the `host-warning` messages per host, for the
 * run's report (text and --json).
 */
export function collectWarnings(sink: EngineEventSink | undefined): EngineEventSink & { readonly warnings: Map<string, string[]> } {
  const warnings = new Map<string, string[]>();
  const collect = ((event: EngineEvent) => {
    if (event.type === "host-warning") warnings.set(event.host, [...(warnings.get(event.host) ?? []), event.message]);
    sink?.(event);
  }) as EngineEventSink & { warnings: Map<string, string[]> };
  collect.warnings = warnings;
  return collect;
}
