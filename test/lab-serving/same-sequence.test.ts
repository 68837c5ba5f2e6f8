import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadLabDefinitionFile } from "../../src/lab/definition";
import { LabExecutor } from "../../src/lab-serving/executor";
import { Lab } from "../../src/lab/lab";
import { DEFAULT_LAB_FILE } from "../../src/lab/paths";
import { type RunningLabServer, startLabServer } from "../../src/lab-serving/ssh-server";
import { writeLabStateFile } from "../../src/lab-serving/standalone/file-store";
import { initialLabState } from "../../src/lab/state";
import { commandLine } from "../../src/ldm/quote";
import { SshExecutor } from "../../src/transport/ssh-executor";
import { type RunningSshd, SSHD_TEST_USER, startSshd } from "../support/sshd";
import { systemSsh } from "./ssh-client";
import { ldmWrapperScript } from "./standalone-support";

const PF = "/SYS/MB/NET0/IOVNET.PF0";

/** The "Done when" sequence of the lab issue, as the engine would send it (quoted). */
const SEQUENCE = [
  commandLine(["ldm", "list-io", "-p"]),
  commandLine(["ldm", "create-vf", "name=x", PF]),
  commandLine(["ldm", "create-vf", "name=x", PF]),
  // Plain words and pfexec as an operator would type them; a refused construct.
  "pfexec ldm list-io -p 2>&1 >/dev/null; echo rc=$?",
  "ldm list | head -1",
];

interface Outcome {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function checkSequence(outcomes: readonly Outcome[]): void {
  const [listIo, created, duplicate, quiet, refused] = outcomes as [Outcome, Outcome, Outcome, Outcome, Outcome];
  expect(listIo.status).toBe(0);
  expect(listIo.stdout).toMatch(/^VERSION 1\.11\n/);
  expect(listIo.stdout).toContain(`|alias=${PF}|`);
  expect(created).toMatchObject({ status: 0, stderr: "" });
  expect(created.stdout).toMatch(new RegExp(`^Created new vf: ${PF.replace(/[./]/g, "\\$&")}\\.VF\\d+\\n$`));
  expect(duplicate.status).not.toBe(0);
  expect(duplicate.stdout).toBe("");
  expect(duplicate.stderr).toContain("name x already exists");
  expect(quiet).toEqual({ status: 0, stdout: "rc=0\n", stderr: "" });
  expect(refused).toEqual({ status: 127, stdout: "", stderr: "sh: |: not supported by the lab\n" });
}

describe("the same ldm sequence in-process, over the lab's ssh2 server, and through OpenSSH sshd + ldoms-lab-ldm", () => {
  const dirs: string[] = [];
  let server: RunningLabServer;
  let sshd: RunningSshd;
  let sshdStatePath: string;
  let labStateDir: string;
  const results: Record<string, Outcome[]> = {};

  beforeAll(async () => {
    const base = mkdtempSync(join(tmpdir(), "ldoms-seq-"));
    dirs.push(base);
    labStateDir = join(base, "lab");
    server = await startLabServer({ stateDir: labStateDir });

    // sshd serves the standalone ldm as `ldm` on PATH, over a state file its user can write.
    const sshdDir = mkdtempSync(join(tmpdir(), "ldoms-seq-sshd-"));
    dirs.push(sshdDir);
    chmodSync(sshdDir, 0o755);
    const binDir = join(sshdDir, "bin");
    const statePath = join(sshdDir, "state.json");
    sshdStatePath = statePath;
    sshd = await startSshd({
      env: { PATH: `${binDir}:/usr/local/bin:/usr/bin:/bin`, LDOMS_LAB_STATE: statePath, LDOMS_LAB_HOST: "t7-a" },
    });
    mkdirSync(binDir);
    writeFileSync(join(binDir, "ldm"), ldmWrapperScript(), { mode: 0o755 });
    // Linux has no pfexec; on Solaris it runs the command with the account's rights profiles.
    writeFileSync(join(binDir, "pfexec"), '#!/bin/sh\nexec "$@"\n', { mode: 0o755 });
    writeLabStateFile(statePath, initialLabState(loadLabDefinitionFile(DEFAULT_LAB_FILE)));
    execFileSync("chown", ["-R", `${SSHD_TEST_USER}:`, sshdDir]);
  });
  afterAll(async () => {
    await server?.close();
    await sshd?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("in-process LabExecutor", async () => {
    const executor = new LabExecutor(Lab.fromDefinition(loadLabDefinitionFile(DEFAULT_LAB_FILE)), "t7-a");
    const outcomes: Outcome[] = [];
    for (const line of SEQUENCE) {
      const r = await executor.exec(line);
      outcomes.push({ status: r.exitStatus, stdout: r.stdout, stderr: r.stderr });
    }
    checkSequence(outcomes);
    results.inProcess = outcomes;
  });

  it("lab ssh2 server with the system ssh client and the inventory's key", async () => {
    const entry = server.inventory.hosts["t7-a"]!;
    const outcomes: Outcome[] = [];
    for (const line of SEQUENCE) outcomes.push(await systemSsh(entry, server.knownHostsFile, line));
    checkSequence(outcomes);
    expect(outcomes).toEqual(results.inProcess);
    results.ssh2 = outcomes;
  });

  it("real OpenSSH sshd running ldoms-lab-ldm as ldm: same outputs for the ldm commands", async () => {
    const entry = { address: sshd.address, port: sshd.port, user: sshd.user, identityFile: sshd.identityFile };
    const outcomes: Outcome[] = [];
    for (const line of SEQUENCE.slice(0, 4)) outcomes.push(await systemSsh(entry, sshd.knownHostsFile, line));
    // The first three are pure ldm: byte-identical to the lab's own servers.
    expect(outcomes.slice(0, 3)).toEqual(results.ssh2!.slice(0, 3));
    expect(outcomes.slice(0, 3)).toEqual(results.inProcess!.slice(0, 3));
    // The fourth goes through a real shell: same answer.
    expect(outcomes[3]).toEqual({ status: 0, stdout: "rc=0\n", stderr: "" });
  });

  async function runWithTransport(executor: SshExecutor, lines: readonly string[]): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    try {
      for (const line of lines) {
        const r = await executor.exec(line);
        outcomes.push({ status: r.exitStatus, stdout: r.stdout, stderr: r.stderr });
      }
    } finally {
      await executor.close();
    }
    return outcomes;
  }

  it("the project's ssh2 transport (SshExecutor) against a fresh lab server: same outcomes", async () => {
    const fresh = await startLabServer({ stateDir: labStateDir, inventoryFile: join(labStateDir, "fresh.json") });
    try {
      const entry = fresh.inventory.hosts["t7-a"]!;
      const executor = new SshExecutor({
        host: entry.address,
        port: entry.port,
        user: entry.user,
        hostKey: { fingerprints: [entry.hostKey!] },
        identityFile: entry.identityFile,
        agent: false,
      });
      expect(await runWithTransport(executor, SEQUENCE)).toEqual(results.inProcess);
    } finally {
      await fresh.close();
    }
  });

  it("the project's ssh2 transport against OpenSSH sshd + ldoms-lab-ldm (fresh state): same outcomes", async () => {
    writeLabStateFile(sshdStatePath, initialLabState(loadLabDefinitionFile(DEFAULT_LAB_FILE)));
    const executor = new SshExecutor({
      host: sshd.address,
      port: sshd.port,
      user: sshd.user,
      hostKey: { knownHostsFile: sshd.knownHostsFile },
      identityFile: sshd.identityFile,
      agent: false,
    });
    expect(await runWithTransport(executor, SEQUENCE.slice(0, 4))).toEqual(results.inProcess!.slice(0, 4));
  });
});
