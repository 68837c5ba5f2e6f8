/**
 * `ldoms plan`: read every host once, show what apply would change (Terraform-like), optionally
 * save the plan pinned to what was read. With --detailed-exitcode: 0 no changes, 1 error,
 * 2 changes.
 */
import { listenForStop } from "../interrupts";
import { documentHosts, migrationAwareness, planHosts, savedPlanFrom, writeSavedPlan } from "../../engine";
import { engineTimeouts, resolveEngineInput, sshConnect, withInventoryDefault, type EngineInputOptions } from "../engine-input";
import { planJson, planTotals, renderPlan } from "../render/plan-text";
import { planDocumentGuests } from "../../engine/migration";
import { guestPlanCommands, guestPlanJson, guestPlanProblems, guestPlanText } from "../render/guest-plan-text";
import { progressFor } from "../render/progress";
import { defaultIo, type CommandIo } from "../command-io";

export interface PlanCommandOptions extends EngineInputOptions {
  readonly json?: boolean;
  readonly out?: string;
  readonly detailedExitcode?: boolean;
  readonly allowDisruptive?: boolean;
  readonly parallelism?: number;
}

// Where a command writes and what it may override: light, so provider serve loads no engine for it.
export { defaultIo, type CommandIo } from "../command-io";

/** Runs the command; returns the exit code. Typed errors propagate to the CLI edge. */
export async function runPlan(rawOptions: PlanCommandOptions, io: CommandIo = defaultIo()): Promise<number> {
  const options = withInventoryDefault(rawOptions, io.env);
  const input = await resolveEngineInput(options, io.cwd);
  // Progress goes to stderr with --json too: stdout holds only the report.
  const progress = progressFor(io.stderr);
  const everyHost = documentHosts(input.document, input.inventory);
  // Plan changes nothing and takes no lock: a signal ends it at once (no plan file is written).
  const stop = listenForStop({ stderr: io.stderr, firstMessage: "plan changes nothing and holds no lock; stopping now", ...(io.onStop ? { subscribe: io.onStop } : {}) });
  try {
    const stopped = stop.stopped.then(() => undefined);
    const planned = await Promise.race([planAndShow(), stopped]);
    return planned ?? (stop.exitCode as number);
  } finally {
    stop.dispose();
  }

  async function planAndShow(): Promise<number | undefined> {
    const run = await planHosts(input.hosts, {
      connect: io.connect ?? sshConnect(options),
      parallelism: options.parallelism ?? 10,
      allowDisruptive: options.allowDisruptive ?? false,
      // A domain moved by a configured migration is not undone; its target is read even outside --host.
      migrations: migrationAwareness(input.document, everyHost.hosts, everyHost.unreachable),
      onEvent: progress,
      commandTimeoutMs: engineTimeouts(options),
    });
    // Guest IPMP steps, in every guest ldoms can reach, shown and saved like host actions.
    if (stop.signal.aborted) return undefined;
    const guests = await planDocumentGuests(input.document, run, {
      connect: io.connect ?? sshConnect(options),
      parallelism: options.parallelism ?? 10,
      onEvent: progress,
      ...(input.inventory ? { inventory: input.inventory } : {}),
      commandTimeoutMs: engineTimeouts(options),
    });
    if (stop.signal.aborted) return undefined;
    if (options.out) writeSavedPlan(options.out.startsWith("/") ? options.out : `${io.cwd}/${options.out}`, savedPlanFrom(input.document, run, guests));
    const json = planJson(input.document.stack, run) as { totals: object };
    io.stdout.write(
      options.json
        ? `${JSON.stringify(guests.length ? { ...json, ...guestPlanJson(guests), totals: { ...json.totals, guestCommands: guestPlanCommands(guests) } } : json, null, 2)}\n`
        : renderPlan(run, guestPlanText(guests)),
    );
    if (options.out && !options.json) io.stdout.write(`Saved the plan to ${options.out}; apply exactly it with: ldoms apply ${options.out}\n`);
    const totals = planTotals(run);
    if (run.hosts.some((h) => h.error || h.problems.length) || guestPlanProblems(guests)) return 1;
    const changes = totals.create + totals.update + totals.disruptive + guestPlanCommands(guests);
    return options.detailedExitcode && changes > 0 ? 2 : 0;
  }
}
