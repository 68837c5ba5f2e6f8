import { describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { runProcess } from "../support/run-process";

const SCRIPT = join(__dirname, "../../scripts/check-function-length.mjs");

/** `n` statement lines, so a function spans exactly `n + 2` lines with its braces. */
const body = (n: number) => Array.from({ length: n }, (_, i) => `  const x${i} = ${i};`).join("\n");

/** A small tree: functions of each kind at 80 lines (allowed) and at 81 (reported), one outside src/engine. */
const FIXTURE: Record<string, string> = {
  "src/engine/ok.ts": [`/** documented: the comment does not count */`, `export function fits() {`, body(78), `}`].join("\n"),
  "src/engine/long.ts": [
    `export function declared() {`,
    body(79),
    `}`,
    `export const arrow = () => {`,
    body(79),
    `};`,
    `export class Runner {`,
    `  method() {`,
    body(79),
    `  }`,
    `}`,
    `export const table = { handler: function () {`,
    body(79),
    `} };`,
    `register(() => {`,
    body(79),
    `});`,
  ].join("\n"),
  "src/engine/deep/nested.ts": [`export function outer() {`, `  const inner = () => {`, body(79), `  };`, `  return inner;`, `}`].join("\n"),
  "src/lab/elsewhere.ts": [`export function long() {`, body(200), `}`].join("\n"),
};

describe("function length check (scripts/check-function-length.mjs)", () => {
  it("passes on this repository", async () => {
    const run = await runProcess(process.execPath, [SCRIPT]);
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe("function length check: ok (no function in src/engine over 80 lines)\n");
    expect(run.status).toBe(0);
  });

  it("names the file, start line, name and length of every function over 80 lines in src/engine, nested ones too", async () => {
    const root = mkdtempSync(join(tmpdir(), "ldoms-check-function-length-"));
    try {
      for (const [path, text] of Object.entries(FIXTURE)) {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), `${text}\n`);
      }
      const run = await runProcess(process.execPath, [SCRIPT, "--root", root]);
      expect(run.stdout).toBe("");
      expect(run.stderr.split("\n")).toEqual([
        "function length check failed: 7 function(s) over 80 lines; split them into named steps",
        "src/engine/deep/nested.ts:1 outer (84 lines)",
        "src/engine/deep/nested.ts:2 inner (81 lines)",
        "src/engine/long.ts:1 declared (81 lines)",
        "src/engine/long.ts:82 arrow (81 lines)",
        "src/engine/long.ts:164 method (81 lines)",
        "src/engine/long.ts:246 handler (81 lines)",
        "src/engine/long.ts:327 (anonymous) (81 lines)",
        "",
      ]);
      expect(run.status).toBe(1);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
