/**
 * A MigrationGroup on the pair lab: where each mobile domain runs is observed, so a domain moves
 * a -> b -> a with no code change, and after every move plan has no changes and apply makes no
 * mutating command, in-process and over SSH.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Lab } from "../../src/lab/lab";
import { loadLabDefinition } from "../../src/lab/definition";
import { startLabServer, type RunningLabServer } from "../../src/lab-serving/ssh-server";
import { LabExecutor } from "../../src/lab-serving/executor";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runMigrate } from "../../src/cli/commands/migrate";
import { Capture } from "../support/capture";
import { GroupCli, groupExamplePlan, mutatingCommands, pairLabJson } from "./support";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function inProcess(): { cli: GroupCli; lab: Lab } {
  const lab = Lab.fromDefinition(loadLabDefinition(pairLabJson(), "pair lab"));
  const cli = new GroupCli(groupExamplePlan(), undefined, (target) => new LabExecutor(lab, target.id));
  cleanups.push(() => cli.remove());
  return { cli, lab };
}

async function overSsh(): Promise<{ cli: GroupCli; lab: Lab; server: RunningLabServer }> {
  const lab = Lab.fromDefinition(loadLabDefinition(pairLabJson(), "pair lab"));
  const stateDir = mkdtempSync(join(tmpdir(), "ldoms-group-ssh-"));
  const server = await startLabServer({ lab, stateDir });
  cleanups.push(async () => { await server.close(); rmSync(stateDir, { recursive: true, force: true }); });
  const cli = new GroupCli(groupExamplePlan(), server.inventory);
  cleanups.push(() => cli.remove());
  return { cli, lab, server };
}

/** Where the lab has each domain, and which VF is assigned to it. */
async function placement(lab: Lab): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const machine of ["t7-a", "t7-b"]) {
    const listed = await lab.runLdm(machine, ["list", "-p"]);
    for (const m of listed.stdout.matchAll(/^DOMAIN\|name=(ldg\d)\|state=(\w+)/gm)) out[m[1] as string] = `${machine} ${m[2]}`;
  }
  return out;
}

async function converged(cli: GroupCli): Promise<void> {
  const plan = await cli.plan();
  expect({ code: plan.code, stderr: plan.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
  const apply = await cli.apply();
  expect(apply.code).toBe(0);
  expect(mutatingCommands(apply)).toBe(0);
}

describe.each([
  ["in-process", async () => inProcess()],
  ["over SSH", overSsh],
])("a MigrationGroup (%s)", (_name, start) => {
  it("prepares both hosts, moves ldg1 a -> b -> a with no code change, and converges after each move", async () => {
    const { cli, lab } = await start();
    const first = await cli.apply();
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(mutatingCommands(first)).toBeGreaterThan(0);
    // Each domain's VF is assigned where it runs and kept ready, same-named and unassigned, on the other host.
    expect((await lab.runLdm("t7-b", ["list-io", "-l", "-p"])).stdout).toMatch(/name=ldg1-app/);
    expect((await lab.runLdm("t7-a", ["list-io", "-l", "-p"])).stdout).toMatch(/name=ldg2-app/);
    await converged(cli);

    const there = await cli.migrate("ldg1", "t7-b");
    expect(there.code, there.stdout + there.stderr).toBe(0);
    expect(JSON.parse(there.stdout)).toMatchObject({ outcome: "migrated", source: "t7-a", target: "t7-b" });
    expect(await placement(lab)).toEqual({ ldg1: "t7-b active", ldg2: "t7-b active" });
    await converged(cli);

    const back = await cli.migrate("ldg1", "t7-a");
    expect(back.code, back.stdout + back.stderr).toBe(0);
    expect(JSON.parse(back.stdout)).toMatchObject({ outcome: "migrated", source: "t7-b", target: "t7-a" });
    expect(await placement(lab)).toEqual({ ldg1: "t7-a active", ldg2: "t7-b active" });
    await converged(cli);

    // Asked again, the move is verified, not repeated.
    const again = await cli.migrate("ldg1", "t7-a");
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ outcome: "already-migrated" });
  }, 120_000);
});

describe("two moves at once in a MigrationGroup", () => {
  it("swaps ldg1 and ldg2 concurrently: the second waits for the first's locks, both move, then nothing is left to do", async () => {
    const { cli, lab } = inProcess();
    expect((await cli.apply()).code).toBe(0);
    const [one, two] = await Promise.all([cli.migrate("ldg1", "t7-b", { lockTimeout: 60_000 }), cli.migrate("ldg2", "t7-a", { lockTimeout: 60_000 })]);
    expect([one.code, two.code], one.stdout + two.stdout).toEqual([0, 0]);
    // One of them found the locks taken and waited.
    expect(one.stderr + two.stderr).toMatch(/waiting for the lock/);
    expect(await placement(lab)).toEqual({ ldg1: "t7-b active", ldg2: "t7-a active" });
    await converged(cli);
  }, 120_000);

  it("refuses a move to a host outside the group, and a domain that is not mobile, naming the fix", async () => {
    const { cli } = inProcess();
    await expect(cli.migrate("ldg1", "t7-c")).rejects.toThrow("--to t7-c is not a host of group pair (t7-a, t7-b); ldg1 moves only between the hosts of its group");
    await expect(cli.migrate("ldg9", "t7-b")).rejects.toThrow("ldg9 is not a mobile domain of stack prod-pair; mobile domains: ldg1, ldg2");
    await expect(cli.migrate("ldg1", undefined as unknown as string)).rejects.toThrow("ldg1 is a mobile domain of group pair; name the host to move it to: ldoms migrate ldg1 --to HOST (one of t7-a, t7-b)");
  });
});

describe("a mobile domain's placement that makes no sense", () => {
  it("is a problem naming both hosts when the domain is on two, and naming the group's hosts when it is on none", async () => {
    const { cli, lab } = inProcess();
    expect((await cli.apply()).code).toBe(0);
    expect((await lab.runLdm("t7-b", ["add-domain", "ldg1"])).exitCode).toBe(0);
    const twice = await cli.plan();
    expect(twice.code).toBe(1);
    expect(twice.stdout + twice.stderr).toContain("domain ldg1 of group pair is on t7-a (active) and t7-b (inactive); a domain runs on one host of its group");
    expect((await lab.runLdm("t7-b", ["remove-domain", "ldg1"])).exitCode).toBe(0);
    for (const argv of [["stop-domain", "ldg2"], ["unbind-domain", "ldg2"], ["remove-domain", "ldg2"]]) expect((await lab.runLdm("t7-b", argv)).exitCode, argv.join(" ")).toBe(0);
    const nowhere = await cli.plan();
    expect(nowhere.code).toBe(1);
    expect(nowhere.stdout + nowhere.stderr).toContain("domain ldg2 of group pair is on none of its hosts (t7-a, t7-b); create it on one of them, or remove it from the group");
  }, 60_000);
});

describe("a target that changes while the move waits for approval", () => {
  it("is refused by the fresh read before ldm migrate-domain, and nothing moves", async () => {
    const { cli, lab } = inProcess();
    expect((await cli.apply()).code).toBe(0);
    const records = (await lab.runLdm("t7-b", ["list-io", "-l", "-p"])).stdout.split(/\n(?=\|dev=)/);
    const alias = /alias=([^|]+)/.exec(records.find((r) => /name=ldg1-app/.test(r)) ?? "")?.[1] as string;
    expect(alias).toMatch(/IOVNET\.PF0\.VF\d$/);
    const stdout = new Capture();
    const stderr = new Capture();
    // Someone renames the waiting VF on t7-b while the operator reads the preflight report.
    const ask = async () => {
      expect((await lab.runLdm("t7-b", ["set-io", "name=stolen", alias])).exitCode).toBe(0);
      return "yes";
    };
    const code = await runMigrate("ldg1", { planDocument: cli.planDocument, to: "t7-b", acceptUnverified: true, json: true }, { stdout, stderr, cwd: cli.dir, env: {}, connect: (target) => new LabExecutor(lab, target.id), ask });
    expect(code).toBe(1);
    expect(JSON.parse(stdout.text)).toMatchObject({ outcome: "preflight-failed", summary: "t7-b changed since the preflight; nothing was migrated. Run ldoms migrate ldg1 --to t7-b again." });
    expect(await placement(lab)).toEqual({ ldg1: "t7-a active", ldg2: "t7-b active" });
    expect(lab.journal().some((j) => j.kind === "ldm" && /migrate-domain/.test(JSON.stringify(j)))).toBe(false);
  }, 60_000);
});
