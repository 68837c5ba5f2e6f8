import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LockTimeoutError, withFileLock } from "../../src/lab-serving/standalone/file-lock";
import { FileLabStore, readLabStateFile, writeLabStateFile } from "../../src/lab-serving/standalone/file-store";
import { DEFAULT_LAB_FILE, Lab, initialLabState, loadLabDefinition } from "../../src/lab";

const repo = resolve(__dirname, "../..");
const tsx = join(repo, "node_modules/tsx/dist/cli.mjs");

function runNode(args: string[]): Promise<number | null> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "inherit"] });
    child.once("error", fail);
    child.once("close", done);
  });
}

describe("file-backed lab store", () => {
  const dirs: string[] = [];
  const tempDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), "ldoms-store-"));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("loses no update when processes race on one file", async () => {
    const path = join(tempDir(), "state.json");
    writeFileSync(path, JSON.stringify({ format: 1, machines: {}, counter: 0 }));
    const processes = 4;
    const times = 40;
    const statuses = await Promise.all(
      Array.from({ length: processes }, () => runNode([tsx, join(__dirname, "fixtures/increment-state.ts"), path, String(times)])),
    );
    expect(statuses).toEqual(Array(processes).fill(0));
    expect(JSON.parse(readFileSync(path, "utf8")).counter).toBe(processes * times);
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it("breaks a lock left by a dead process", () => {
    const path = join(tempDir(), "state.json");
    writeFileSync(path, JSON.stringify({ format: 1, machines: {}, counter: 0 }));
    writeFileSync(`${path}.lock`, JSON.stringify({ pid: 2 ** 22 + 17, host: hostname(), at: Date.now(), token: "dead" }));
    new FileLabStore(path, { timeoutMs: 2000 }).update((s) => void ((s as unknown as { counter: number }).counter = 7));
    expect(JSON.parse(readFileSync(path, "utf8")).counter).toBe(7);
  });

  it("waits for a live holder and gives up with a clear error", () => {
    const lock = join(tempDir(), "x.lock");
    writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname(), at: Date.now(), token: "live" }));
    const started = Date.now();
    expect(() => withFileLock(lock, () => 1, { timeoutMs: 200 })).toThrow(LockTimeoutError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(() => withFileLock(lock, () => 1, { timeoutMs: 50 })).toThrow(/could not lock .*x\.lock within the time allowed \(held by pid \d+/);
  });

  it("treats an old lock as stale even when its pid is alive (pid reuse)", () => {
    const lock = join(tempDir(), "y.lock");
    writeFileSync(lock, JSON.stringify({ pid: process.pid, host: "elsewhere", at: Date.now() - 60_000, token: "old" }));
    expect(withFileLock(lock, () => "got it", { timeoutMs: 500, staleMs: 10_000 })).toBe("got it");
    expect(existsSync(lock)).toBe(false);
  });

  it("names the file and the fix when the state file is missing, not JSON or not a lab state", () => {
    const dir = tempDir();
    expect(() => readLabStateFile(join(dir, "none.json"))).toThrow(
      `lab state file ${join(dir, "none.json")} does not exist: write one with \`ldoms lab init --config LAB.json --state FILE\``,
    );
    writeFileSync(join(dir, "bad.json"), "{ nope");
    expect(() => readLabStateFile(join(dir, "bad.json"))).toThrow(/bad\.json is not valid JSON \(.*\): write one with/);
    writeFileSync(join(dir, "other.json"), JSON.stringify({ hosts: {} }));
    expect(() => readLabStateFile(join(dir, "other.json"))).toThrow('is not a lab state (expected "format": 1 and "machines")');
  });
});

describe("lab variants in a state file", () => {
  it("a state written from a definition with variants answers in them; a state without any, in the defaults", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ldoms-variant-state-"));
    try {
      const json = JSON.parse(readFileSync(DEFAULT_LAB_FILE, "utf8"));
      json.options = { invSettleMs: 0, variants: { domainFlags: "letters", versions: { "list-domain": "1.0" } } };
      const path = join(dir, "state.json");
      writeLabStateFile(path, initialLabState(loadLabDefinition(json, "variant state")));
      const listed = (await new Lab(new FileLabStore(path)).runLdm("t7-a", ["list", "-l", "-p", "primary"])).stdout;
      expect(listed.split("\n")[0]).toBe("VERSION 1.0");
      expect(listed).toContain("|flags=-n-cv-|");
      const old = JSON.parse(readFileSync(path, "utf8"));
      delete old.options.variants;
      const oldPath = join(dir, "old.json");
      writeLabStateFile(oldPath, old);
      expect((await new Lab(new FileLabStore(oldPath)).runLdm("t7-a", ["list", "-l", "-p", "primary"])).stdout).toContain("VERSION 1.11\nDOMAIN|name=primary|state=active|flags=normal,control,vio-service|");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
