/**
 * The provider block's `lock_timeout` and `allow_disruptive`: durations as Terraform users write
 * them, a bad one refused at validate time naming the value and the accepted forms, and what the
 * engine is given (as `ldoms apply --lock-timeout MS --allow-disruptive`).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfiguration } from "../../src/provider/configuration";
import { configurationProblems, parseDuration } from "../../src/provider/provider-block";
import { UNKNOWN, type TerraformValue } from "../../src/provider/dynamic-value";
import { PROVIDER_SCHEMA, schemaMessage } from "../../src/provider/schema";
import { examplePlan } from "../../test-kit/example-plan";

const block = (v: Record<string, TerraformValue>): TerraformValue => ({ plan_document: "ldoms.plan.json", inventory: null, lock_timeout: null, allow_disruptive: null, ...v });

describe("provider block: lock_timeout and allow_disruptive", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "ldoms-provider-config-"));
    writeFileSync(join(dir, "ldoms.plan.json"), JSON.stringify(examplePlan()));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("both optional in the schema: lock_timeout a string, allow_disruptive a bool", () => {
    const attributes = schemaMessage(PROVIDER_SCHEMA).block.attributes.map((a) => [a.name, a.optional, JSON.parse(a.type.toString())]);
    expect(attributes).toEqual(expect.arrayContaining([["lock_timeout", true, "string"], ["allow_disruptive", true, "bool"]]));
  });

  it("durations: whole numbers with ms, s, m or h, also combined; anything else is not one", () => {
    expect(["30s", "5m", "0s", "1m30s", "250ms", "1h"].map(parseDuration)).toEqual([30_000, 300_000, 0, 90_000, 250, 3_600_000]);
    expect(["30", "5 minutes", "-1s", "1.5s", "", "s"].map(parseDuration)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  it("a bad lock_timeout is a validate-time problem naming the value and the accepted forms; unknown and unset pass", () => {
    expect(configurationProblems(block({ lock_timeout: "5 minutes" }))).toEqual([
      { attribute: "lock_timeout", message: 'lock_timeout "5 minutes" is not a duration: write a whole number with a unit (ms, s, m, h), e.g. "30s", "5m" or "0s" (leave it out not to wait for another run\'s lock)' },
    ]);
    expect(configurationProblems(block({ lock_timeout: UNKNOWN }))).toEqual([]);
    expect(configurationProblems(block({ lock_timeout: "2m" }))).toEqual([]);
  });

  it("the engine gets lock_timeout in milliseconds and allow_disruptive; unset: no wait, not allowed (the CLI's defaults)", () => {
    expect(loadConfiguration(block({ lock_timeout: "5m", allow_disruptive: true }), dir, {})).toMatchObject({ lockTimeoutMs: 300_000, allowDisruptive: true });
    const defaults = loadConfiguration(block({}), dir, {});
    expect(defaults.allowDisruptive).toBe(false);
    expect(defaults.lockTimeoutMs).toBeUndefined();
    expect(loadConfiguration(block({ lock_timeout: "0s" }), dir, {}).lockTimeoutMs).toBeUndefined();
    expect(() => loadConfiguration(block({ lock_timeout: "soon" }), dir, {})).toThrow(/^lock_timeout "soon" is not a duration/);
    expect(() => loadConfiguration(block({ allow_disruptive: UNKNOWN }), dir, {})).toThrow(/lock_timeout and allow_disruptive must be known before apply/);
  });
});
