/**
 * What plan/apply/force-unlock work on: the plan document (synthesized first, as `cdktf deploy`
 * does, unless --skip-synth or --plan-document), the selected stack and hosts, the inventory, and
 * how to connect (ssh2, host keys pinned).
 */
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { ValidationError, type Inventory, type PlanDocument } from "../model";
import { loadPlanDocumentFile } from "../model/load-plan-document";
import { commandTimeouts, engineHosts, loadInventoryFile, sshConnectHost, type CommandTimeouts, type ConnectHost, type EngineHost } from "../engine";
import { synthesizeApp } from "./synth-app";

// The option definitions live in a light module so that registering the commands loads no engine.
export { addEngineInputOptions, collectList, LOCK_TIMEOUT_OPTION, nonNegativeInteger, positiveInteger } from "./engine-options";

export const PLAN_FILE = "ldoms.plan.json";
export const DEFAULT_OUT_DIR = "cdktf.out";

export interface EngineInputOptions {
  readonly stack?: string;
  readonly host?: readonly string[];
  readonly inventory?: string;
  readonly skipSynth?: boolean;
  readonly planDocument?: string;
  readonly trustOnFirstUse?: boolean;
  readonly connectTimeout?: number;
  /** Limit of each command that changes a host; of reads too unless readTimeout is given. */
  readonly commandTimeout?: number;
  /** Limit of each read (listings, lock handling). */
  readonly readTimeout?: number;
  /** Most bytes kept per output stream of one command. */
  readonly maxOutput?: number;
}

export interface EngineInput {
  readonly document: PlanDocument;
  readonly hosts: EngineHost[];
  readonly inventory?: Inventory;
  /** Where the document came from, for messages. */
  readonly source: string;
}

function selectStack<T extends { name: string }>(stacks: readonly T[], wanted: string | undefined, where: string): T {
  if (wanted !== undefined) {
    const found = stacks.find((s) => s.name === wanted);
    if (!found) throw new ValidationError(`--stack ${wanted}: no such stack in ${where}; stacks: ${stacks.map((s) => s.name).join(", ") || "(none)"}`);
    return found;
  }
  if (stacks.length === 1) return stacks[0] as T;
  if (stacks.length === 0) throw new ValidationError(`no stack found in ${where}; synthesize first (ldoms synth) or give --plan-document FILE`);
  throw new ValidationError(`${where} has ${stacks.length} stacks (${stacks.map((s) => s.name).join(", ")}); choose one with --stack NAME`);
}

/** Plan document path, by the rules: --plan-document; a stack output folder; --skip-synth; synth. */
export async function resolvePlanDocumentPath(options: EngineInputOptions, cwd: string = process.cwd()): Promise<string> {
  if (options.planDocument) return resolve(cwd, options.planDocument);
  // Run by hand in a stack output folder (cdktf.out/stacks/S). Terraform's local-exec passes --plan-document.
  if (existsSync(join(cwd, PLAN_FILE)) && !existsSync(join(cwd, "cdktf.json"))) {
    return join(cwd, PLAN_FILE);
  }
  if (options.skipSynth) {
    const stacksDir = join(cwd, DEFAULT_OUT_DIR, "stacks");
    const names = existsSync(stacksDir) ? readdirSync(stacksDir).filter((n) => existsSync(join(stacksDir, n, PLAN_FILE))).sort() : [];
    const chosen = selectStack(names.map((name) => ({ name })), options.stack, stacksDir);
    return join(stacksDir, chosen.name, PLAN_FILE);
  }
  if (!existsSync(join(cwd, "cdktf.json"))) {
    throw new ValidationError(`no cdktf.json in ${cwd} and no ${PLAN_FILE} here: run from the project folder, or give --plan-document FILE`);
  }
  const result = await synthesizeApp({ projectDir: cwd });
  const chosen = selectStack(result.stacks, options.stack, `the app of ${join(cwd, "cdktf.json")}`);
  return chosen.planFile;
}

/**
 * The plan document, inventory and hosts of a run. `hostsOf` picks the hosts from the document
 * when the command knows them better than --host (a migration: its source and target); each
 * host of the run must be in the inventory, when one is given.
 */
export async function resolveEngineInput(
  options: EngineInputOptions,
  cwd: string = process.cwd(),
  hostsOf?: (document: PlanDocument) => readonly string[],
): Promise<EngineInput> {
  const source = await resolvePlanDocumentPath(options, cwd);
  const document = loadPlanDocumentFile(source);
  if (options.stack !== undefined && document.stack !== options.stack) {
    throw new ValidationError(`--stack ${options.stack}: ${source} holds stack ${document.stack}; choose that stack or another plan document`);
  }
  const inventory = options.inventory ? loadInventoryFile(resolve(cwd, options.inventory)) : undefined;
  const hostIds = hostsOf ? hostsOf(document) : options.host;
  const hosts = engineHosts(document, { ...(inventory ? { inventory } : {}), ...(hostIds ? { hostIds } : {}) });
  return { document, hosts, ...(inventory ? { inventory } : {}), source };
}

/** Connects over ssh2 with the host key pinned by fingerprint or known_hosts (the CLI's limits). */
export function sshConnect(options: EngineInputOptions): ConnectHost {
  return sshConnectHost({
    ...(options.trustOnFirstUse ? { trustOnFirstUse: true } : {}),
    ...(options.connectTimeout ? { connectTimeoutMs: options.connectTimeout } : {}),
    ...(options.maxOutput ? { maxOutputBytes: options.maxOutput } : {}),
    // Trust-on-first-use is only useful if the user learns what to pin afterwards.
    onHostKeyLearned: (target, learned) =>
      process.stderr.write(`${target.id}: trusted on first use: host key ${learned.fingerprint}; pin it as hostKey for ${target.id} (inventory or ControlDomain)\n`),
  });
}

/** The engine's per-kind command time limits from --read-timeout and --command-timeout. */
export function engineTimeouts(options: EngineInputOptions): CommandTimeouts {
  return commandTimeouts({
    ...(options.readTimeout !== undefined ? { readTimeoutMs: options.readTimeout } : {}),
    ...(options.commandTimeout !== undefined ? { commandTimeoutMs: options.commandTimeout } : {}),
  });
}

/** The inventory path: the option, else $LDOMS_INVENTORY (so Terraform's local-exec can use one). */
export function withInventoryDefault<T extends EngineInputOptions>(options: T, env: NodeJS.ProcessEnv = process.env): T {
  if (options.inventory === undefined && env.LDOMS_INVENTORY) return { ...options, inventory: env.LDOMS_INVENTORY };
  return options;
}
