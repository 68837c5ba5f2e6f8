import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Inventory } from "../../src/model";
import { systemSsh } from "./ssh-client";
import { REPO } from "./standalone-support";
import { runProcess, type ProcessRun } from "../support/run-process";

const CLI = [join(REPO, "node_modules/tsx/dist/cli.mjs"), join(REPO, "test/lab-serving/fixtures/ldoms-cli.ts")];

function ldoms(args: readonly string[], cwd: string): Promise<ProcessRun> {
  return runProcess(process.execPath, [...CLI, ...args], { cwd });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** Starts `ldoms lab up --json ARGS` and waits for its first line. */
async function labUp(args: readonly string[], cwd: string) {
  const spawned = performance.now();
  const child: ChildProcess = spawn(process.execPath, [...CLI, "lab", "up", "--json", ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const firstLine = await new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => {
      stdout += d.toString();
      if (stdout.includes("\n")) resolve(stdout.split("\n")[0]!);
    });
    child.once("exit", (code) => reject(new Error(`lab up exited with ${code}: ${stderr}`)));
  });
  const readyAfterMs = Math.round(performance.now() - spawned);
  const ready = JSON.parse(firstLine) as { inventoryFile: string; startMs: number; hosts: Inventory["hosts"]; knownHostsFile: string };
  const stop = async (): Promise<number | null> => {
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    return exited;
  };
  return { ready, readyAfterMs, stop };
}

describe("ldoms lab (command line)", () => {
  const dir = mkdtempSync(join(tmpdir(), "ldoms-lab-cmd-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("lab up: serves the default lab, writes the inventory, stops cleanly on SIGTERM", async () => {
    const { ready, readyAfterMs, stop } = await labUp([], dir);
    console.log(`lab up: servers ready in ${ready.startMs} ms; process spawn to ready (tsx, from source) ${readyAfterMs} ms`);
    expect(ready.startMs).toBeLessThan(3000);
    expect(ready.inventoryFile).toBe(join(dir, ".lab", "inventory.json"));
    const inventory = JSON.parse(readFileSync(ready.inventoryFile, "utf8")) as Inventory;
    expect(inventory.hosts).toEqual(ready.hosts);
    expect(Object.keys(inventory.hosts)).toEqual(["guest/ldg1", "t7-a", "t7-b"]);

    const t7b = inventory.hosts["t7-b"]!;
    const listing = await systemSsh(t7b, ready.knownHostsFile, "ldm list-io -p");
    expect(listing.status).toBe(0);
    expect(listing.stdout).toContain("|alias=/SYS/MB/NET2/IOVNET.PF0|");
    const guest = await systemSsh(inventory.hosts["guest/ldg1"]!, ready.knownHostsFile, "ipmpstat -g");
    expect(guest).toMatchObject({ status: 0, stderr: "" });

    expect(await stop()).toBe(0);
    expect(await portOpen(t7b.port)).toBe(false);
  });

  it("lab init writes a state file; lab ldm runs ldm on it; init refuses to overwrite", async () => {
    const state = join(dir, "state.json");
    expect(await ldoms(["lab", "init", "--state", state], dir)).toMatchObject({ status: 0, stderr: "" });
    expect(existsSync(state)).toBe(true);
    const created = await ldoms(["lab", "ldm", "--state", state, "t7-a", "--", "create-vf", "name=cli0", "/SYS/MB/NET0/IOVNET.PF0"], dir);
    expect(created).toEqual({ status: 0, stdout: "Created new vf: /SYS/MB/NET0/IOVNET.PF0.VF0\n", stderr: "" });
    const again = await ldoms(["lab", "ldm", "--state", state, "t7-a", "--", "create-vf", "name=cli0", "/SYS/MB/NET0/IOVNET.PF0"], dir);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain("name cli0 already exists");
    const overwrite = await ldoms(["lab", "init", "--state", state], dir);
    expect(overwrite.status).toBe(1);
    expect(overwrite.stderr).toBe(`Error: ${state} already exists: pass --force to replace it with a fresh lab\n`);
    const unknown = await ldoms(["lab", "ldm", "--state", state, "t9", "--", "list"], dir);
    expect(unknown.stderr).toBe(`Error: t9 is not a machine of the lab in ${state}: use one of t7-a, t7-b\n`);
  });

  it("lab up --state keeps the lab in a file shared with lab ldm", async () => {
    const state = join(dir, "served-state.json");
    const { ready, stop } = await labUp(["--state", state, "--inventory-out", join(dir, "inv2.json")], dir);
    const created = await systemSsh(ready.hosts["t7-a"]!, ready.knownHostsFile, "ldm create-vf name=via-ssh /SYS/MB/NET0/IOVNET.PF0");
    expect(created).toEqual({ status: 0, stdout: "Created new vf: /SYS/MB/NET0/IOVNET.PF0.VF0\n", stderr: "" });
    expect(await stop()).toBe(0);
    const listing = await ldoms(["lab", "ldm", "--state", state, "t7-a", "--", "list-io", "-l", "-p"], dir);
    expect(listing.stdout).toContain("|alias=/SYS/MB/NET0/IOVNET.PF0.VF0|");
    expect(listing.stdout).toContain("|name=via-ssh\n");
  });
});
