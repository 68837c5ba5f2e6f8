/**
 * `ldoms migrate ID`: prove the migration contract (preparation converged, rules 1-5, the dry
 * run), migrate with progress (Ctrl-C asks, then cancels), prove the result. Exit 0 when the
 * domain is on the target and every check passed (or --dry-run passed); 1 otherwise.
 */
import { askIfTerminal } from "../terminal-ask";
import { ValidationError, type Inventory, type PlanDocument } from "../../model";
import { checkTarget, groupMigrationId, groupMigrationPlan, groupOf, locateDomain, sourceFor, withMigration } from "../../engine/migration/group-migration";
import { findMigration, MigrationControl, migrationSucceeded, runMigration, type MigrationCheck, type MigrationEvent, type MigrationReport } from "../../engine/migration";
import type { PlanRunResult } from "../../engine";
import { guestScriptArtifacts, guestScriptPath } from "../../synth/guest-script";
import { engineTimeouts, resolveEngineInput, sshConnect, withInventoryDefault, type EngineInputOptions } from "../engine-input";
import { migrationProgress } from "../render/migration-progress";
import { renderMigrationReport, renderPreflight } from "../render/migration-text";
import { renderPlan } from "../render/plan-text";
import { defaultIo, type CommandIo } from "./plan";
import { writeMigrationPicture } from "./graph";
import { HeldLocks, processStopSignals, SIGNAL_EXIT_CODES, type StopSignalName, type SubscribeStop } from "../interrupts";

export interface MigrateCommandOptions extends EngineInputOptions {
  readonly dryRun?: boolean;
  readonly autoApprove?: boolean;
  readonly apply?: boolean;
  readonly acceptUnverified?: boolean;
  readonly json?: boolean;
  readonly pollInterval?: number;
  readonly lockTimeout?: number;
  /** Writes the before/after picture of the migration to this file. */
  readonly picture?: string;
  /** With a mobile domain as the argument: the host of its group to move it to. */
  readonly to?: string;
}

export interface MigrateIo extends CommandIo {
  /** Asks the user; undefined when there is no terminal to ask on. */
  readonly ask?: (question: string) => Promise<string>;
  /** Subscribes to Ctrl-C for the duration of the run; returns the unsubscribe. */
  readonly onInterrupt?: (handler: () => void) => () => void;
  /** Ends the process at once (a second signal). Default process.exit. */
  readonly exit?: (code: number) => void;
  /** Receives the report object (the story and tests read it). */
  readonly onReport?: (report: MigrationReport) => void;
}

/** The signals a migration listens to: SIGINT and SIGTERM, or only the test's Ctrl-C. */
function stopSubscription(io: MigrateIo): SubscribeStop {
  if (io.onStop) return io.onStop;
  const onInterrupt = io.onInterrupt;
  if (onInterrupt) return (handler) => onInterrupt(() => handler("SIGINT"));
  return processStopSignals;
}

/** The engine input with the migration `--to` implies for a mobile domain (its source read from the group's hosts). */
async function withGroupMigration<T extends { document: PlanDocument; inventory?: Inventory }>(input: T, domain: string, to: string, options: MigrateCommandOptions, io: MigrateIo): Promise<T> {
  const group = groupOf(input.document, domain);
  const connect = io.connect ?? sshConnect(options);
  const runsOn = await locateDomain(input.document, group, domain, { connect, ...(input.inventory ? { inventory: input.inventory } : {}), commandTimeoutMs: engineTimeouts(options) });
  const plan = groupMigrationPlan(input.document, group, domain, sourceFor(group, runsOn, to), to);
  return { ...input, document: withMigration(input.document, plan) };
}

export async function runMigrate(id: string, rawOptions: MigrateCommandOptions, io: MigrateIo = { ...defaultIo(), ...askIfTerminal() }): Promise<number> {
  const options = withInventoryDefault(rawOptions, io.env);
  if (options.host?.length) {
    // A migration always reads and locks both its source and its target: a subset makes no sense.
    throw new ValidationError(`ldoms migrate does not take --host (got ${options.host.join(",")}): migration ${id} always involves its source and target hosts; drop --host`);
  }
  // An unknown id is a mistake to name before anything asks for approval; the inventory needs
  // the migration's two hosts only (a group's hosts, for --to).
  const to = options.to;
  const resolved = await resolveEngineInput(options, io.cwd, (document) => {
    if (to !== undefined) {
      const group = groupOf(document, id);
      checkTarget(group, id, to);
      return group.hosts.map((h) => h.id);
    }
    const m = findMigration(document, id);
    return [m.sourceHost, m.targetHost];
  });
  const input = to === undefined ? resolved : await withGroupMigration(resolved, id, to, options, io);
  // How the user names this migration in the messages below.
  const named = to === undefined ? id : `${id} --to ${to}`;
  if (to !== undefined) id = groupMigrationId(id, to);
  const migration = findMigration(input.document, id);
  const approvalNeeded = !options.autoApprove && !options.dryRun;
  // --apply changes hosts even with --dry-run (which only spares the migration): it asks too.
  const applyApprovalNeeded = !options.autoApprove && options.apply === true;
  if (approvalNeeded && !io.ask) {
    throw new ValidationError(
      `ldoms migrate ${named} needs approval before it moves the domain, and there is no terminal to ask on: check it with ldoms migrate ${named} --dry-run, then run ldoms migrate ${named} --auto-approve`,
    );
  }
  if (applyApprovalNeeded && !io.ask) {
    throw new ValidationError(
      `ldoms migrate ${named} --apply needs approval before it changes the hosts, and there is no terminal to ask on: review with ldoms plan, then add --auto-approve`,
    );
  }
  const control = new MigrationControl();
  const ask = io.ask;
  const yes = async (question: string) => (await (ask as (q: string) => Promise<string>)(`${question} Only 'yes' is accepted: `)).trim() === "yes";
  let interrupting = false;
  const checks: MigrationCheck[] = [];
  const progress = migrationProgress(io.stderr);
  // First signal before the migration runs: stop at the next phase, release the locks. While ldm
  // migrates: Ctrl-C asks whether to cancel it; SIGTERM (CI) or no terminal cancels. A second
  // signal outside the migration exits at once, naming the locks that may remain.
  const locks = new HeldLocks();
  let firstSignal: StopSignalName | undefined;
  const unsubscribe = stopSubscription(io)((signal) => {
    if (!control.running) {
      if (firstSignal !== undefined && control.interrupted) {
        io.stderr.write(locks.exitMessage(signal));
        (io.exit ?? ((code: number) => process.exit(code)))(SIGNAL_EXIT_CODES[firstSignal]);
        return;
      }
      firstSignal ??= signal;
      control.interrupt();
      io.stderr.write(`\nInterrupted (${signal}): stopping at the next safe point; the domain will not be migrated, and the locks are released. Send the signal again to exit at once.\n`);
      return;
    }
    firstSignal ??= signal;
    if (interrupting) return;
    interrupting = true;
    void (async () => {
      const cancel = ask && signal === "SIGINT" ? await yes(`\nCancel the running migration (ldm cancel-operation migration)?`) : true;
      if (cancel) io.stderr.write(`${await control.cancel()}\n`);
      else io.stderr.write("The migration continues.\n");
      interrupting = false;
    })();
  });
  let report: MigrationReport;
  try {
    report = await runMigration({
      connect: io.connect ?? sshConnect(options),
      document: input.document,
      migrationId: id,
      ...(input.inventory ? { inventory: input.inventory } : {}),
      dryRun: options.dryRun === true,
      apply: options.apply === true,
      acceptUnverified: options.acceptUnverified === true,
      control,
      // The question comes after the preflight and the dry run: show what they proved first.
      ...(approvalNeeded ? { confirm: async (question: string) => (io.stderr.write(`\n${renderPreflight(checks)}\n\n`), yes(question)) } : {}),
      ...(applyApprovalNeeded
        ? {
            confirmApply: async (plan: PlanRunResult) => {
              io.stderr.write(`\n${renderPlan(plan)}\n`);
              return yes("Apply these preparation changes?");
            },
            confirmGuest: async (lines: readonly string[]) => {
              io.stderr.write(`\nIn guest ${migration.domain}:\n${lines.map((l) => `  ${l}`).join("\n")}\n`);
              return yes("Run these commands in the guest?");
            },
          }
        : {}),
      // Progress goes to stderr, with --json too (stdout holds only the report). While the
      // cancel question is on screen, the progress bar waits (it would draw over it).
      onEvent: (event: MigrationEvent) => {
        if (event.type === "engine") locks.track(event.event);
        if (event.type === "check") checks.push(event.check);
        if (!(interrupting && event.type === "progress")) progress(event);
      },
      ...(options.pollInterval ? { pollIntervalMs: options.pollInterval } : {}),
      ...(options.lockTimeout ? { lockTimeoutMs: options.lockTimeout } : {}),
      commandTimeoutMs: engineTimeouts(options),
    });
  } finally {
    unsubscribe();
  }
  const preflightGuest = report.preflight.find((c) => c.rule === 3);
  if (preflightGuest?.status === "unverified" || report.postVerify.some((c) => c.id === "post/guest-ipmp-on-vf" && c.status === "unverified")) {
    const script = guestScriptArtifacts(input.document).get(guestScriptPath(report.domain));
    if (script) report = { ...report, guestScript: script };
  }
  if (options.picture) await writeMigrationPicture(input.document, report, options.picture, io);
  io.onReport?.(report);
  io.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : renderMigrationReport(report));
  if (firstSignal !== undefined && (report.outcome === "interrupted" || report.outcome === "cancelled")) return SIGNAL_EXIT_CODES[firstSignal];
  return migrationSucceeded(report) ? 0 : 1;
}
