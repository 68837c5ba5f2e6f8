/**
 * End to end through a real OpenSSH sshd: both control domains are the standalone lab `ldm`
 * over one shared state file, each behind its own `ldm` wrapper (ldmPath in the inventory),
 * run by a real bash. The preparation (apply, guest IPMP) is done in-process on the same state
 * file, to keep the slow per-command `ldm` processes for the migration itself: through sshd,
 * ldoms proves the rules, dry-runs, migrates while polling progress on a second channel, and
 * verifies. No guest endpoint exists behind sshd, so rule 3 is unverified there and accepted.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sshConnect } from "../../src/cli/engine-input";
import { runMigration } from "../../src/engine/migration";
import { loadLabDefinition } from "../../src/lab/definition";
import { LabExecutor } from "../../src/lab-serving/executor";
import { Lab } from "../../src/lab/lab";
import { FileLabStore, readLabStateFile, writeLabStateFile } from "../../src/lab-serving/standalone/file-store";
import { initialLabState } from "../../src/lab/state";
import type { Inventory } from "../../src/model";
import { type RunningSshd, SSHD_TEST_USER, startSshd } from "../support/sshd";
import { ldmWrapperScript } from "../lab-serving/standalone-support";
import { examplePlan } from "../../test-kit/example-plan";
import { defaultLabJson } from "./support";

describe("ldoms migrate end to end through OpenSSH sshd and ldoms-lab-ldm", () => {
  let sshd: RunningSshd;
  let dir: string;
  let statePath: string;
  let binDir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "ldoms-migrate-e2e-"));
    chmodSync(dir, 0o755);
    binDir = join(dir, "bin");
    statePath = join(dir, "state.json");
    sshd = await startSshd({ env: { PATH: `${binDir}:/usr/local/bin:/usr/bin:/bin`, LDOMS_LAB_STATE: statePath } });
    mkdirSync(binDir);
    for (const host of ["t7-a", "t7-b"]) {
      const script = ldmWrapperScript().replace("#!/bin/sh\n", `#!/bin/sh\nLDOMS_LAB_HOST=${host}\nexport LDOMS_LAB_HOST\n`);
      writeFileSync(join(binDir, `ldm-${host}`), script, { mode: 0o755 });
    }
    // Long enough a migration for a few polls, each of which starts an `ldm` process over sshd.
    const json = defaultLabJson();
    json.options.migrationMs = 8000;
    writeLabStateFile(statePath, initialLabState(loadLabDefinition(json, "e2e lab")));
    execFileSync("chown", ["-R", `${SSHD_TEST_USER}:`, dir]);
  });
  afterAll(async () => {
    await sshd?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("prepares, proves, dry-runs, migrates with progress and verifies", async () => {
    const entry = (host: string) => ({ address: sshd.address, port: sshd.port, user: sshd.user, knownHostsFile: sshd.knownHostsFile, identityFile: sshd.identityFile, ldmPath: join(binDir, `ldm-${host}`) });
    const inventory: Inventory = { hosts: { "t7-a": entry("t7-a"), "t7-b": entry("t7-b") } };
    const options = {
      connect: sshConnect({}),
      document: examplePlan(),
      inventory,
      migrationId: "ldg1-to-b",
      lockDir: (host: string) => join(sshd.workDir, `ldoms-${host}.lock`),
      pollIntervalMs: 200,
      acceptUnverified: true,
    };
    const inProcess = new Lab(new FileLabStore(statePath));
    const prepared = await runMigration({
      ...options,
      connect: (target) => new LabExecutor(inProcess, target.id),
      // Every host of a run must be in a given inventory (in-process, the addresses are not used).
      inventory: { hosts: Object.fromEntries(["t7-a", "t7-b", "guest/ldg1"].map((id) => [id, { address: "127.0.0.1", port: 22, user: "root" }])) },
      lockDir: "/var/tmp/ldoms.lock",
      apply: true,
      dryRun: true,
    });
    expect(prepared.outcome, prepared.summary).toBe("dry-run-passed");
    expect(prepared.applied).toEqual(["t7-a: applied, 3 change(s)", "t7-b: applied, 1 change(s)"]);
    expect(prepared.guestActions).toHaveLength(6);
    execFileSync("chown", ["-R", `${SSHD_TEST_USER}:`, dir]);

    const progress: number[] = [];
    const report = await runMigration({ ...options, onEvent: (e) => void (e.type === "progress" && progress.push(e.percent)) });
    expect([report.outcome, report.summary]).toEqual(["migrated", expect.stringMatching(/^ldg1 migrated from t7-a to t7-b in [\d.]+ s; every check of the result passed\.$/)]);
    expect(report.run?.commandLine).toBe(`'${join(binDir, "ldm-t7-a")}' 'migrate-domain' '-c' 'ldg1' 't7-b.example.net'`);
    expect(progress.some((p) => p > 0 && p < 100)).toBe(true);
    expect(report.preflight.map((c) => `${c.rule}:${c.status}`)).toEqual(["1:passed", "2:passed", "3:unverified", "4:passed", "5:passed", "6:passed"]);
    expect(report.postVerify.map((c) => c.status)).toEqual(["passed", "passed", "passed", "passed", "passed", "unverified"]);
    // The guest's IPMP group failed back to the VF on the target (lab model, read in-process).
    expect((await inProcess.runGuest("ldg1", ["ipmpstat", "-P", "-o", "interface,active", "-i"])).stdout).toBe("net0:no\nnet1:yes\n"); // newest member first

    const state = readLabStateFile(statePath);
    expect(state.machines["t7-b"]!.domains.map((d) => d.name)).toEqual(["primary", "ldg1"]);
    expect(state.journal.filter((j) => j.argv[0] === "migrate-domain").length).toBe(1);
    expect(sshd.ssh(`ls ${sshd.workDir}`).stdout).toBe("");
  }, 180_000);
});
