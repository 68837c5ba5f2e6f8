import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Lab, loadLabDefinition, loadLabDefinitionFile, DEFAULT_LAB_FILE } from "../../src/lab";
import { NET0, NET2, testLab } from "./helpers";

describe("fault injection and journal", () => {
  it("journals every mutating ldm command with its exit status, not the listings", async () => {
    const t = testLab();
    await t.ldm("t7-a", "list-io", "-p");
    await t.ldm("t7-a", "create-vf", NET0);
    await t.ldm("t7-b", "create-vf", "bogus=1", NET0);
    await t.ldm("t7-a", "migrate", "-n", "-c", "ldg1", "t7-b");
    expect(t.lab.journal()).toEqual([
      { kind: "ldm", machine: "t7-a", argv: ["create-vf", NET0], exitCode: 0, at: t.clock.now },
      { kind: "ldm", machine: "t7-b", argv: ["create-vf", "bogus=1", NET0], exitCode: 1, at: t.clock.now },
    ]);
    expect(t.lab.mutatingCount()).toBe(2);
    expect(t.lab.mutatingCount("t7-b")).toBe(1);
  });

  it("fails the Nth mutating command (lab-wide or per machine) with the given text, changing nothing", async () => {
    const t = testLab();
    t.lab.faults.failNth(2, "ldm: connection to ldmd lost", { exitCode: 3 });
    expect((await t.ldm("t7-a", "add-vnet", "vnet0", "primary-vsw0", "ldg1")).exitCode).toBe(0);
    const before = t.snapshot();
    expect(await t.ldm("t7-a", "create-vf", NET2)).toEqual({ exitCode: 3, stdout: "", stderr: "ldm: connection to ldmd lost\n" });
    expect(t.snapshot()).toBe(before.replace(/"failNth":\[[^\]]*\]/, '"failNth":[]'));
    expect((await t.ldm("t7-a", "create-vf", NET2)).exitCode).toBe(0);
    t.lab.faults.failNth(1, "boom", { machine: "t7-b" });
    expect((await t.ldm("t7-a", "create-vf", NET0)).exitCode).toBe(0);
    expect((await t.ldm("t7-b", "create-vf", NET0)).stderr).toBe("boom\n");
    expect(t.lab.journal().map((j) => j.exitCode)).toEqual([0, 3, 0, 0, 1]);
  });

  it("takes failNth, latency and stalls from the lab definition", async () => {
    const json = JSON.parse(readFileSync(DEFAULT_LAB_FILE, "utf8"));
    json.faults = { failNth: [{ nth: 1, message: "injected", machine: "t7-a" }], latencyMs: { "list-io": 40 }, stallMs: { "*": 5 }, extraInvMs: 0 };
    const slept: number[] = [];
    const lab = Lab.fromDefinition(loadLabDefinition(json, "faults.json"), { sleep: async (ms) => void slept.push(ms) });
    expect((await lab.runLdm("t7-a", ["create-vf", NET0])).stderr).toBe("injected\n");
    await lab.runLdm("t7-a", ["list-io"]);
    expect(slept).toEqual([5, 40, 5]);
  });

  it("replaces a subcommand's answer (per machine or lab-wide) without running it, and prints another VERSION", async () => {
    const t = testLab();
    t.lab.faults.answer("list-io", { stderr: "Authorization failed\n", machine: "t7-a" });
    expect(await t.ldm("t7-a", "list-io", "-l", "-p")).toEqual({ exitCode: 0, stdout: "", stderr: "Authorization failed\n" });
    expect((await t.ldm("t7-b", "list-io", "-p")).stdout).toMatch(/^VERSION 1\.11\n\|/);
    t.lab.faults.answer("*", { stdout: "nothing here\n", exitCode: 3 });
    expect(await t.ldm("t7-b", "create-vf", NET0)).toEqual({ exitCode: 3, stdout: "nothing here\n", stderr: "" });
    expect(t.lab.journal()).toEqual([]);
    t.lab.faults.clear();
    t.lab.faults.parseableVersion("9.9");
    expect((await t.ldm("t7-a", "list", "-l", "-p")).stdout).toMatch(/^VERSION 9\.9\nDOMAIN\|/);
    expect((await t.ldm("t7-a", "list-io", "-l", "-p")).stdout).toMatch(/^VERSION 9\.9\n\|/);
    t.lab.faults.parseableVersion(undefined);
    expect((await t.ldm("t7-a", "list-services", "-p")).stdout).toMatch(/^VERSION 1\.11\n/);
  });

  it("adds latency and stalls set through the API", async () => {
    const slept: number[] = [];
    const lab = Lab.fromDefinition(loadLabDefinitionFile(DEFAULT_LAB_FILE), { sleep: async (ms) => void slept.push(ms) });
    lab.faults.latency("*", 7);
    lab.faults.stall("create-vf", 300);
    await lab.runLdm("t7-a", ["list"]);
    await lab.runLdm("t7-a", ["create-vf", NET0]);
    expect(slept).toEqual([7, 7, 300]);
    lab.faults.clear();
    await lab.runLdm("t7-a", ["list"]);
    expect(slept).toHaveLength(3);
  });
});
