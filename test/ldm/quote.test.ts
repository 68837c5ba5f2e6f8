import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import fc from "fast-check";
import { commandLine, ldmCommandLine, shellQuote } from "../../src/ldm/quote";

const SHELLS = ["/bin/sh", "/bin/bash", "/usr/bin/ksh93"] as const;

/** Runs `printf '%s\0' ARGS...` under `shell -c`, returns the arguments as the shell saw them. */
function echoThrough(shell: string, args: readonly string[]): string[] {
  const line = commandLine(["printf", "%s\\0", ...args]);
  const result = spawnSync(shell, ["-c", line], { encoding: "utf8", env: { PATH: "/usr/bin:/bin", LC_ALL: "C.UTF-8" } });
  if (result.status !== 0) throw new Error(`${shell} failed (${result.status}): ${result.stderr}\n${line}`);
  const parts = result.stdout.split("\0");
  parts.pop(); // the text after the last NUL terminator is empty
  return parts;
}

/** Lone UTF-16 surrogates have no UTF-8 form, so they cannot reach a shell unchanged. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const nastyPieces = fc.constantFrom("'", '"', "\\", "$(", ")", "`", ";", "&&", "|", "\n", "\r", "\t", " ", "$?", "${x}", "*", "?", "~", "#", "!", "%s", "\\0", "-n", "=", "é", "日本", "🦀", "\u00a0");
const shellString = fc
  .array(fc.oneof(nastyPieces, fc.string({ unit: "binary", maxLength: 6 }), fc.string({ unit: "grapheme-ascii", maxLength: 6 })), { maxLength: 8 })
  .map((pieces) => pieces.join(""))
  .filter((s) => !s.includes("\0") && !LONE_SURROGATE.test(s));

describe("shellQuote", () => {
  it("wraps tokens in single quotes and escapes embedded quotes", () => {
    expect(shellQuote("list-io")).toBe("'list-io'");
    expect(shellQuote("")).toBe("''");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
  });

  it("refuses a NUL, which no argv can carry", () => {
    expect(() => shellQuote("a\0b")).toThrow("cannot contain a NUL");
  });

  it("builds ldm command lines with an optional pfexec and ldm path", () => {
    expect(ldmCommandLine(["list-io", "-l", "-p"])).toBe("'ldm' 'list-io' '-l' '-p'");
    expect(ldmCommandLine(["set-io", "name=vf a", "/SYS/MB/NET0/IOVNET.PF0.VF0"], { pfexec: true, ldmPath: "/usr/sbin/ldm" })).toBe(
      "'pfexec' '/usr/sbin/ldm' 'set-io' 'name=vf a' '/SYS/MB/NET0/IOVNET.PF0.VF0'",
    );
    expect(() => commandLine([])).toThrow("argv must name a command");
  });

  for (const shell of SHELLS) {
    it(`round-trips fixed hostile strings through ${shell}`, () => {
      const samples = ["", "'", "''", "a'b'c", "$(touch /tmp/x)", "`id`", "a; rm -rf /", "x\ny", "name=value", "-n", "%s", "\\n", "tab\there", "日本語 🦀", "trailing\n"];
      expect(echoThrough(shell, samples)).toEqual(samples);
    });

    it(`round-trips arbitrary strings through ${shell} (property)`, () => {
      fc.assert(
        fc.property(fc.array(shellString, { minLength: 1, maxLength: 25 }), (args) => {
          expect(echoThrough(shell, args)).toEqual(args);
        }),
        { numRuns: 40 },
      );
    });
  }
});
