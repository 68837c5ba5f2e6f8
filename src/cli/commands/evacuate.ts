/**
 * `ldoms evacuate HOST`: every mobile domain off a host for maintenance. Every move is proven
 * first (nothing moves when one is refused, unless --skip-failing), then approved once, then run
 * with progress per domain. Exit 0 when the host is evacuated (or --dry-run passed, or nothing
 * runs there), 1 otherwise; a run after an interruption continues where it stopped.
 */
import { ValidationError } from "../../model";
import { evacuateHost, evacuationSucceeded } from "../../engine/evacuate";
import type { MigrationEvent } from "../../engine/migration";
import { engineTimeouts, resolveEngineInput, sshConnect, withInventoryDefault, type EngineInputOptions } from "../engine-input";
import { processStopSignals, SIGNAL_EXIT_CODES, type StopSignalName, type SubscribeStop } from "../interrupts";
import { askIfTerminal } from "../terminal-ask";
import { renderEvacuation } from "../render/evacuation-text";
import { defaultIo, type CommandIo } from "./plan";

export interface EvacuateCommandOptions extends EngineInputOptions {
  readonly to?: string[];
  readonly parallel?: number;
  readonly dryRun?: boolean;
  readonly skipFailing?: boolean;
  readonly autoApprove?: boolean;
  readonly acceptUnverified?: boolean;
  readonly json?: boolean;
  readonly lockTimeout?: number;
  readonly pollInterval?: number;
}

export interface EvacuateIo extends CommandIo {
  readonly ask?: (question: string) => Promise<string>;
}

/** One stderr line per phase, per lock wait and per 25% of progress, prefixed by the domain. */
function progressLines(write: (text: string) => void): (domain: string, event: MigrationEvent) => void {
  const shown = new Map<string, number>();
  return (domain, event) => {
    if (event.type === "phase") write(`[${domain}] ${event.message}\n`);
    // Moves sharing a host take turns on its lock: say who waits, and for whom.
    if (event.type === "engine" && event.event.type === "lock-waiting") {
      write(`[${domain}] waiting for the lock on ${event.event.host}, ${event.event.holder} (${Math.round(event.event.waitedMs / 1000)} s)\n`);
    }
    if (event.type === "progress") {
      const step = Math.floor(event.percent / 25) * 25;
      if (step > (shown.get(domain) ?? -1)) {
        shown.set(domain, step);
        write(`[${domain}] migrating: ${event.percent}%\n`);
      }
    }
  };
}

export async function runEvacuate(host: string, rawOptions: EvacuateCommandOptions, io: EvacuateIo = { ...defaultIo(), ...askIfTerminal() }): Promise<number> {
  const options = withInventoryDefault(rawOptions, io.env);
  if (options.host?.length) throw new ValidationError(`ldoms evacuate does not take --host (got ${options.host.join(",")}): name the host to evacuate as the argument`);
  const approvalNeeded = !options.autoApprove && !options.dryRun;
  if (approvalNeeded && !io.ask) {
    throw new ValidationError(`ldoms evacuate ${host} needs approval before it moves domains, and there is no terminal to ask on: check it with ldoms evacuate ${host} --dry-run, then run it with --auto-approve`);
  }
  const input = await resolveEngineInput(options, io.cwd);
  const controller = new AbortController();
  let first: StopSignalName | undefined;
  const subscribe: SubscribeStop = io.onStop ?? processStopSignals;
  const unsubscribe = subscribe((signal) => {
    first ??= signal;
    io.stderr.write(`\nInterrupted (${signal}): no further migration starts; a running one finishes its current step. Run ldoms evacuate ${host} again to continue.\n`);
    controller.abort(`interrupted by ${signal}`);
  });
  try {
    const report = await evacuateHost({
      connect: io.connect ?? sshConnect(options),
      document: input.document,
      ...(input.inventory ? { inventory: input.inventory } : {}),
      host,
      ...(options.to?.length ? { to: options.to } : {}),
      ...(options.parallel ? { parallel: options.parallel } : {}),
      dryRun: options.dryRun === true,
      skipFailing: options.skipFailing === true,
      acceptUnverified: options.acceptUnverified === true,
      ...(approvalNeeded ? { confirm: async (moves: readonly string[]) => (await (io.ask as (q: string) => Promise<string>)(`\n${moves.map((m) => `  ${m}`).join("\n")}\nEvery move passed its preflight and dry run. Migrate? Only 'yes' is accepted: `)).trim() === "yes" } : {}),
      onEvent: progressLines((text) => void io.stderr.write(text)),
      signal: controller.signal,
      commandTimeoutMs: engineTimeouts(options),
      ...(options.lockTimeout !== undefined ? { lockTimeoutMs: options.lockTimeout } : {}),
      ...(options.pollInterval ? { pollIntervalMs: options.pollInterval } : {}),
    });
    io.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : renderEvacuation(report));
    if (first !== undefined && report.outcome === "interrupted") return SIGNAL_EXIT_CODES[first];
    return evacuationSucceeded(report) ? 0 : 1;
  } finally {
    unsubscribe();
  }
}
