import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadLabDefinitionFile } from "../../src/lab/definition";
import { Lab } from "../../src/lab/lab";
import { DEFAULT_LAB_FILE } from "../../src/lab/paths";
import { readLabStateFile, writeLabStateFile } from "../../src/lab-serving/standalone/file-store";
import { runStandaloneLdm } from "../../src/lab-serving/standalone/main";
import { initialLabState } from "../../src/lab/state";
import { runStandalone } from "./standalone-support";

const PF = "/SYS/MB/NET0/IOVNET.PF0";

describe("standalone lab ldm (ldoms-lab-ldm)", () => {
  let dir: string;
  let statePath: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "ldoms-standalone-"));
    statePath = join(dir, "state.json");
    const state = initialLabState(loadLabDefinitionFile(DEFAULT_LAB_FILE));
    // No INV pause after create-vf, so parallel creates on one PF are all allowed by the lab.
    writeLabStateFile(statePath, { ...state, options: { ...state.options, invSettleMs: 0 } });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("as a process: prints ldm's output and exits with its status, or 125 with the reason", async () => {
    const env = { LDOMS_LAB_STATE: statePath, LDOMS_LAB_HOST: "t7-b" };
    const unknown = await runStandalone(["frobnicate"], env);
    expect(unknown.status).toBe(1);
    expect(unknown.stdout).toBe("");
    expect(unknown.stderr).not.toBe("");
    expect(await runStandalone(["list"], {})).toEqual({
      status: 125,
      stdout: "",
      stderr: "ldoms-lab-ldm: LDOMS_LAB_STATE is not set: point it at a lab state file written by `ldoms lab init --config LAB.json --state FILE`\n",
    });
  });

  it("explains a missing LDOMS_LAB_HOST, an unknown host and a bad file", async () => {
    expect(await runStandaloneLdm(["list"], { LDOMS_LAB_STATE: statePath })).toEqual({
      exitCode: 125,
      stdout: "",
      stderr: "ldoms-lab-ldm: LDOMS_LAB_HOST is not set: name the lab machine this ldm runs on (one of t7-a, t7-b)\n",
    });
    expect(await runStandaloneLdm(["list"], { LDOMS_LAB_STATE: statePath, LDOMS_LAB_HOST: "t9" })).toMatchObject({
      exitCode: 125,
      stderr: `ldoms-lab-ldm: LDOMS_LAB_HOST=t9 is not a machine of the lab in ${statePath}: use one of t7-a, t7-b\n`,
    });
    const bad = join(dir, "bad.json");
    writeFileSync(bad, "not json");
    const badRun = await runStandaloneLdm(["list"], { LDOMS_LAB_STATE: bad, LDOMS_LAB_HOST: "t7-a" });
    expect(badRun.exitCode).toBe(125);
    expect(badRun.stderr).toMatch(/^ldoms-lab-ldm: lab state file .*bad\.json is not valid JSON/);
    const missing = await runStandaloneLdm(["list"], { LDOMS_LAB_STATE: join(dir, "none.json"), LDOMS_LAB_HOST: "t7-a" });
    expect(missing.stderr).toBe(
      `ldoms-lab-ldm: lab state file ${join(dir, "none.json")} does not exist: write one with \`ldoms lab init --config LAB.json --state FILE\`\n`,
    );
  });

  it("stands for a guest's network tools when LDOMS_LAB_GUEST is set", async () => {
    const env = { LDOMS_LAB_STATE: statePath, LDOMS_LAB_GUEST: "ldg1" };
    const shown = await runStandaloneLdm(["dladm", "show-phys"], env);
    const reference = await Lab.fromDefinition(loadLabDefinitionFile(DEFAULT_LAB_FILE)).runGuest("ldg1", ["dladm", "show-phys"]);
    expect(shown).toEqual(reference);
    expect(shown.exitCode).toBe(0);
    expect(shown.stdout).toMatch(/^LINK +MEDIA +STATE/);
    expect(await runStandaloneLdm(["list"], env)).toEqual({
      exitCode: 125,
      stdout: "",
      stderr: "ldoms-lab-ldm: with LDOMS_LAB_GUEST set, the first argument names the guest tool: dladm, ipadm, ipmpstat (got list)\n",
    });
    expect((await runStandaloneLdm(["ipmpstat", "-g"], { ...env, LDOMS_LAB_GUEST: "ldg9" })).stderr).toBe(
      `ldoms-lab-ldm: LDOMS_LAB_GUEST=ldg9 is not a modelled guest of the lab in ${statePath}: use one of ldg1\n`,
    );
  });

  it("N parallel create-vf on one state file give N distinct VFs: no lost update", async () => {
    const env = { LDOMS_LAB_STATE: statePath, LDOMS_LAB_HOST: "t7-a" };
    const before = readLabStateFile(statePath).machines["t7-a"]!.pfs.find((p) => p.alias === PF)!.vfs.length;
    const n = 6;
    const runs = await Promise.all(Array.from({ length: n }, (_, i) => runStandalone(["create-vf", `name=par${i}`, PF], env)));
    for (const run of runs) {
      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
    }
    const created = runs.map((r) => r.stdout.match(/^Created new vf: (\S+)\n$/)?.[1]);
    expect(new Set(created).size).toBe(n);
    expect(created.every((c) => c?.startsWith(`${PF}.VF`))).toBe(true);
    const vfs = readLabStateFile(statePath).machines["t7-a"]!.pfs.find((p) => p.alias === PF)!.vfs;
    expect(vfs.length).toBe(before + n);
    expect(vfs.map((v) => v.name).filter((name) => name?.startsWith("par")).sort()).toEqual(
      Array.from({ length: n }, (_, i) => `par${i}`).sort(),
    );
    const listing = await runStandalone(["list-io", "-p"], env);
    expect(listing.status).toBe(0);
    for (const pseudonym of created) expect(listing.stdout).toContain(`|alias=${pseudonym}|`);
    expect(JSON.parse(readFileSync(statePath, "utf8")).journal.length).toBeGreaterThanOrEqual(n);
  });
});
