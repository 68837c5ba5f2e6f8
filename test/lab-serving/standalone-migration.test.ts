import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadLabDefinitionFile } from "../../src/lab/definition";
import { Lab } from "../../src/lab/lab";
import { DEFAULT_LAB_FILE } from "../../src/lab/paths";
import { FileLabStore, writeLabStateFile } from "../../src/lab-serving/standalone/file-store";
import { initialLabState } from "../../src/lab/state";
import { runStandalone } from "./standalone-support";

const NET0 = "/SYS/MB/NET0/IOVNET.PF0";
const NET2 = "/SYS/MB/NET2/IOVNET.PF0";

describe("standalone ldm: a live migration between two machines sharing one state file", () => {
  const dir = mkdtempSync(join(tmpdir(), "ldoms-standalone-mig-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("runs in one process while other invocations read its progress and change state unhindered", async () => {
    const statePath = join(dir, "state.json");
    const state = initialLabState(loadLabDefinitionFile(DEFAULT_LAB_FILE));
    writeLabStateFile(statePath, { ...state, options: { ...state.options, invSettleMs: 0, migrationMs: 6000 } });
    // Another "process" on the same file: this test, through its own store and lock.
    const here = new Lab(new FileLabStore(statePath));
    for (const [machine, argv] of [
      ["t7-a", ["create-vf", "name=ldg1-app", NET0]],
      ["t7-a", ["add-io", `${NET0}.VF0`, "ldg1"]],
      ["t7-a", ["add-vnet", "vnet0", "primary-vsw0", "ldg1"]],
      ["t7-b", ["create-vf", "name=ldg1-app", NET2]],
    ] as const) {
      expect(await here.runLdm(machine, argv)).toMatchObject({ exitCode: 0 });
    }

    const migration = runStandalone(["migrate-domain", "-c", "ldg1", "root@t7-b"], { LDOMS_LAB_STATE: statePath, LDOMS_LAB_HOST: "t7-a" });
    // Wait until the migrating process has started the migration in the shared file.
    const deadline = Date.now() + 30_000;
    let flags = "";
    while (Date.now() < deadline) {
      flags = (await here.runLdm("t7-a", ["list", "-p", "ldg1"])).stdout.match(/flags=([^|]*)/)?.[1] ?? "";
      if (flags.includes("s")) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(flags).toContain("s");
    // The transfer holds no lock: a change from another invocation goes through at once.
    const started = Date.now();
    expect(await here.runLdm("t7-b", ["create-vf", "name=spare", NET2])).toMatchObject({ exitCode: 0 });
    expect(Date.now() - started).toBeLessThan(1000);

    const finished = await migration;
    expect(finished).toEqual({ status: 0, stdout: "", stderr: "" });
    expect((await here.runLdm("t7-b", ["list", "-p", "ldg1"])).stdout).toContain("DOMAIN|name=ldg1|state=active|");
    expect((await here.runLdm("t7-b", ["list-io", "-p", `${NET2}.VF0`])).stdout).toContain("|domain=ldg1|");
    expect((await here.runLdm("t7-a", ["list", "-p", "ldg1"])).stderr).toBe("LDom ldg1 does not exist\n");
  });
});
