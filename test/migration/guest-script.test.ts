/**
 * The synthesized guest script (scripts/guest-<domain>.sh) run by a real sh against the lab's
 * guest model (dladm/ipadm/ipmpstat as processes over a state file): it builds the IPMP group
 * the preflight wants, and a second run changes nothing.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Lab } from "../../src/lab/lab";
import { loadLabDefinition } from "../../src/lab/definition";
import { FileLabStore, readLabStateFile, writeLabStateFile } from "../../src/lab-serving/standalone/file-store";
import { initialLabState } from "../../src/lab/state";
import { guestScriptArtifacts } from "../../src/synth/guest-script";
import { examplePlan } from "../../test-kit/example-plan";
import { defaultLabJson, GUEST_IPMP_COMMANDS } from "./support";

const REPO = resolve(__dirname, "../..");
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "ldoms-guest-script-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("scripts/guest-<domain>.sh", () => {
  it("is synthesized for each guest with IPMP groups", () => {
    const scripts = guestScriptArtifacts(examplePlan());
    expect([...scripts.keys()]).toEqual(["scripts/guest-ldg1.sh"]);
    const script = scripts.get("scripts/guest-ldg1.sh")!;
    expect(script).toContain("# Group ipmp0: VF 'ldg1-app' active, vnet 'vnet0' standby.\n");
    expect(guestScriptArtifacts(examplePlan()).get("scripts/guest-ldg1.sh")).toBe(script);
  });

  it("configures the IPMP group in the guest, and a second run changes nothing", async () => {
    const statePath = join(dir, "state.json");
    writeLabStateFile(statePath, initialLabState(loadLabDefinition(defaultLabJson(), "guest script lab")));
    const lab = new Lab(new FileLabStore(statePath));
    for (const argv of [["create-vf", "name=ldg1-app", "/SYS/MB/NET0/IOVNET.PF0"], ["add-vnet", "vnet0", "primary-vsw0", "ldg1"]]) {
      expect((await lab.runLdm("t7-a", argv)).exitCode).toBe(0);
    }
    await new Promise((r) => setTimeout(r, 500));
    expect((await lab.runLdm("t7-a", ["add-io", "/SYS/MB/NET0/IOVNET.PF0.VF0", "ldg1"])).exitCode).toBe(0);

    const bin = join(dir, "bin");
    mkdirSync(bin);
    for (const tool of ["dladm", "ipadm", "ipmpstat"]) {
      writeFileSync(join(bin, tool), `#!/bin/sh\nexec ${process.execPath} ${join(REPO, "node_modules/tsx/dist/cli.mjs")} ${join(__dirname, "fixtures/guest-tool.ts")} ${tool} "$@"\n`, { mode: 0o755 });
    }
    const script = join(dir, "guest-ldg1.sh");
    writeFileSync(script, guestScriptArtifacts(examplePlan()).get("scripts/guest-ldg1.sh")!, { mode: 0o755 });
    const env = { PATH: `${bin}:/usr/bin:/bin`, LDOMS_LAB_STATE: statePath, LDOMS_GUEST: "ldg1" };
    const guestChanges = () => readLabStateFile(statePath).journal.filter((j) => j.kind === "guest").map((j) => j.argv.join(" "));

    const first = execFileSync("sh", [script], { env, encoding: "utf8" });
    expect(first).toContain("net1        yes     ipmp0       --mbM--   up        disabled  ok");
    expect(guestChanges()).toEqual(GUEST_IPMP_COMMANDS);
    execFileSync("sh", [script], { env, encoding: "utf8" });
    expect(guestChanges()).toHaveLength(6);
  }, 120_000);
});
