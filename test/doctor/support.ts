/** Shared by the doctor and twin tests: a lab with the example applied, and doctor runs on it. */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { runApply } from "../../src/cli/commands/apply";
import { runDoctorCommand, type DoctorCommandOptions } from "../../src/cli/commands/doctor";
import type { CommandIo } from "../../src/cli/commands/plan";
import type { Inventory } from "../../src/model";
import { examplePlan } from "../../test-kit/example-plan";
import { Capture } from "../support/capture";

export interface DoctorWorkspace {
  readonly dir: string;
  readonly planDocument: string;
  readonly out: Capture;
  readonly err: Capture;
  io(): CommandIo;
  /** Writes an inventory file and returns its path. */
  inventory(inventory: Inventory, name?: string): string;
  /** Runs doctor; returns its exit code and what it printed. */
  doctor(options: DoctorCommandOptions): Promise<{ code: number; stdout: string; stderr: string }>;
}

export function doctorWorkspace(dir: string): DoctorWorkspace {
  const planDocument = join(dir, "ldoms.plan.json");
  writeFileSync(planDocument, JSON.stringify(examplePlan()));
  const out = new Capture();
  const err = new Capture();
  const io = (): CommandIo => ({ stdout: out, stderr: err, cwd: dir, env: {} });
  return {
    dir,
    planDocument,
    out,
    err,
    io,
    inventory(inventory, name = "inventory.json") {
      const path = join(dir, name);
      writeFileSync(path, JSON.stringify(inventory));
      return path;
    },
    async doctor(options) {
      out.text = "";
      err.text = "";
      const code = await runDoctorCommand({ planDocument, now: new Date("2026-12-01T12:00:00Z"), ...options }, io());
      return { code, stdout: out.text, stderr: err.text };
    },
  };
}

/** Applies the example (named VF on t7-a assigned to ldg1, a vnet, the target VF on t7-b). */
export async function applyExample(ws: DoctorWorkspace, inventory: string, hostIds?: string[]): Promise<void> {
  const code = await runApply(undefined, { planDocument: ws.planDocument, inventory, autoApprove: true, invTimeout: 20_000, ...(hostIds ? { host: hostIds } : {}) }, ws.io());
  expect(code, ws.out.text + ws.err.text).toBe(0);
}

/** Every file of a bundle folder by name. */
export function bundleFiles(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), "utf8")]));
}

/**
 * The listings a twin must reproduce, from a bundle, with what the lab allocates normalized:
 * `uptime=` (seconds since the lab started) and a virtual switch's `mac-addr=` (the lab assigns
 * switch MACs; a lab definition cannot preset them).
 */
export function comparableListings(bundle: string): Record<string, string> {
  const read = (id: string) => readFileSync(join(bundle, `${id}.stdout`), "utf8");
  return {
    "list-l-p": read("list-l-p").replace(/\|uptime=\d*/g, "|uptime=N"),
    "list-io-l-p": read("list-io-l-p"),
    "list-services-p": read("list-services-p").replace(/^(VSW\|.*?\|mac-addr=)[^|]*/gm, "$1MAC"),
  };
}
