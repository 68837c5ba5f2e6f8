import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { ldomsApplyCommand, ldomsMigrateCommand, type LdomsInvocation } from "../../src/synth";

/** Prints each argument it receives followed by a NUL, so the words `sh -c` made can be compared. */
const PRINT_ARGS: LdomsInvocation = { command: ["printf", "%s\\0"] };

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Runs a command line as Terraform's local-exec does (`/bin/sh -c`), in an empty folder. */
function runAsLocalExec(line: string): { args: string[]; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), "ldoms-local-exec-"));
  dirs.push(dir);
  const result = spawnSync("/bin/sh", ["-c", line], { cwd: dir, encoding: "utf8", env: { PATH: "/usr/bin:/bin", LC_ALL: "C.UTF-8" } });
  if (result.status !== 0) throw new Error(`sh failed (${result.status}): ${result.stderr}\n${line}`);
  const args = result.stdout.split("\0");
  args.pop();
  return { args, dir };
}

describe("local-exec command lines", () => {
  it("quote every word", () => {
    const invocation: LdomsInvocation = { command: ["node", "node_modules/cdktf-ldoms/bin/ldoms.js"], planDocument: "cdktf.out/stacks/prod-move/ldoms.plan.json" };
    expect(ldomsApplyCommand(invocation, "prod-move", "t7-a")).toBe(
      "'node' 'node_modules/cdktf-ldoms/bin/ldoms.js' 'apply' '--stack' 'prod-move' '--host' 't7-a' '--plan-document' 'cdktf.out/stacks/prod-move/ldoms.plan.json' '--lock-timeout' '1800000' '--auto-approve'",
    );
    expect(ldomsMigrateCommand({ command: ["ldoms"] }, "prod-move", "ldg1-to-b")).toBe("'ldoms' 'migrate' 'ldg1-to-b' '--stack' 'prod-move' '--lock-timeout' '1800000' '--auto-approve'");
  });

  it.each([
    ["m1;touch pwned;"],
    ["m1 && touch pwned"],
    ["$(touch pwned)"],
    ["`touch pwned`"],
    ["m1'; touch pwned; echo '"],
    ["m1\ntouch pwned"],
    ["m1 | touch pwned"],
  ])("keep %j one argument, never shell text", (id) => {
    const apply = runAsLocalExec(ldomsApplyCommand(PRINT_ARGS, id, id));
    expect(apply.args).toEqual(["apply", "--stack", id, "--host", id, "--lock-timeout", "1800000", "--auto-approve"]);
    expect(readdirSync(apply.dir)).toEqual([]);
    const migrate = runAsLocalExec(ldomsMigrateCommand({ ...PRINT_ARGS, planDocument: id }, id, id));
    expect(migrate.args).toEqual(["migrate", id, "--stack", id, "--plan-document", id, "--lock-timeout", "1800000", "--auto-approve"]);
    expect(existsSync(join(migrate.dir, "pwned"))).toBe(false);
  });

  it("give sh back exactly the words they were built from, for any text", () => {
    const word = fc.string({ unit: "grapheme", maxLength: 12 }).filter((s) => !s.includes("\0"));
    fc.assert(
      fc.property(word, word, word, (stack, host, planDocument) => {
        const { args } = runAsLocalExec(ldomsApplyCommand({ ...PRINT_ARGS, planDocument }, stack, host));
        expect(args).toEqual(["apply", "--stack", stack, "--host", host, "--plan-document", planDocument, "--lock-timeout", "1800000", "--auto-approve"]);
      }),
      { numRuns: 40 },
    );
  });
});
