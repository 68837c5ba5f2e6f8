/**
 * The migration-group example (t7-a and t7-b in one group, mobile domains ldg1 on t7-a and ldg2
 * on t7-b) on the pair lab, driven through the CLI commands in-process: plan, apply and
 * `migrate DOMAIN --to HOST`, over the lab's ssh2 server or the in-process executor.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { defineMigrationGroupExample } from "../../examples/migration-group/stack";
import { runApply } from "../../src/cli/commands/apply";
import { runMigrate } from "../../src/cli/commands/migrate";
import { runPlan } from "../../src/cli/commands/plan";
import { runStatus } from "../../src/cli/commands/status";
import type { StatusReport } from "../../src/engine/status";
import type { ConnectHost } from "../../src/engine";
import { PAIR_LAB_FILE } from "../../src/lab/paths";
import { stableJson, synthesizePlan } from "../../src/synth";
import type { PlanDocument } from "../../src/model";
import { Capture } from "../support/capture";

export type LabJson = { options: Record<string, unknown>; machines: Array<Record<string, any>> };

/** The pair lab with short timings. */
export function pairLabJson(): LabJson {
  const json = JSON.parse(readFileSync(PAIR_LAB_FILE, "utf8")) as LabJson;
  json.options = { ...json.options, invSettleMs: 300, migrationMs: 600 };
  return json;
}

export function groupExamplePlan(): PlanDocument {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), "ldoms-group-app-")) });
  return synthesizePlan(defineMigrationGroupExample(app), "prod-pair");
}

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The CLI commands (plan, apply, migrate, status) on one plan document and inventory file, with one way to connect. */
export class GroupCli {
  readonly dir = mkdtempSync(join(tmpdir(), "ldoms-group-"));
  readonly planDocument = join(this.dir, "ldoms.plan.json");
  readonly inventory: string | undefined;

  /** `inventory` undefined: the constructs' addresses (an in-process connection ignores them). */
  constructor(document: PlanDocument, inventory: object | undefined, private readonly connect?: ConnectHost) {
    writeFileSync(this.planDocument, stableJson(document));
    this.inventory = inventory ? join(this.dir, "inventory.json") : undefined;
    if (this.inventory) writeFileSync(this.inventory, JSON.stringify(inventory));
  }

  /** `connect`: this run's own way to connect (a host made unreachable, counted execs). */
  private async run(body: (io: { stdout: Capture; stderr: Capture; cwd: string; env: Record<string, string>; connect?: ConnectHost }) => Promise<number>, connect = this.connect): Promise<CliRun> {
    const stdout = new Capture();
    const stderr = new Capture();
    const code = await body({ stdout, stderr, cwd: this.dir, env: {}, ...(connect ? { connect } : {}) });
    return { code, stdout: stdout.text, stderr: stderr.text };
  }

  private input(): { planDocument: string; inventory?: string } {
    return { planDocument: this.planDocument, ...(this.inventory ? { inventory: this.inventory } : {}) };
  }

  plan(extra: Record<string, unknown> = {}): Promise<CliRun> {
    return this.run((io) => runPlan({ ...this.input(), detailedExitcode: true, ...extra }, io));
  }

  apply(extra: Record<string, unknown> = {}): Promise<CliRun> {
    return this.run((io) => runApply(undefined, { ...this.input(), autoApprove: true, json: true, ...extra }, io));
  }

  migrate(domain: string, to: string, extra: Record<string, unknown> = {}): Promise<CliRun> {
    return this.run((io) => runMigrate(domain, { ...this.input(), to, autoApprove: true, acceptUnverified: true, json: true, pollInterval: 100, ...extra }, io));
  }

  /** `ldoms migrate ID` of a declared SriovMigration, approved, guest checks accepted. */
  migrateDeclared(id: string, connect?: ConnectHost): Promise<CliRun> {
    return this.run((io) => runMigrate(id, { ...this.input(), autoApprove: true, acceptUnverified: true, json: true, pollInterval: 100 }, io), connect);
  }

  status(extra: Record<string, unknown> = {}, connect?: ConnectHost): Promise<CliRun> {
    return this.run((io) => runStatus({ ...this.input(), ...extra }, io), connect);
  }

  async statusJson(connect?: ConnectHost): Promise<{ code: number; report: StatusReport }> {
    const run = await this.status({ json: true }, connect);
    return { code: run.code, report: JSON.parse(run.stdout) as StatusReport };
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Mutating commands an `apply --json` reports, summed over its hosts. */
export function mutatingCommands(run: CliRun): number {
  const report = JSON.parse(run.stdout) as { hosts: { mutatingCommands: number }[] };
  return report.hosts.reduce((n, h) => n + h.mutatingCommands, 0);
}
