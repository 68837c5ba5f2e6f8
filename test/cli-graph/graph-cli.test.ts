import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runGraph } from "../../src/cli/commands/graph";
import { runMigrate } from "../../src/cli/commands/migrate";
import type { CommandIo } from "../../src/cli/commands/plan";
import { synthesizeApp } from "../../src/cli/synth-app";
import { applyHosts, engineHosts } from "../../src/engine";
import { declaredTopology, toDot } from "../../src/graph";
import { examplePlan } from "../../test-kit/example-plan";
import type { InProcessLab } from "../engine/support/engine-lab";
import { declaredObjects, unescapeSvg } from "../graph/support";
import type { Capture } from "../support/capture";
import { cliFixture, type CliFixture } from "../support/cli-fixture";

const repo = join(__dirname, "..", "..");
const tsx = join(repo, "node_modules", "tsx", "dist", "cli.mjs");

function ldoms(args: string[], cwd: string) {
  return spawnSync(process.execPath, [tsx, join(repo, "test", "cli-synth", "ldoms-cli.ts"), ...args], { cwd, encoding: "utf8" });
}

describe("ldoms graph", () => {
  let dir: string;
  let env: InProcessLab;
  let planDocument: string;
  let out: Capture;
  let err: Capture;
  let fixture: CliFixture;
  const io = (): CommandIo => fixture.io();

  beforeEach(() => {
    fixture = cliFixture("ldoms-graph-");
    ({ dir, env, planDocument, out, err } = fixture);
  });
  afterEach(() => fixture.remove());

  it("--format dot prints the DOT of the plan document, reading no host; the command line does the same", async () => {
    expect(await runGraph({ planDocument, format: "dot" }, io())).toBe(0);
    expect(out.text).toBe(toDot(declaredTopology(examplePlan())));
    expect(err.text).toBe("");
    expect(env.counters.connections).toBe(0);
    const cli = ldoms(["graph", "--plan-document", planDocument, "--format", "dot"], dir);
    expect(cli.stderr).toBe("");
    expect(cli.status).toBe(0);
    expect(cli.stdout).toBe(out.text);
    for (const o of declaredObjects(examplePlan())) expect(cli.stdout).toContain(`id="${o.id}"`);
  });

  it("--host draws those hosts only, and the migrations between them", async () => {
    expect(await runGraph({ planDocument, format: "dot", host: ["t7-b"] }, io())).toBe(0);
    expect(out.text).toContain('subgraph "cluster_host:t7-b"');
    expect(out.text).not.toContain("t7-a");
    expect(out.text).not.toContain("migrate ldg1");
    await expect(runGraph({ planDocument, format: "dot", host: ["t7-z"] }, io())).rejects.toThrow("--host t7-z: no such host in stack prod-move; hosts: t7-a, t7-b");
  });

  it("a bad --format names the value and the formats, exit status 1 (bad input, as every command), before anything is read", () => {
    const cli = ldoms(["graph", "--format", "png", "--plan-document", join(dir, "nothing-here.json")], dir);
    expect(cli.stderr).toBe('Error: --format "png" is not a picture format ldoms graph writes; use one of: svg, dot, mermaid\n');
    expect(cli.stdout).toBe("");
    expect(cli.status).toBe(1);
  });

  it("--observed reads each host once and marks drift; --out writes the SVG", async () => {
    await applyHosts(engineHosts(examplePlan()), { connect: env.connect() });
    expect((await env.ldm("t7-a", "set-io", "pvid=300", "/SYS/MB/NET0/IOVNET.PF0.VF0")).exitCode).toBe(0);
    const before = { ...env.counters };
    expect(await runGraph({ planDocument, observed: true, out: "picture.svg" }, io())).toBe(0);
    expect(env.counters.connections - before.connections).toBe(2);
    expect(env.counters.execs - before.execs).toBe(2);
    expect(out.text).toBe("");
    expect(err.text).toContain("Wrote the svg picture to picture.svg\n");
    const svg = unescapeSvg(readFileSync(join(dir, "picture.svg"), "utf8"));
    expect(svg).toContain(">DIFFERS: pvid: declared 100, on t7-a 300</text>");
    expect(svg).toContain('>PENDING: ~ set pvid=100 on VF "ldg1-app"</text>');
    expect(svg).toContain(">stack prod-move: observed on t7-a, t7-b, compared with the plan document</text>");
    expect(svg).toMatch(/>1 drifted, 1 with pending steps, \d blocking a migration<\/text>/);
    expect(await runGraph({ planDocument, observed: true, format: "mermaid" }, io())).toBe(0);
    expect(out.text).toContain("DIFFERS: pvid: declared 100, on t7-a 300");
    expect(out.text).toMatch(/:::mark_(differs|blocked)\n/);
  });

  it("ldoms migrate --dry-run --picture FILE writes the before/after picture", async () => {
    const code = await runMigrate("ldg1-to-b", { planDocument, dryRun: true, picture: "move.svg" }, io());
    expect(code).toBe(1);
    expect(out.text).toContain("Result: not-prepared.");
    expect(err.text).toContain("Wrote the picture of migration ldg1-to-b to move.svg\n");
    const svg = unescapeSvg(readFileSync(join(dir, "move.svg"), "utf8"));
    expect(svg).toContain(">before: ldg1 on t7-a (not-prepared)</text>");
    expect(svg).toContain(">after: ldg1 on t7-b, VF ldg1-app assigned there</text>");
    expect(svg).toContain(">BLOCKS MIGRATION: ldg1-to-b, rule 5: t7-b</text>");
    expect(await runMigrate("ldg1-to-b", { planDocument, dryRun: true, picture: "move.dot" }, io())).toBe(1);
    expect(readFileSync(join(dir, "move.dot"), "utf8")).toMatch(/^digraph topology \{\n/);
  });
});

describe("ldoms synth", () => {
  it("writes topology.svg next to the plan document: the picture in the docs", { timeout: 60_000 }, async () => {
    const outDir = mkdtempSync(join(tmpdir(), "ldoms-graph-synth-"));
    try {
      const { stacks } = await synthesizeApp({ projectDir: repo, outDir });
      const picture = join(stacks[0]!.dir, "topology.svg");
      expect(existsSync(picture)).toBe(true);
      expect(readFileSync(picture, "utf8")).toBe(readFileSync(join(repo, "docs", "topology-example.svg"), "utf8"));
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  });
});
