/**
 * Random operation sequences against the invariants (fast budget): on labs of two to four hosts
 * with two to four mobile domains, stack changes, plan, apply (--host), migrate --to, evacuate,
 * force-unlock, out-of-band `ldm`, cut connections, SIGINT, stalled commands and two operations
 * at once, with the invariants checked after every command (support/invariants.ts). A failure
 * prints the shrunk sequence, the seed and the path; `node scripts/soak.mjs` runs the long budget.
 * The sequences below `regressions` are failures found this way, kept as they shrank.
 */
import { describe, expect, it } from "vitest";
import { ApplyCmd, EvacuateCmd, MigrateCmd, SynthCmd, TogetherCmd } from "./support/commands";
import { replay, runBudget, startWorld } from "./support/run";

/**
 * Sequences and most commands per sequence of the fast budget: about 250 commands in 25-40 s on
 * a 2-core machine. The time cap keeps a loaded machine under a minute (fewer sequences then).
 */
const FAST = { numRuns: 50, maxCommands: 20, timeLimitMs: 50_000 };

describe("random operation sequences", () => {
  it("keep every invariant (fast budget)", async () => {
    const seed = process.env.LDOMS_PROPERTY_SEED ? Number(process.env.LDOMS_PROPERTY_SEED) : undefined;
    const result = await runBudget({ ...FAST, ...(seed !== undefined ? { seed } : {}) });
    // The seed reruns this budget: LDOMS_PROPERTY_SEED=<seed> npx vitest run test/property
    console.info(`operation sequences: seed ${result.seed}, ${result.runs} sequences, ${result.steps} commands in ${(result.ms / 1000).toFixed(1)} s`);
    expect(result.failed, result.report).toBe(false);
    expect(result.runs).toBeGreaterThanOrEqual(10);
    expect(result.steps).toBeGreaterThan(result.runs);
  }, 120_000);
});

describe("regressions found by the sequences", () => {
  it("evacuate whose read of the host outlives --command-timeout: an error naming the host and what to do, not an internal error", async () => {
    await replay(3, 2, [new EvacuateCmd("t7-a", { kind: "timeout", subcommand: "list-domain", stallMs: 400, timeoutMs: 150 })]);
  });

  it("evacuate stopped by SIGINT during its checks: exit 130, outcome interrupted, and how to continue", async () => {
    const transcript: string[] = [];
    await replay(3, 4, [new EvacuateCmd("t7-a", { kind: "sigint", at: 4 })], transcript);
    expect(transcript).toEqual(["evacuate t7-a [SIGINT at exec 4] -> exit 130 (fault hit)"]);
  });

  it("migrate --to the host a domain already runs on, stopped by SIGINT: the summary says where the domain is", async () => {
    const transcript: string[] = [];
    await replay(2, 2, [new MigrateCmd("ldg2", "t7-b", { kind: "sigint", at: 3 })], transcript);
    expect(transcript).toEqual(["migrate ldg2 --to t7-b [SIGINT at exec 3] -> exit 130 (fault hit)"]);
  });

  it("evacuate while another run moves one of its domains away: the refusal says the domain is gone and what to run", async () => {
    await replay(4, 2, [new TogetherCmd({ kind: "evacuate", host: "t7-b" }, { kind: "migrate", domain: "ldg2", to: "t7-d" }, 3_000)]);
    const world = await startWorld(4, 2);
    try {
      const [evacuated, migrated] = await Promise.all([world.evacuate({ kind: "none" }, "t7-b", 3_000), world.migrate({ kind: "none" }, "ldg2", "t7-d", 3_000)]);
      expect(migrated.code).toBe(0);
      expect(world.hostOf("ldg2")).toBe("t7-d");
      // Whichever took the lock first, the evacuation never claims that ldg2 stayed on t7-b.
      expect(evacuated.stdout).not.toContain("ldg2 stays on t7-b");
      if (evacuated.code !== 0) expect(evacuated.stdout).toContain("ldg2 is not on t7-b (moved by another run since it was located?); run ldoms migrate ldg2 --to");
    } finally {
      world.remove();
    }
  });

  it("evacuate stopped by SIGINT while a migration runs: the migration finishes and is verified, and the report says the domain moved", async () => {
    const transcript: string[] = [];
    const world = await replay(2, 2, [new EvacuateCmd("t7-b", { kind: "sigint", at: 14 })], transcript);
    expect(transcript).toEqual(["evacuate t7-b [SIGINT at exec 14] -> exit 0 (fault hit)"]);
    expect(world.hostOf("ldg2")).toBe("t7-a");
  });

  it("evacuate whose read of a target's free capacity loses its connection: read again, and the host is evacuated", async () => {
    const transcript: string[] = [];
    const world = await replay(2, 2, [new EvacuateCmd("t7-a", { kind: "cut", at: 2, point: "before" })], transcript);
    expect(transcript).toEqual(["evacuate t7-a [cut before exec 2] -> exit 0 (fault hit)"]);
    expect(world.hostOf("ldg1")).toBe("t7-b");
  });

  it("evacuate whose read of a target's free capacity outlives --command-timeout: the refusal says what happened and what to do", async () => {
    await replay(2, 2, [new EvacuateCmd("t7-a", { kind: "timeout", subcommand: "list-devices", stallMs: 400, timeoutMs: 150 })]);
  });

  it("apply whose result an admin changes before its verifying read: the failure says what to run next", async () => {
    const transcript: string[] = [];
    await replay(2, 2, [new SynthCmd("ldg1", "pvid-300"), new ApplyCmd(undefined, { kind: "meddle", at: 5, action: "set-pvid", choice: 0 }), new ApplyCmd(undefined, { kind: "none" })], transcript);
    expect(transcript[2]).toMatch(/^apply \[before exec 5, by hand on its host: set-pvid \(choice 0\)\] -> exit 1 \(fault hit\)$/);
    expect(transcript[3]).toBe("apply -> exit 0");
  });

  it("migrate whose connection drops just before ldm migrate-domain: the domain stays, and the report says to run the move again", async () => {
    const transcript: string[] = [];
    const world = await replay(3, 2, [new MigrateCmd("ldg1", "t7-c", { kind: "cut", at: 10, point: "before" })], transcript);
    expect(transcript).toEqual(["migrate ldg1 --to t7-c [cut before exec 10] -> exit 1 (fault hit)"]);
    expect(world.hostOf("ldg1")).toBe("t7-a");
  });

  it("a converged lab: apply, migrate and apply again change nothing more", async () => {
    const world = await replay(2, 2, [new MigrateCmd("ldg1", "t7-b", { kind: "none" }), new ApplyCmd(undefined, { kind: "none" })]);
    expect(world.hostOf("ldg1")).toBe("t7-b");
  });
});
