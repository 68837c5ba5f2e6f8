import { describe, expect, it } from "vitest";
import { commandTimeouts, DEFAULT_MUTATION_TIMEOUT_MS, DEFAULT_READ_TIMEOUT_MS, timeoutFor } from "../../src/engine/timeouts";

describe("command time limits per exec kind", () => {
  it("defaults: reads and lock handling 120 s, mutations 600 s, migrate-domain none", () => {
    expect([DEFAULT_READ_TIMEOUT_MS, DEFAULT_MUTATION_TIMEOUT_MS]).toEqual([120_000, 600_000]);
    expect(["read", "lock", "mutating", "migration"].map((k) => timeoutFor(k as never))).toEqual([120_000, 120_000, 600_000, 0]);
  });

  it("overrides per kind; one number (the earlier commandTimeoutMs) limits every command but a migration", () => {
    expect(timeoutFor("read", { readMs: 500 })).toBe(500);
    expect(timeoutFor("mutating", { readMs: 500 })).toBe(600_000);
    expect(timeoutFor("mutating", { mutationMs: 900 })).toBe(900);
    expect(["read", "lock", "mutating", "migration"].map((k) => timeoutFor(k as never, 700))).toEqual([700, 700, 700, 0]);
  });

  it("--command-timeout alone keeps its meaning (every command); with --read-timeout it is the mutations' limit", () => {
    expect(commandTimeouts({})).toEqual({});
    expect(commandTimeouts({ commandTimeoutMs: 5000 })).toEqual({ readMs: 5000, mutationMs: 5000 });
    expect(commandTimeouts({ readTimeoutMs: 300 })).toEqual({ readMs: 300 });
    expect(commandTimeouts({ readTimeoutMs: 300, commandTimeoutMs: 5000 })).toEqual({ readMs: 300, mutationMs: 5000 });
  });
});
