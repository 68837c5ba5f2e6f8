/**
 * A real OpenSSH sshd on loopback whose `ldm` is the lab's standalone one (a state file shared
 * by every command), as one control domain: the end-to-end setting where a closed channel does
 * not stop the remote command.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadLabDefinitionFile } from "../../../src/lab/definition";
import { DEFAULT_LAB_FILE } from "../../../src/lab/paths";
import { writeLabStateFile } from "../../../src/lab-serving/standalone/file-store";
import { initialLabState } from "../../../src/lab/state";
import { type RunningSshd, SSHD_TEST_USER, startSshd } from "../../support/sshd";
import { ldmWrapperScript } from "../../lab-serving/standalone-support";

export interface SshdLab {
  readonly sshd: RunningSshd;
  /** The lab state file the standalone `ldm` reads and writes. */
  readonly statePath: string;
  /** Starts the lab afresh from the default definition. */
  resetState(): void;
  stop(): Promise<void>;
}

export async function startSshdLab(host = "t7-a"): Promise<SshdLab> {
  const dir = mkdtempSync(join(tmpdir(), "ldoms-sshd-lab-"));
  chmodSync(dir, 0o755);
  const binDir = join(dir, "bin");
  const statePath = join(dir, "state.json");
  const sshd = await startSshd({ env: { PATH: `${binDir}:/usr/local/bin:/usr/bin:/bin`, LDOMS_LAB_STATE: statePath, LDOMS_LAB_HOST: host } });
  mkdirSync(binDir);
  writeFileSync(join(binDir, "ldm"), ldmWrapperScript(), { mode: 0o755 });
  const resetState = () => {
    writeLabStateFile(statePath, initialLabState(loadLabDefinitionFile(DEFAULT_LAB_FILE)));
    execFileSync("chown", ["-R", `${SSHD_TEST_USER}:`, dir]);
  };
  resetState();
  return {
    sshd,
    statePath,
    resetState,
    async stop() {
      await sshd.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
