/**
 * `ldoms status` on a lab in-process: the CLI command with the plan document and an inventory
 * (hosts and the guests the lab models) in a temporary folder, and a connect that can make a
 * host unreachable.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runMigrate } from "../../src/cli/commands/migrate";
import { runStatus } from "../../src/cli/commands/status";
import type { ConnectHost } from "../../src/engine";
import type { StatusReport } from "../../src/engine/status";
import type { Lab } from "../../src/lab/lab";
import { LabExecutor } from "../../src/lab-serving/executor";
import type { PlanDocument } from "../../src/model";
import { stableJson } from "../../src/synth";
import { Capture } from "../support/capture";
import type { CliRun } from "../mobility/support";

/** An inventory naming every machine and modelled guest of the lab (addresses unused in-process). */
export function labInventory(lab: Lab): { hosts: Record<string, object> } {
  const ids = [...lab.machineNames(), ...lab.guestDomains().map((g) => `guest/${g.domain}`)];
  return { hosts: Object.fromEntries(ids.map((id) => [id, { address: "127.0.0.1", port: 22, user: "ldmops", hostKey: "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }])) };
}

/** Connects to the lab in-process; a host in `down` refuses the connection. */
export function labConnect(lab: Lab, down: ReadonlySet<string> = new Set()): ConnectHost {
  return (target) => {
    if (down.has(target.id)) throw Object.assign(new Error(`connect ECONNREFUSED ${target.connection.address}:${target.connection.port}`), { code: "ECONNREFUSED" });
    return new LabExecutor(lab, target.id);
  };
}

export class StatusCli {
  readonly dir = mkdtempSync(join(tmpdir(), "ldoms-status-"));
  readonly planDocument = join(this.dir, "ldoms.plan.json");
  readonly inventory: string | undefined;

  /** `connect` undefined: over SSH (the CLI's ssh2 transport) to the inventory's addresses. */
  constructor(document: PlanDocument, inventory: object | undefined, private readonly connect?: ConnectHost) {
    writeFileSync(this.planDocument, stableJson(document));
    this.inventory = inventory ? join(this.dir, "inventory.json") : undefined;
    if (this.inventory) writeFileSync(this.inventory, JSON.stringify(inventory));
  }

  async status(extra: Record<string, unknown> = {}, connect: ConnectHost | undefined = this.connect): Promise<CliRun> {
    const stdout = new Capture();
    const stderr = new Capture();
    const options = { planDocument: this.planDocument, ...(this.inventory ? { inventory: this.inventory } : {}), ...extra };
    const code = await runStatus(options, { stdout, stderr, cwd: this.dir, env: {}, ...(connect ? { connect } : {}) });
    return { code, stdout: stdout.text, stderr: stderr.text };
  }

  async json(connect?: ConnectHost): Promise<{ code: number; report: StatusReport }> {
    const run = await this.status({ json: true }, connect);
    return { code: run.code, report: JSON.parse(run.stdout) as StatusReport };
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** `ldoms migrate ID` of a declared SriovMigration, in-process, approved, guest checks accepted. */
export async function migrateDeclared(cli: StatusCli, id: string, connect: ConnectHost): Promise<CliRun> {
  const stdout = new Capture();
  const stderr = new Capture();
  const options = { planDocument: cli.planDocument, ...(cli.inventory ? { inventory: cli.inventory } : {}), autoApprove: true, acceptUnverified: true, json: true, pollInterval: 100 };
  const code = await runMigrate(id, options, { stdout, stderr, cwd: cli.dir, env: {}, connect });
  return { code, stdout: stdout.text, stderr: stderr.text };
}
