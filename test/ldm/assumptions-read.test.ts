import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = join(__dirname, "../../src");
const MODULE = join(SRC, "ldm/assumptions.ts");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith(".ts") && path !== MODULE ? [path] : [];
  });
}

describe("src/ldm/assumptions.ts", () => {
  it("exports only facts some code outside it reads, so correcting one changes behaviour", () => {
    const exported = [...readFileSync(MODULE, "utf8").matchAll(/^export (?:const|function) (\w+)/gm)].map((m) => m[1]!);
    // Imported by name (a mention in a comment does not count).
    const imported = new Set(
      sourceFiles(SRC).flatMap((f) =>
        [...readFileSync(f, "utf8").matchAll(/import\s*\{([^}]*)\}\s*from\s*"[^"]*\/assumptions"/g)].flatMap((m) =>
          m[1]!.split(",").map((n) => n.trim().replace(/^type\s+/, "")).filter(Boolean),
        ),
      ),
    );
    const unread = exported.filter((name) => !imported.has(name));
    expect(exported.length).toBeGreaterThan(30);
    expect(unread).toEqual([]);
  });
});
