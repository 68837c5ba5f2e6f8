/**
 * A connection dropped while the guest's IPMP group is configured: the outcome of the command is
 * unknown, so the guest is read again and only what is still missing runs. Cut at every exec
 * boundary (before the command ran, and after it ran with its status lost), in-process and
 * through the lab's ssh2 server; every ipadm command runs exactly once and the group converges.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sshConnect } from "../../src/cli/engine-input";
import { applyHosts, engineHosts, HostSession } from "../../src/engine";
import { convergeDocumentGuests, ipmpProblems, mapGroupLinks, observeGuest } from "../../src/engine/migration";
import { findDomain } from "../../src/engine/observed-state";
import { readHost } from "../../src/engine/observe";
import type { CutPoint, LabExecInfo } from "../../src/lab-serving/executor";
import type { Inventory } from "../../src/model";
import { examplePlan } from "../../test-kit/example-plan";
import { inProcessLab, type InProcessLab } from "../engine/support/engine-lab";
import { defaultLabJson, GUEST_IPMP_COMMANDS, startMigrationLab } from "./support";

const INVENTORY: Inventory = {
  hosts: {
    "t7-a": { address: "t7-a.lab", port: 22, user: "ldmops" },
    "t7-b": { address: "t7-b.lab", port: 22, user: "ldmops" },
    "guest/ldg1": { address: "ldg1.lab", port: 22, user: "ldmops" },
  },
};

const noSleep = async () => undefined;

async function preparedLab(): Promise<InProcessLab> {
  const json = defaultLabJson();
  json.options = { ...json.options, invSettleMs: 20 };
  const env = inProcessLab(json);
  const run = await applyHosts(engineHosts(examplePlan(), { inventory: INVENTORY }), { connect: env.connect(), invTimeoutMs: 10_000 });
  expect(run.hosts.map((h) => h.status)).toEqual(["applied", "applied"]);
  return env;
}

/** Cuts the guest's connection once, at its `at`-th exec (counted over reconnections). */
function cutGuestOnce(at: number, point: CutPoint) {
  let seen = 0;
  let cut = false;
  return (info: LabExecInfo): CutPoint | undefined => {
    if (!info.hostId.startsWith("guest/")) return undefined;
    seen++;
    if (cut || seen !== at) return undefined;
    cut = true;
    return point;
  };
}

async function groupProblems(env: InProcessLab): Promise<string[]> {
  const host = new HostSession({ id: "t7-a", connection: { address: "x", port: 22, user: "ldmops", pfexec: false, ldmPath: "ldm" } }, env.connect());
  const guest = new HostSession({ id: "guest/ldg1", connection: { address: "x", port: 22, user: "ldmops", pfexec: false, ldmPath: "ldm" } }, env.connect());
  const { observed } = await readHost(host);
  const view = await observeGuest(guest);
  const group = examplePlan().hosts[0]!.desired.domains.find((d) => d.name === "ldg1")!.ipmpGroups[0]!;
  const links = mapGroupLinks(view, findDomain(observed, "ldg1")!, observed.vfs.filter((v) => v.domain === "ldg1"), group);
  if ("problem" in links) return [links.problem];
  return ipmpProblems(view, group, links);
}

describe("guest IPMP: a dropped connection is retried by re-reading the guest", () => {
  // The guest sees 7 execs without cuts: one read, then six ipadm commands.
  const cases = [1, 2, 3, 4, 5, 6, 7].flatMap((at) => (["before", "after"] as const).map((point) => [at, point] as const));
  it.each(cases)("cut at guest exec %i (%s): converges, every command once", async (at, point) => {
    const env = await preparedLab();
    const result = await convergeDocumentGuests(examplePlan(), { connect: env.connect({ cut: cutGuestOnce(at, point) }), inventory: INVENTORY, sleep: noSleep });
    expect(result.map((g) => [g.domain, g.error, g.problems])).toEqual([["ldg1", undefined, []]]);
    expect(env.counters.cuts).toBe(1);
    expect(env.lab.journal().filter((j) => j.kind === "guest").map((j) => `${j.argv.join(" ")} -> ${j.exitCode}`)).toEqual(GUEST_IPMP_COMMANDS.map((c) => `${c} -> 0`));
    const actions = result[0]!.actions;
    // Every command that ran or was confirmed by the re-read is reported, none as failed.
    expect(actions.filter((a) => a.lost === undefined).every((a) => a.exitStatus === 0)).toBe(true);
    if (at > 1) expect(actions.find((a) => a.lost !== undefined)).toMatchObject({ commandLine: `'${GUEST_IPMP_COMMANDS[at - 2]!.split(" ").join("' '")}'`, exitStatus: null, lost: point === "after" ? "took-effect" : "not-applied" });
    expect(await groupProblems(env)).toEqual([]);
    // Run again: nothing left to do.
    const again = await convergeDocumentGuests(examplePlan(), { connect: env.connect(), inventory: INVENTORY });
    expect(again.map((g) => g.actions.length)).toEqual([0]);
  });

  it("a connection that keeps dropping fails after a few re-reads, naming the command", async () => {
    const env = await preparedLab();
    const cut = (info: LabExecInfo): CutPoint | undefined => (info.hostId.startsWith("guest/") && info.commandLine.includes("create-ip") ? "before" : undefined);
    const result = await convergeDocumentGuests(examplePlan(), { connect: env.connect({ cut }), inventory: INVENTORY, sleep: noSleep });
    expect(result).toHaveLength(1);
    expect(result[0]!.error).toMatch(/^guest\/ldg1: lost the connection 4 times while running 'ipadm' 'create-ip' 'net1'; the guest was re-read each time: run ldoms apply again once the guest is reachable/);
    expect(env.lab.journal().filter((j) => j.kind === "guest")).toEqual([]);
  });
});

describe("guest IPMP over SSH: the TCP connection cut after a command ran", () => {
  let stateDir: string;
  beforeAll(() => {
    stateDir = mkdtempSync(join(tmpdir(), "ldoms-guest-retry-"));
  });
  afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

  it("re-reads over a new connection and runs only what is missing", async () => {
    let cut = false;
    const lab = await startMigrationLab({
      stateDir,
      cut: (info) => {
        if (cut || info.hostId !== "guest/ldg1" || !info.commandLine.includes("add-ipmp")) return undefined;
        cut = true;
        return "after";
      },
    });
    try {
      const connect = sshConnect({});
      const applied = await applyHosts(engineHosts(lab.document, { inventory: lab.inventory }), { connect, invTimeoutMs: 10_000 });
      expect(applied.hosts.map((h) => h.status)).toEqual(["applied", "applied"]);
      const result = await convergeDocumentGuests(lab.document, { connect, inventory: lab.inventory });
      expect(result.map((g) => [g.error, g.problems])).toEqual([[undefined, []]]);
      expect(cut).toBe(true);
      expect(lab.server.stats.cuts).toBe(1);
      expect(lab.lab.journal().filter((j) => j.kind === "guest").map((j) => j.argv.join(" "))).toEqual(GUEST_IPMP_COMMANDS);
      expect(result[0]!.actions.map((a) => [a.commandLine, a.exitStatus, a.lost])).toContainEqual(["'ipadm' 'add-ipmp' '-i' 'net1' 'ipmp0'", null, "took-effect"]);
    } finally {
      await lab.close();
    }
  });
});
