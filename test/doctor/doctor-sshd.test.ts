/**
 * `ldoms doctor` (through the ssh2 client) and `ldoms lab twin` (as a process), behind a real
 * OpenSSH sshd whose `ldm` is
 * the lab's standalone one: capture t7-a with the example applied, twin it, put the twin in
 * the lab state the standalone `ldm` reads, capture again: the listings are identical
 * (normalized as comparableListings says), and neither capture ran a mutating command.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyHosts, engineHosts } from "../../src/engine";
import { sshConnect } from "../../src/cli/engine-input";
import { loadLabDefinitionFile } from "../../src/lab/definition";
import { initialLabState } from "../../src/lab/state";
import { readLabStateFile, writeLabStateFile } from "../../src/lab-serving/standalone/file-store";
import { examplePlan } from "../../test-kit/example-plan";
import { SSHD_TEST_USER } from "../support/sshd";
import { startSshdLab, type SshdLab } from "../engine/support/sshd-lab";
import { comparableListings, doctorWorkspace, type DoctorWorkspace } from "./support";

const REPO = join(__dirname, "..", "..");
const CLI = [join(REPO, "node_modules/tsx/dist/cli.mjs"), join(REPO, "test/cli-synth/ldoms-cli.ts")];

function ldoms(cwd: string, ...args: string[]) {
  return spawnSync(process.execPath, [...CLI, ...args], { cwd, encoding: "utf8", env: { ...process.env, LDOMS_INVENTORY: "" } });
}

describe("ldoms doctor and lab twin behind OpenSSH sshd", () => {
  let lab: SshdLab;
  let ws: DoctorWorkspace;
  let inventory: string;

  beforeAll(async () => {
    lab = await startSshdLab();
    ws = doctorWorkspace(mkdtempSync(join(tmpdir(), "ldoms-doctor-sshd-")));
    const { sshd } = lab;
    const hosts = { "t7-a": { address: sshd.address, port: sshd.port, user: sshd.user, knownHostsFile: sshd.knownHostsFile, identityFile: sshd.identityFile } };
    inventory = ws.inventory({ hosts });
    const applied = await applyHosts(engineHosts(examplePlan(), { inventory: { hosts }, hostIds: ["t7-a"] }), { connect: sshConnect({}), lockDir: join(sshd.workDir, "ldoms.lock") });
    expect(applied.hosts.map((h) => [h.status, h.error?.message])).toEqual([["applied", undefined]]);
  }, 120_000);
  afterAll(async () => {
    await lab?.stop();
    if (ws) rmSync(ws.dir, { recursive: true, force: true });
  });

  it("capture, twin, capture the twin: identical listings, nothing mutating", async () => {
    const mutating = () => readLabStateFile(lab.statePath).journal.filter((j) => j.kind === "ldm").length;
    const before = mutating();
    const first = await ws.doctor({ inventory, host: ["t7-a"], out: "original" });
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^confirmed\s+vf-name-location: the VF name shows as name= on the VF record of `ldm list-io -l -p`$/m);
    expect(mutating()).toBe(before);

    const twin = ldoms(ws.dir, "lab", "twin", "--from", "original", "--out", "lab.json");
    expect(twin.status, twin.stderr).toBe(0);
    expect(twin.stdout).toBe("Wrote lab definition lab.json (machine t7-a). Rehearse on it: ldoms lab up --config lab.json\n");
    expect(twin.stderr).toMatch(/^note: virtual switch primary-vsw0: mac-addr=\S+ is not reproduced \(the lab assigns one\)\n$/);

    writeLabStateFile(lab.statePath, initialLabState(loadLabDefinitionFile(join(ws.dir, "lab.json"))));
    execFileSync("chown", ["-R", `${SSHD_TEST_USER}:`, dirname(lab.statePath)]);
    const second = await ws.doctor({ inventory, host: ["t7-a"], out: "twin", json: true });
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(JSON.parse(second.stdout).totals).toEqual({ confirmed: 10, contradicted: 0, "not-observable": 1 });
    expect(mutating()).toBe(0);
    expect(comparableListings(join(ws.dir, "twin"))).toEqual(comparableListings(join(ws.dir, "original")));
  }, 120_000);

  it("a bundle folder that is not empty is refused before anything is read, the bundle in it left as it was", async () => {
    const journal = readLabStateFile(lab.statePath).journal.length;
    await expect(ws.doctor({ inventory, host: ["t7-a"], out: "original" })).rejects.toThrow(
      `${join(ws.dir, "original")} is not empty: give doctor a new folder with --out (a bundle is never written over another one)`,
    );
    expect(existsSync(join(ws.dir, "original", "manifest.json"))).toBe(true);
    expect(readLabStateFile(lab.statePath).journal.length).toBe(journal);
    expect(readFileSync(join(ws.dir, "original", "manifest.json"), "utf8")).toContain('"host": "t7-a"');
  });
});
