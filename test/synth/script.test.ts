import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ControlDomain, EthernetVf, GuestDomain } from "../../src/constructs";
import { loadLabDefinition } from "../../src/lab/definition";
import { readLabStateFile, writeLabStateFile } from "../../src/lab-serving/standalone/file-store";
import { initialLabState } from "../../src/lab/state";
import { stackArtifacts, synthesizePlan } from "../../src/synth";
import { exampleTree, newStack } from "../constructs/fixture";
import { installStandaloneLdm } from "../support/standalone-ldm";

const SHELLS = ["sh", "bash", "ksh93"] as const;
const NET0 = "/SYS/MB/NET0/IOVNET.PF0";
const NET2 = "/SYS/MB/NET2/IOVNET.PF0";
let work: string;
let binDir: string;

function scriptsOf(build: () => ReturnType<typeof newStack>): Map<string, string> {
  return stackArtifacts(synthesizePlan(build(), "prod-move"));
}

function writeScript(name: string, text: string): string {
  const path = join(work, name);
  writeFileSync(path, text, { mode: 0o755 });
  return path;
}

/** Existing VFs of a lab PF, as the lab definition declares them. */
type LabVf = { name?: string; domain?: string; pvid?: number };

/**
 * A two-machine lab shaped like the example (t7-a with the active guest ldg1 and PF NET0, t7-b
 * with PF NET2, primary-vsw0 on both), INV settling at once so the scripts never sleep.
 */
function labState(vfsOnNet0: readonly LabVf[] = []): string {
  const machine = (name: string, net: string, vfs: readonly LabVf[], domains: object[]) => ({
    name,
    buses: [{ name: "pci_0", alias: "/SYS/PM0/CMP0/PEX", dev: "pci@300", iov: true }],
    slots: [{ alias: `/SYS/MB/${net}`, bus: "pci_0", dev: "pci@300/pci@1/pci@0/pci@4", status: "OCC" }],
    pfs: [{ alias: `/SYS/MB/${net}/IOVNET.PF0`, maxvfs: 7, network: "app", vfs }],
    domains: [{ name: "primary", state: "active" }, ...domains],
    vswitches: [{ name: "primary-vsw0", netDev: "net0", network: "app" }],
  });
  const json = {
    options: { invSettleMs: 0 },
    machines: [machine("t7-a", "NET0", vfsOnNet0, [{ name: "ldg1", state: "active", console: 5000 }]), machine("t7-b", "NET2", [], [])],
  };
  const path = join(work, `state-${Math.random().toString(36).slice(2)}.json`);
  writeLabStateFile(path, initialLabState(loadLabDefinition(json, "script test lab")));
  return path;
}

/** Mutating ldm commands the lab journaled on `machine`, as command lines. */
function mutations(statePath: string, machine: string): string[] {
  return readLabStateFile(statePath).journal.filter((j) => j.kind === "ldm" && j.machine === machine).map((j) => j.argv.join(" "));
}

/** Runs `script` with `shell` as the lab machine's `ldm` user would; returns its output and the mutating commands it sent. */
function runOnLab(shell: string, script: string, statePath: string, machine = "t7-a") {
  const before = mutations(statePath, machine).length;
  const result = spawnSync(shell, [script], {
    encoding: "utf8",
    env: { PATH: `${binDir}:${process.env["PATH"]}`, LDOMS_LAB_STATE: statePath, LDOMS_LAB_HOST: machine },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, calls: mutations(statePath, machine).slice(before) };
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "ldoms-script-"));
  binDir = installStandaloneLdm(work);
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe("per-host scripts", () => {
  it.each(SHELLS)("parse with %s -n", (shell) => {
    for (const [path, text] of scriptsOf(() => exampleTree().stack)) {
      if (!path.endsWith(".sh")) continue;
      const file = writeScript(path.replace("/", "-"), text);
      const result = spawnSync(shell, ["-n", file], { encoding: "utf8" });
      expect(result.status, `${shell} -n ${path}: ${result.stderr}`).toBe(0);
    }
  });

  it("single-quotes every literal argument of every ldm call", () => {
    const script = scriptsOf(() => exampleTree().stack).get("scripts/t7-a.sh") as string;
    expect(script).toContain("  ldoms_ldm 'create-vf' 'name=ldg1-app' 'pvid=100' '/SYS/MB/NET0/IOVNET.PF0'\n");
    expect(script).toContain(`  ldoms_ldm 'add-io' "$ldoms_ref1" 'ldg1'\n`);
    expect(script).toContain("  ldoms_ldm 'add-vnet' 'pvid=100' 'vnet0' 'primary-vsw0' 'ldg1'\n");
    expect(script.startsWith("#!/bin/sh\n")).toBe(true);
    expect(script).toContain("\nset -eu\n");
    for (const line of script.split("\n").filter((l) => l.trimStart().startsWith("ldoms_ldm '"))) {
      expect(line).toMatch(/^\s*ldoms_ldm( ('[^']*'|"\$ldoms_ref\d+"))+$/);
    }
  });

  it.each(SHELLS)("converges the source host on the lab under %s; a second run changes nothing and exits 0", (shell) => {
    const script = writeScript(`t7-a-${shell}.sh`, scriptsOf(() => exampleTree().stack).get("scripts/t7-a.sh") as string);
    const state = labState();
    const first = runOnLab(shell, script, state);
    expect(first.stderr).toBe("");
    expect(first.status).toBe(0);
    expect(first.calls).toEqual([`create-vf name=ldg1-app pvid=100 ${NET0}`, `add-io ${NET0}.VF0 ldg1`, "add-vnet pvid=100 vnet0 primary-vsw0 ldg1"]);
    const second = runOnLab(shell, script, state);
    expect(second.stderr).toBe("");
    expect(second.status).toBe(0);
    expect(second.calls).toEqual([]);
    expect(second.stdout).toContain('= create VF "ldg1-app" on /SYS/MB/NET0/IOVNET.PF0 (pvid=100) (already done)');
    expect(second.stdout).toContain('= assign VF "ldg1-app" to domain ldg1 (already done)');
    expect(second.stdout).toContain("t7-a: done\n");
  });

  it.each(SHELLS)("creates the target VF unassigned on the lab under %s, once", (shell) => {
    const script = writeScript(`t7-b-${shell}.sh`, scriptsOf(() => exampleTree().stack).get("scripts/t7-b.sh") as string);
    const state = labState();
    const run = runOnLab(shell, script, state, "t7-b");
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.calls).toEqual([`create-vf name=ldg1-app pvid=100 ${NET2}`]);
    const vf = readLabStateFile(state).machines["t7-b"]!.pfs[0]!.vfs[0]!;
    expect([vf.name, vf.domain, vf.pvid]).toEqual(["ldg1-app", undefined, 100]);
    const again = runOnLab(shell, script, state, "t7-b");
    expect([again.status, again.calls, again.stderr]).toEqual([0, [], ""]);
  });

  it("corrects drift on an existing VF by its pseudonym, resolved from the name (its pvid is on a property line)", () => {
    const script = writeScript("drift.sh", scriptsOf(() => exampleTree().stack).get("scripts/t7-a.sh") as string);
    const state = labState([{ name: "other" }, { name: "ldg1-app", domain: "ldg1", pvid: 200 }]);
    const run = runOnLab("sh", script, state);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.calls).toEqual([`set-io pvid=100 ${NET0}.VF1`, "add-vnet pvid=100 vnet0 primary-vsw0 ldg1"]);
    expect(runOnLab("sh", script, state).calls).toEqual([]);
  });

  it("names an adopted VF, and refuses a MAC change while its domain is active", () => {
    const build = () => {
      const stack = newStack();
      const a = new ControlDomain(stack, "t7-a", { address: "t7-a" });
      new EthernetVf(new GuestDomain(a, "ldg1"), "vf0", { vf: `${NET0}.VF0`, name: "ldg1-app", macAddr: "00:14:4f:f8:1c:a5" });
      return stack;
    };
    const script = writeScript("adopt.sh", scriptsOf(build).get("scripts/t7-a.sh") as string);
    const state = labState([{}]);
    const run = runOnLab("bash", script, state);
    expect(run.calls).toEqual([`set-io name=ldg1-app ${NET0}.VF0`]);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('ldoms: set mac-addr=00:14:4f:f8:1c:a5 on VF "ldg1-app": domain ldg1 is active; this change needs it inactive or bound (ldm stop-domain ldg1), then run this script again\n');
    const stop = spawnSync("ldm", ["stop-domain", "ldg1"], { encoding: "utf8", env: { PATH: `${binDir}:${process.env["PATH"]}`, LDOMS_LAB_STATE: state, LDOMS_LAB_HOST: "t7-a" } });
    expect(stop.status, stop.stderr).toBe(0);
    const again = runOnLab("bash", script, state);
    expect(again.stderr).toBe("");
    expect(again.status).toBe(0);
    expect(again.calls).toEqual([`set-io mac-addr=00:14:4f:f8:1c:a5 ${NET0}.VF0`, `add-io ${NET0}.VF0 ldg1`]);
    expect(runOnLab("bash", script, state).calls).toEqual([]);
  });

  it("stops at the first failing ldm listing, before any change", () => {
    const script = writeScript("fail.sh", scriptsOf(() => exampleTree().stack).get("scripts/t7-a.sh") as string);
    const state = labState();
    // A machine the lab does not have: every ldm call fails (exit status 125).
    const run = runOnLab("ksh93", script, state, "t7-z");
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("ldoms: ldm list-io -l -p failed");
    expect(mutations(state, "t7-a")).toEqual([]);
  });

  it("runs ldm through pfexec and the configured path", () => {
    const build = () => {
      const stack = newStack();
      new ControlDomain(stack, "t7-a", { address: "t7-a", pfexec: true, ldmPath: "/opt/SUNWldm/bin/ldm" });
      return stack;
    };
    const script = scriptsOf(build).get("scripts/t7-a.sh") as string;
    expect(script).toContain("ldoms_ldm() {\n  'pfexec' '/opt/SUNWldm/bin/ldm' \"$@\"\n}");
    expect(script).toContain("ldoms_say 'nothing to do on this control domain'");
  });
});
