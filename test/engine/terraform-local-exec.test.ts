/**
 * The Terraform path: the `local-exec` command synthesis writes into cdk.tf.json runs, as
 * Terraform would (`sh -c` in the stack's output folder, `ldoms` on PATH), against the lab over
 * SSH, with the inventory from LDOMS_INVENTORY. It converges, and running it again changes nothing.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { synthesizeApp } from "../../src/cli/synth-app";
import { Lab } from "../../src/lab/lab";
import { loadLabDefinitionFile } from "../../src/lab/definition";
import { DEFAULT_LAB_FILE } from "../../src/lab/paths";
import { startLabServer, type RunningLabServer } from "../../src/lab/ssh-server";
import { runProcess, type ProcessRun } from "../support/run-process";

const REPO = resolve(__dirname, "../..");
const TSX = join(REPO, "node_modules/tsx/dist/cli.mjs");

/** Runs `sh -c COMMAND` without blocking this process (the lab's SSH server runs in it). */
function sh(command: string, cwd: string, env: NodeJS.ProcessEnv): Promise<ProcessRun> {
  return runProcess("sh", ["-c", command], { cwd, env });
}

function localExecCommands(cdkTfJson: string): string[] {
  const found: string[] = [];
  const walk = (value: unknown) => {
    if (typeof value === "string" && value.startsWith("'ldoms' 'apply'")) found.push(value);
    else if (value && typeof value === "object") Object.values(value).forEach(walk);
  };
  walk(JSON.parse(cdkTfJson));
  return found.sort();
}

describe("Terraform local-exec: ldoms apply from the stack output folder", () => {
  let dir: string;
  let server: RunningLabServer;
  let lab: Lab;
  let stackDir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "ldoms-tf-"));
    lab = Lab.fromDefinition(loadLabDefinitionFile(DEFAULT_LAB_FILE));
    server = await startLabServer({ lab, stateDir: join(dir, "lab") });
    const { stacks } = await synthesizeApp({ projectDir: REPO, outDir: join(dir, "cdktf.out") });
    stackDir = stacks.find((s) => s.name === "prod-move")!.dir;
    // `ldoms` on PATH, running the CLI from source.
    const bin = join(dir, "bin");
    mkdirSync(bin);
    writeFileSync(join(dir, "ldoms-entry.ts"), `import { main } from ${JSON.stringify(join(REPO, "src/cli/main"))};\nvoid main(process.argv.slice(2));\n`);
    writeFileSync(join(bin, "ldoms"), `#!/bin/sh\nexec ${process.execPath} ${TSX} ${join(dir, "ldoms-entry.ts")} "$@"\n`, { mode: 0o755 });
    env = { PATH: `${bin}:${process.env.PATH}`, HOME: process.env.HOME, LDOMS_INVENTORY: server.inventoryFile };
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("runs the commands as written, converges, and a second run changes nothing", async () => {
    const commands = localExecCommands(readFileSync(join(stackDir, "cdk.tf.json"), "utf8"));
    expect(commands).toEqual([
      "'ldoms' 'apply' '--stack' 'prod-move' '--host' 't7-a' '--auto-approve'",
      "'ldoms' 'apply' '--stack' 'prod-move' '--host' 't7-b' '--auto-approve'",
    ]);
    for (const command of commands) {
      const run = await sh(command, stackDir, env);
      expect(run.stderr, command).not.toMatch(/Error|FAILED/);
      expect(run.status, `${command}\n${run.stdout}\n${run.stderr}`).toBe(0);
      expect(run.stdout).toMatch(/Apply complete: \d+ mutating command\(s\) on 1 host\(s\)\./);
    }
    const afterFirst = lab.mutatingCount();
    expect(afterFirst).toBe(4);
    for (const command of commands) {
      const run = await sh(command, stackDir, env);
      expect(run.status).toBe(0);
      expect(run.stdout).toContain("no changes (0 mutating commands)");
    }
    expect(lab.mutatingCount()).toBe(afterFirst);
    const plan = await sh("ldoms plan --detailed-exitcode", stackDir, env);
    expect(plan.status, plan.stdout + plan.stderr).toBe(0);
  }, 120_000);
});
