/**
 * `npm start`'s story (src/cli/story.ts) in its own process: exits 0 by itself (nothing left
 * running), in under 60 s, having moved ldg1 to t7-b and back with plan converged after each
 * move; on each lab variant.
 */
import { spawn } from "node:child_process";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { LAB_VARIANT_ENV } from "../../src/cli/commands/demo";
import { LAB_VARIANTS } from "../engine/support/lab-variants";

const REPO = resolve(__dirname, "../..");

describe.each(LAB_VARIANTS)("the npm start story ($name lab)", ({ variants }) => {
  it("runs to exit 0 by itself, under 60 s, with every step as expected", async () => {
    const started = Date.now();
    const result = await new Promise<{ status: number | null; stdout: string; stderr: string }>((done, fail) => {
      const child = spawn(process.execPath, [join(REPO, "node_modules/tsx/dist/cli.mjs"), join(__dirname, "fixtures/run-story.ts")], {
        cwd: REPO,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, ...(variants ? { [LAB_VARIANT_ENV]: variants } : {}) },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill("SIGKILL"), 90_000);
      child.once("error", fail);
      child.once("close", (status) => {
        clearTimeout(timer);
        done({ status, stdout, stderr });
      });
    });
    const elapsed = Date.now() - started;
    expect(result.stderr).toMatch(/story-summary /);
    expect(result.status).toBe(0);
    const summary = JSON.parse(/story-summary (.*)/.exec(result.stderr)![1]!) as { steps: number[]; totalMs: number; outcome: string };
    expect(summary.steps).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(summary.outcome).toBe("migrated");
    expect(elapsed).toBeLessThan(60_000);
    expect(result.stdout).toContain("    guest ldg1 (on t7-a): 6 ipadm command(s)\n");
    expect(result.stdout).toContain("== 5. ldoms plan --detailed-exitcode: converged, no changes (exit 0)");
    expect(result.stdout).toContain("Result: migrated. ldg1 migrated from t7-a to t7-b in");
    expect(result.stdout).toContain("Migrate with: ldoms migrate ldg1 --to t7-b\n");
    expect(result.stdout).toContain("Result: migrated. ldg1 migrated from t7-b to t7-a in");
    expect(result.stdout).toContain("== 9. ldoms plan --detailed-exitcode: still no changes: where a domain runs is observed, not declared (exit 0)");
    expect(result.stdout).toMatch(/ldg1 +mobile \(pair\) +t7-b +active/);
    expect(result.stdout).toMatch(/migration progress \d+%/);
  }, 100_000);
});
