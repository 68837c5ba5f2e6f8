/**
 * `ldoms status`: where every declared domain runs, its VFs on every host it may run on, its
 * guest's IPMP state, and whether it could migrate now, from one read of each host and guest.
 * Read-only: no lock, no dry run. Exit 0 when every host was read, 1 when one (or the plan
 * document) could not be; what was read is printed either way.
 */
import { resolve } from "node:path";
import { ValidationError } from "../../model";
import { loadPlanDocumentFile } from "../../model/load-plan-document";
import { loadInventoryFile } from "../../engine";
import { readStatus, statusComplete } from "../../engine/status";
import { engineTimeouts, resolvePlanDocumentPath, sshConnect, withInventoryDefault, type EngineInputOptions } from "../engine-input";
import { progressFor } from "../render/progress";
import { renderStatus } from "../render/status-text";
import { defaultIo, type CommandIo } from "./plan";

export interface StatusCommandOptions extends EngineInputOptions {
  readonly json?: boolean;
  readonly parallelism?: number;
}

export async function runStatus(rawOptions: StatusCommandOptions, io: CommandIo = defaultIo()): Promise<number> {
  const options = withInventoryDefault(rawOptions, io.env);
  const source = await resolvePlanDocumentPath(options, io.cwd);
  const document = loadPlanDocumentFile(source);
  if (options.stack !== undefined && document.stack !== options.stack) {
    throw new ValidationError(`--stack ${options.stack}: ${source} holds stack ${document.stack}; choose that stack or another plan document`);
  }
  // A host missing from the inventory is reported in the table, not a reason to show nothing.
  const inventory = options.inventory ? loadInventoryFile(resolve(io.cwd, options.inventory)) : undefined;
  const report = await readStatus(document, {
    connect: io.connect ?? sshConnect(options),
    ...(inventory ? { inventory } : {}),
    commandTimeoutMs: engineTimeouts(options),
    parallelism: options.parallelism ?? 10,
    // Live host lines on a terminal only: a log or pipeline gets the table alone.
    ...(io.stderr.isTTY ? { onEvent: progressFor(io.stderr) } : {}),
  });
  io.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : renderStatus(report));
  return statusComplete(report) ? 0 : 1;
}
