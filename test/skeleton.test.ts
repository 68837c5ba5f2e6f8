import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";

describe("repository layering", () => {
  it("passes the layer check (cdktf only in src/terraform, process.exit only in src/cli)", () => {
    const out = execFileSync(process.execPath, ["scripts/check-layers.mjs"], { encoding: "utf8" });
    expect(out).toContain("layer check: ok");
  });
});
