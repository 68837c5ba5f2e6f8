import { PlanError, type LdomsError } from "../model";

/**
 * The engine's precondition problems in the provider's words: its opt-in for a disruptive step
 * is `allow_disruptive = true` in the provider block (the CLI's --allow-disruptive), and a change
 * `ldm` refuses while the domain runs stays refused whatever that says, as in `ldoms apply`.
 */

const CLI_OPT_IN = "re-run with --allow-disruptive";
const PROVIDER_OPT_IN = "set allow_disruptive = true in the provider block (as ldoms apply --allow-disruptive)";

/** One problem line with the CLI's opt-in replaced by the provider's. */
export function providerProblemText(problem: string): string {
  return problem.replace(CLI_OPT_IN, PROVIDER_OPT_IN).replace(/, run apply again, /, ", run terraform apply again, ");
}

/** The line to add under the problems when one is a refused disruptive change (none otherwise). */
export function disruptionAdvice(problems: readonly string[]): string[] {
  const refusedWhileRunning = problems.some((p) => p.includes("ldm refuses it while domain"));
  if (!refusedWhileRunning) return [];
  return [
    "allow_disruptive = true in the provider block is the opt-in for disruptive changes ldm accepts; ldm refuses this change while the domain runs, so it stays refused whatever allow_disruptive says: stop the domain first.",
  ];
}

/** The problems of a host as a diagnostic's lines: each with the provider's opt-in, then the advice. */
export function problemLines(problems: readonly string[]): string[] {
  return [...problems.map((p) => `- ${providerProblemText(p)}`), ...disruptionAdvice(problems)];
}

/** An apply's precondition error (the host changed since the plan) in the provider's words; other errors as they are. */
export function inProviderWords(error: LdomsError): LdomsError {
  if (!(error instanceof PlanError)) return error;
  const lines = error.message.split("\n");
  return new PlanError([...lines.map(providerProblemText), ...disruptionAdvice(lines)].join("\n"));
}
