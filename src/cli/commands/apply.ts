/**
 * `ldoms apply [PLANFILE]`: lock, read, plan and check every host; ask (or --auto-approve); run
 * the needed steps; prove the result by a re-read. A saved plan (PLANFILE) is applied only if no
 * host changed since it was made, and needs no approval (it was reviewed when saved).
 */
import { askIfTerminal } from "../terminal-ask";
import { ValidationError, type Inventory, type PlanDocument } from "../../model";
import { parsePlanDocument } from "../../model/load-plan-document";
import { applyHosts, documentHosts, engineHosts, loadInventoryFile, migrationAwareness, pinnedHosts, readSavedPlan, type EngineHost, type PlanRunResult } from "../../engine";
import { engineTimeouts, resolveEngineInput, sshConnect, withInventoryDefault, type EngineInputOptions } from "../engine-input";
import { applyJson, renderApply } from "../render/apply-text";
import { renderPlan } from "../render/plan-text";
import { collectWarnings, progressFor } from "../render/progress";
import { applyDocumentGuests, refuseStaleGuests, type SavedGuestRecord } from "../../engine/migration";
import { guestsApplyJson, guestsDeclined, guestsFailed, renderGuestsConverge } from "../render/migration-guests";
import { defaultIo, type CommandIo } from "./plan";
import { listenForStop } from "../interrupts";

export interface ApplyCommandOptions extends EngineInputOptions {
  readonly autoApprove?: boolean;
  readonly json?: boolean;
  readonly parallelism?: number;
  readonly allowDisruptive?: boolean;
  readonly invTimeout?: number;
  readonly lockTimeout?: number;
}

export interface ApplyIo extends CommandIo {
  /** Asks the user; undefined when there is no terminal to ask on. */
  readonly ask?: (question: string) => Promise<string>;
}

export async function runApply(planFile: string | undefined, rawOptions: ApplyCommandOptions, io: ApplyIo = { ...defaultIo(), ...askIfTerminal() }): Promise<number> {
  const options = withInventoryDefault(rawOptions, io.env);
  if (planFile && (options.planDocument || options.skipSynth)) {
    throw new ValidationError(`a saved plan (${planFile}) already holds its plan document; drop --plan-document/--skip-synth`);
  }
  const approvalNeeded = !options.autoApprove && !planFile;
  if (approvalNeeded && !io.ask) {
    throw new ValidationError(
      "apply needs approval, and there is no terminal to ask on: review with ldoms plan, then run ldoms apply --auto-approve (pipelines), or save a plan with ldoms plan --out FILE and apply it with ldoms apply FILE",
    );
  }
  let hosts: EngineHost[];
  let pinned;
  let stack: string;
  let document: PlanDocument;
  let inventory: Inventory | undefined;
  let savedGuests: readonly SavedGuestRecord[] | undefined;
  if (planFile) {
    const saved = readSavedPlan(planFile.startsWith("/") ? planFile : `${io.cwd}/${planFile}`, parsePlanDocument);
    const inventory_ = options.inventory ? loadInventoryFile(options.inventory.startsWith("/") ? options.inventory : `${io.cwd}/${options.inventory}`) : undefined;
    hosts = engineHosts(saved.document, { ...(inventory_ ? { inventory: inventory_ } : {}), ...(options.host ? { hostIds: options.host } : {}) });
    pinned = pinnedHosts(saved);
    savedGuests = saved.guests;
    stack = saved.document.stack;
    document = saved.document;
    inventory = inventory_;
  } else {
    const input = await resolveEngineInput(options, io.cwd);
    hosts = input.hosts;
    stack = input.document.stack;
    document = input.document;
    inventory = input.inventory;
  }
  // Progress goes to stderr with --json too: stdout holds only the report.
  const progress = progressFor(io.stderr);
  // Listing warnings (an unknown VERSION) go to the report too, not only to the progress lines.
  const events = collectWarnings(progress);
  const confirm = approvalNeeded
    ? async (plan: PlanRunResult) => {
        io.stderr.write(`\n${renderPlan(plan)}\n`);
        const answer = await Promise.race([(io.ask as (q: string) => Promise<string>)("Apply these changes? Only 'yes' is accepted: "), stop.stopped]);
        (progress as { reset?: () => void }).reset?.();
        return answer.trim() === "yes";
      }
    : undefined;
  const everyHost = documentHosts(document, inventory);
  // A saved plan pins its guest steps like its host steps: a changed guest refuses it before any change.
  if (savedGuests) {
    await refuseStaleGuests(document, savedGuests, {
      connect: io.connect ?? sshConnect(options),
      hostIds: hosts.map((h) => h.target.id),
      ...(inventory ? { inventory } : {}),
      commandTimeoutMs: engineTimeouts(options),
    });
  }
  // SIGINT/SIGTERM: finish the command in flight, send no other, release every lock, report.
  const stop = listenForStop({
    stderr: io.stderr,
    firstMessage: "stopping after the command in flight; no new command is sent and every lock this run holds is released",
    ...(io.onStop ? { subscribe: io.onStop } : {}),
  });
  try {
    const run = await applyHosts(hosts, {
      signal: stop.signal,
      connect: io.connect ?? sshConnect(options),
      parallelism: options.parallelism ?? 10,
      allowDisruptive: options.allowDisruptive ?? false,
      operation: `ldoms apply (stack ${stack})`,
      // A domain moved by a configured migration is not undone; its target is read even outside --host.
      migrations: migrationAwareness(document, everyHost.hosts, everyHost.unreachable),
      ...(options.invTimeout ? { invTimeoutMs: options.invTimeout } : {}),
      ...(options.lockTimeout ? { lockTimeoutMs: options.lockTimeout } : {}),
      commandTimeoutMs: engineTimeouts(options),
      ...(pinned ? { pinned } : {}),
      ...(confirm ? { confirm } : {}),
      onEvent: (event) => {
        stop.track(event);
        events(event);
      },
    });
    const hostsFailed = run.hosts.some((h) => h.status === "failed" || h.status === "stopped");
    // Guest side of a migration (IPMP), in every guest ldoms can reach, once the hosts converged.
    // With a saved plan, only the guest steps it lists run; a domain migrated away is the migration's.
    const guestRun =
      hostsFailed || run.cancelled || run.interrupted
        ? { guests: [], unreachable: [], notInPlan: [] }
        : await applyDocumentGuests(
            { ...document, hosts: document.hosts.filter((h) => hosts.some((x) => x.target.id === h.id)) },
            {
              connect: io.connect ?? sshConnect(options),
              skipDomains: new Map(run.hosts.map((h) => [h.id, new Set((h.migrated ?? []).map((m) => m.domain))])),
              ...(savedGuests ? { saved: savedGuests } : {}),
              ...(inventory ? { inventory } : {}),
              commandTimeoutMs: engineTimeouts(options),
              ...(approvalNeeded
                ? { confirm: async (lines: readonly string[]) => (await (io.ask as (q: string) => Promise<string>)(`\n${lines.map((l) => `  ${l}`).join("\n")}\nRun these commands in the guest? Only 'yes' is accepted: `)).trim() === "yes" }
                : {}),
            },
          );
    const guests = guestRun.guests;
    io.stdout.write(options.json ? `${JSON.stringify({ ...applyJson(run, events.warnings), ...guestsApplyJson(guestRun) }, null, 2)}\n` : `${renderApply(run, events.warnings)}${renderGuestsConverge(guests, guestRun.notInPlan, guestRun.noAccess)}`);
    if (run.interrupted && stop.exitCode !== undefined) return stop.exitCode;
    // Answering no is not success (as in Terraform): a pipeline must not go on as if applied.
    return hostsFailed || run.cancelled || guestsFailed(guests) || guestsDeclined(guests) ? 1 : 0;
  } finally {
    stop.dispose();
  }
}
