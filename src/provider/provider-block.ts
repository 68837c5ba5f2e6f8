/**
 * What can be checked in the provider block before any file is read: the checks of
 * ValidateProviderConfig, kept apart from the loading (configuration.ts) so that the validation
 * Terraform runs in a provider process of its own does not load the engine.
 */
import { attribute, UNKNOWN, type TerraformValue } from "./dynamic-value";

const DURATION = /^(?:\d+(?:ms|s|m|h))+$/;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** A duration as Terraform users write them ("30s", "5m", "1m30s", "0s") in milliseconds; undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const compact = text.trim();
  if (!DURATION.test(compact)) return undefined;
  let total = 0;
  for (const [, amount, unit] of compact.matchAll(/(\d+)(ms|s|m|h)/g)) total += Number(amount) * (UNIT_MS[unit as string] as number);
  return total;
}

export const durationProblem = (value: string): string =>
  `lock_timeout ${JSON.stringify(value)} is not a duration: write a whole number with a unit (ms, s, m, h), e.g. "30s", "5m" or "0s" (leave it out not to wait for another run's lock)`;

export interface ConfigurationProblem {
  readonly message: string;
  readonly attribute?: string;
}

export function stringAttribute(config: TerraformValue, name: string): string | null | typeof UNKNOWN {
  const value = attribute(config, name);
  if (value === null || value === UNKNOWN || typeof value === "string") return value;
  return String(value);
}

/** What can be said about the block before anything is read (values may still be unknown). */
export function configurationProblems(config: TerraformValue): ConfigurationProblem[] {
  const problems: ConfigurationProblem[] = [];
  for (const name of ["plan_document", "inventory"]) {
    const value = stringAttribute(config, name);
    if (typeof value === "string" && value.trim() === "") {
      problems.push({ attribute: name, message: `${name} is empty; give the path of a file (or leave ${name === "inventory" ? "it out" : "it set to ldoms.plan.json's path"})` });
    }
  }
  const lockTimeout = stringAttribute(config, "lock_timeout");
  if (typeof lockTimeout === "string" && parseDuration(lockTimeout) === undefined) problems.push({ attribute: "lock_timeout", message: durationProblem(lockTimeout) });
  return problems;
}
