/**
 * The provider as served to several Terraform commands (`ldoms provider serve`): each
 * ConfigureProvider starts a session that reads the hosts again, and a ConfigureProvider that
 * arrives while the current session's calls still run (another Terraform attached at the same
 * time) is refused with the fix, leaving the running session alone. Against the default lab
 * in-process.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadLabDefinitionFile } from "../../src/lab/definition";
import { Lab } from "../../src/lab/lab";
import { DEFAULT_LAB_FILE } from "../../src/lab/paths";
import { LabExecutor } from "../../src/lab-serving/executor";
import type { HostTarget } from "../../src/engine";
import { decodeDynamicValue, encodeDynamicValue, type TerraformValue } from "../../src/provider/dynamic-value";
import { LazyProvider } from "../../src/provider/lazy-provider";
import { examplePlan } from "../../test-kit/example-plan";
import { writeProviderFiles } from "./support";

const HOSTS = { "t7-a": { address: "t7-a.lab", port: 22, user: "ldmops" }, "t7-b": { address: "t7-b.lab", port: 22, user: "ldmops" } };
const block = encodeDynamicValue({ plan_document: "ldoms.plan.json", inventory: "inventory.json", lock_timeout: null, allow_disruptive: null });
const PF = "/SYS/MB/NET2/IOVNET.PF0";
const vfState = (pvid: number | null): Record<string, TerraformValue> => ({
  host: "t7-b", name: "spare", pf: PF, domain: null, pvid, vid: null, mtu: null, mac_addr: null, alt_mac_addrs: null, pseudonym: null, id: "t7-b/spare",
});

describe("LazyProvider sessions: one per Terraform command", () => {
  let lab: Lab;
  let dir: string;
  /** Connections wait for this gate when it is set. */
  let gate: Promise<void> | undefined;
  let pseudonym: string;
  const connect = async (target: HostTarget) => {
    await gate;
    return new LabExecutor(lab, target.id);
  };

  beforeEach(async () => {
    lab = Lab.fromDefinition(loadLabDefinitionFile(DEFAULT_LAB_FILE));
    const created = await lab.runLdm("t7-b", ["create-vf", "name=spare", "pvid=10", PF]);
    expect(created.exitCode, created.stderr).toBe(0);
    pseudonym = /Created new vf: (\S+)/.exec(created.stdout)?.[1] ?? "";
    dir = mkdtempSync(join(tmpdir(), "ldoms-lazy-sessions-"));
    writeProviderFiles(dir, examplePlan(), HOSTS);
    gate = undefined;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const readPvid = async (p: LazyProvider) => {
    const read = await p.readResource({ type_name: "ldoms_vf", current_state: encodeDynamicValue(vfState(null)) });
    expect(read.diagnostics).toEqual([]);
    return (decodeDynamicValue(read.new_state) as Record<string, TerraformValue>)["pvid"];
  };

  it("reads the hosts once per session, and again after the next ConfigureProvider", async () => {
    const p = new LazyProvider(connect, dir, {});
    expect((await p.configureProvider({ config: block })).diagnostics).toEqual([]);
    expect(await readPvid(p)).toBe(10);
    expect((await lab.runLdm("t7-b", ["set-io", "pvid=20", pseudonym])).exitCode).toBe(0);
    // The same command: its read is shared.
    expect(await readPvid(p)).toBe(10);
    expect((await p.configureProvider({ config: block })).diagnostics).toEqual([]);
    expect(await readPvid(p)).toBe(20);
    await p.close();
  });

  it("refuses a ConfigureProvider while the session's calls run, then accepts it once they ended", async () => {
    const p = new LazyProvider(connect, dir, {});
    expect((await p.configureProvider({ config: block })).diagnostics).toEqual([]);
    let open: () => void = () => undefined;
    gate = new Promise((resolve) => (open = resolve));
    const running = readPvid(p);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const refused = await p.configureProvider({ config: block });
    expect(refused.diagnostics.map((d) => d.summary)).toEqual([
      "the served ldoms provider is busy with another Terraform command (its reads or changes are still running)",
    ]);
    expect(refused.diagnostics[0]?.detail).toContain("run this command after the other one ends");
    open();
    // The running command's session was left alone.
    expect(await running).toBe(10);
    expect((await p.configureProvider({ config: block })).diagnostics).toEqual([]);
    expect(await readPvid(p)).toBe(10);
    await p.close();
  });
});
