/**
 * Progress of a migration on stderr: on a TTY a bar redrawn in place, in CI one line per
 * percentage step (no more than one per 10 %), plus phase lines and commands run.
 */
import type { MigrationEvent, MigrationEventSink } from "../../engine/migration";
import { describeEvent, fitLine, type ProgressStream } from "./progress";

const BAR_WIDTH = 30;

export function progressBar(percent: number): string {
  const filled = Math.round((Math.max(0, Math.min(100, percent)) / 100) * BAR_WIDTH);
  return `[${"#".repeat(filled)}${"-".repeat(BAR_WIDTH - filled)}] ${String(percent).padStart(3)}%`;
}

export function migrationProgress(stream: ProgressStream, now: () => Date = () => new Date()): MigrationEventSink {
  const tty = stream.isTTY === true;
  let barShown = false;
  let lastLogged = -1;
  const stamp = () => (tty ? "" : `${now().toISOString()} `);
  const endBar = () => {
    if (barShown) stream.write("\n");
    barShown = false;
  };
  return (event: MigrationEvent) => {
    switch (event.type) {
      case "progress": {
        if (tty) {
          // Cut to the width when known: a wrapped bar could not be redrawn in place.
          stream.write(`\r\x1b[2K${fitLine(stream, `  migrating ${progressBar(event.percent)}  ${(event.elapsedMs / 1000).toFixed(1)} s`)}`);
          barShown = true;
        } else if (event.percent === 100 || Math.floor(event.percent / 10) > Math.floor(lastLogged / 10) || lastLogged < 0) {
          stream.write(`${stamp()}migration progress ${event.percent}% (${(event.elapsedMs / 1000).toFixed(1)} s)\n`);
          lastLogged = event.percent;
        }
        return;
      }
      case "phase":
        endBar();
        stream.write(`${stamp()}${event.message}\n`);
        return;
      case "command":
        endBar();
        stream.write(`${stamp()}${event.host}: ${event.commandLine} -> exit status ${event.exitStatus ?? "unknown"}\n`);
        return;
      case "engine":
        stream.write(`${stamp()}${event.event.host} ${describeEvent(event.event)}\n`);
        return;
      case "check":
        return;
    }
  };
}
