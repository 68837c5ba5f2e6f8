/**
 * The default lab (t7-a with guest ldg1, t7-b) served over the lab's ssh2 server, the example's
 * plan document, and helpers to run `ldoms migrate` against it and to read the lab journal.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Lab } from "../../src/lab/lab";
import { loadLabDefinition } from "../../src/lab/definition";
import { DEFAULT_LAB_FILE } from "../../src/lab/paths";
import { startLabServer, type RunningLabServer, type SshExecInfo } from "../../src/lab-serving/ssh-server";
import type { Inventory, PlanDocument } from "../../src/model";
import { sshConnect } from "../../src/cli/engine-input";
import { runMigration, type MigrateOptions, type MigrationReport } from "../../src/engine/migration";
import { examplePlan } from "../../test-kit/example-plan";
import type { VariantPresetName } from "../../src/lab/variants";

/**
 * The commands that configure the example's IPMP group ipmp0 in guest ldg1 from nothing (VF link
 * net1 active, vnet link net0 standby), in the order the engine runs them.
 */
export const GUEST_IPMP_COMMANDS: readonly string[] = [
  "ipadm create-ip net1",
  "ipadm create-ip net0",
  "ipadm create-ipmp ipmp0",
  "ipadm add-ipmp -i net1 ipmp0",
  "ipadm add-ipmp -i net0 ipmp0",
  "ipadm set-ifprop -p standby=on -m ip net0",
];

export type LabJson = { options: Record<string, unknown>; machines: Array<Record<string, any>> };

/** The default lab with short timings; `variants` sets its format variants (docs/lab.md, "Variants"). */
export function defaultLabJson(variants?: VariantPresetName): LabJson {
  const json = JSON.parse(readFileSync(DEFAULT_LAB_FILE, "utf8")) as LabJson;
  json.options = { ...json.options, invSettleMs: 400, migrationMs: 800, ...(variants ? { variants } : {}) };
  return json;
}

export interface MigrationLab {
  readonly lab: Lab;
  readonly server: RunningLabServer;
  readonly inventory: Inventory;
  readonly document: PlanDocument;
  /** Runs the migration with the lab's connections; overrides merge in. */
  migrate(overrides?: Partial<MigrateOptions>): Promise<MigrationReport>;
  ldm(machine: string, ...argv: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }>;
  /** Mutating commands (ldm and guest) journaled so far. */
  journalLength(): number;
  close(): Promise<void>;
}

export interface MigrationLabOptions {
  readonly json?: LabJson;
  readonly document?: PlanDocument;
  readonly stateDir?: string;
  /** Drop the connection before (or after) an exec. */
  readonly cut?: (info: SshExecInfo) => "before" | "after" | undefined;
  /** The lab's clock (INV windows, migration timing); default the wall clock. */
  readonly now?: () => number;
}

export async function startMigrationLab(options: MigrationLabOptions = {}): Promise<MigrationLab> {
  const ownDir = options.stateDir === undefined;
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), "ldoms-migration-"));
  const lab = Lab.fromDefinition(loadLabDefinition(options.json ?? defaultLabJson(), "migration test lab"), options.now ? { now: options.now } : {});
  const server = await startLabServer({ lab, stateDir, ...(options.cut ? { faults: { cut: options.cut } } : {}) });
  const document = options.document ?? examplePlan();
  const inventory = server.inventory;
  return {
    lab,
    server,
    inventory,
    document,
    migrate: (overrides = {}) =>
      runMigration({
        connect: sshConnect({}),
        document,
        inventory,
        migrationId: "ldg1-to-b",
        pollIntervalMs: 100,
        guestSettleMs: 3000,
        invTimeoutMs: 10_000,
        ...overrides,
      }),
    ldm: (machine, ...argv) => lab.runLdm(machine, argv),
    journalLength: () => lab.journal().length,
    async close() {
      await server.close();
      if (ownDir) rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** Converges both hosts and the guest's IPMP group (`--apply --dry-run`); rules may still fail. */
export async function prepare(lab: MigrationLab): Promise<MigrationReport> {
  const report = await lab.migrate({ apply: true, dryRun: true });
  if (report.outcome === "not-prepared" || report.outcome === "unreachable" || report.guestActions.some((a) => a.exitStatus !== 0)) throw new Error(`preparation failed: ${report.outcome}: ${report.summary}\n${JSON.stringify(report.preflight, null, 1)}`);
  return report;
}

export function checkOf(report: MigrationReport, rule: number) {
  const check = report.preflight.find((c) => c.rule === rule);
  if (!check) throw new Error(`no check for rule ${rule}: ${JSON.stringify(report.preflight)}`);
  return check;
}
