/**
 * Resource `ldoms_placement` without the hosts: its values, the planned state of a change, and
 * the diagnostics a preflight or a migration report turns into. Where the domain runs and the
 * checks themselves come from the engine (placement-resource.ts).
 */
import { ValidationError } from "../model/errors";
import type { MigrationGroupPlan } from "../model";
import { NAME_MAX_LENGTH, SAFE_NAME_PATTERN } from "../ldm/assumptions";
import type { MigrationCheck, MigrationReport } from "../engine/migration";
import { attribute, UNKNOWN, type TerraformValue, type Unknown } from "./dynamic-value";
import { errorDiagnostic, type DiagnosticMessage } from "./diagnostics";

export interface PlacementValues {
  readonly domain: string | null | Unknown;
  /** Where it should run; null: wherever it is. */
  readonly host: string | null | Unknown;
  /** Where it runs, as read. */
  readonly current_host: string | null | Unknown;
  readonly id: string | null | Unknown;
}

export const PLACEMENT_ATTRIBUTES = ["domain", "host", "current_host", "id"] as const;

const text = (v: TerraformValue): string | null | Unknown => (v === null || v === UNKNOWN ? v : typeof v === "string" ? v : String(v));

export function placementValues(value: TerraformValue): PlacementValues {
  return { domain: text(attribute(value, "domain")), host: text(attribute(value, "host")), current_host: text(attribute(value, "current_host")), id: text(attribute(value, "id")) };
}

export function placementObject(values: PlacementValues): TerraformValue {
  return Object.fromEntries(PLACEMENT_ATTRIBUTES.map((a) => [a, values[a] as TerraformValue]));
}

/** Checks of the configuration that need neither the plan document nor a host; unknown values pass. */
export function validatePlacementConfig(config: PlacementValues): DiagnosticMessage[] {
  const problems: DiagnosticMessage[] = [];
  for (const [attr, value, what] of [["domain", config.domain, "the name of a mobile domain of a MigrationGroup"], ["host", config.host, "a host id of the domain's group, or leave host out"]] as const) {
    if (typeof value !== "string") continue;
    if (value.trim() === "") problems.push(errorDiagnostic(`${attr} is empty: give ${what}`, attr));
    else if (!SAFE_NAME_PATTERN.test(value) || value.length > NAME_MAX_LENGTH) {
      problems.push(errorDiagnostic(`${attr} ${JSON.stringify(value)} is not a valid name: letters, digits and _ + . : - (not first), at most ${NAME_MAX_LENGTH} characters`, attr));
    }
  }
  return problems;
}

/** `host` must be a host of the domain's group; the problem names them. */
export function hostOfGroupProblem(group: MigrationGroupPlan, domain: string, host: string): DiagnosticMessage | undefined {
  if (group.hosts.some((h) => h.id === host)) return undefined;
  return errorDiagnostic(
    `host ${host} is not a host of group ${group.id} (${group.hosts.map((h) => h.id).join(", ")})\n${domain} moves only between the hosts of its group: set host to one of them, or leave host out to keep it wherever it runs.`,
    "host",
  );
}

/** `terraform import ldoms_placement.X DOMAIN`. */
export function parsePlacementImportId(id: string): string {
  if (!SAFE_NAME_PATTERN.test(id)) throw new ValidationError(`import id ${JSON.stringify(id)} is not a domain name: give the name of a mobile domain of a MigrationGroup, e.g. ldg1`);
  return id;
}

export interface PlacementPlan {
  readonly planned: PlacementValues | null;
  readonly requiresReplace: readonly string[];
  /** Set when the domain must move to run where the configuration says (from `from` to `to`). */
  readonly move?: { readonly from: string; readonly to: string };
}

/**
 * The plan of one change: `proposed` null forgets the placement (the domain stays where it is);
 * `wanted` is the configured host (null: unset); `current` is where the domain runs now
 * (refreshed prior state, or a read for a new resource). A configured host that differs from
 * `current` is an update of `current_host` (and of `host`, which a read sets to where the domain
 * runs), so Terraform shows the move even when the configuration did not change (the domain was
 * moved by other means). Unset, `host` follows the domain: a move by other means is no change.
 */
export function planPlacementChange(prior: PlacementValues | null, proposed: PlacementValues | null, wanted: string | null | Unknown, current: string | null | Unknown): PlacementPlan {
  if (proposed === null) return { planned: null, requiresReplace: [] };
  const replacing = prior !== null && (proposed.domain === UNKNOWN || proposed.domain !== prior.domain);
  const where = replacing ? UNKNOWN : current;
  const host = wanted === null ? where : wanted;
  const planned: PlacementValues = { ...proposed, host, current_host: host, id: proposed.domain };
  const move = typeof wanted === "string" && typeof where === "string" && wanted !== where ? { from: where, to: wanted } : undefined;
  return { planned, requiresReplace: replacing ? ["domain"] : [], ...(move ? { move } : {}) };
}

const checkLine = (c: MigrationCheck) => `${c.rule !== undefined ? `rule ${c.rule}` : c.id} ${c.status === "failed" ? "fails" : "could not be verified"}: ${c.message}${c.fix ? `\n  Fix: ${c.fix}` : ""}`;

/**
 * The preflight's verdict at plan time: one error per failed check, and per check that could
 * not be verified (the provider's migration does not accept unverified rules), each with its fix.
 */
export function preflightDiagnostics(domain: string, move: { from: string; to: string }, checks: readonly MigrationCheck[]): DiagnosticMessage[] {
  return checks
    .filter((c) => c.status !== "passed")
    .map((c) =>
      errorDiagnostic(
        [
          `${domain} cannot move from ${move.from} to ${move.to}: preflight ${checkLine(c).split("\n")[0]}`,
          ...(c.fix ? [`Fix: ${c.fix}`] : []),
          `Nothing will be changed; ${domain} stays on ${move.from}. This is the check ldoms status and ldoms migrate ${domain} --to ${move.to} make (rules 1-5 on the hosts as read now; the dry run, rule 6, runs at apply).`,
        ].join("\n"),
        "host",
      ),
    );
}

/**
 * The preparation the move lacks on either host (what `ldoms plan` would change there): the
 * migration stops before its checks when it is not converged.
 */
export function preparationDiagnostic(domain: string, move: { from: string; to: string }, lacks: readonly string[]): DiagnosticMessage[] {
  if (!lacks.length) return [];
  return [
    errorDiagnostic(
      [
        `${domain} cannot move from ${move.from} to ${move.to}: its preparation is not converged (${lacks.length} change(s) missing)`,
        ...lacks.map((line) => `- ${line}`),
        `Fix: run ldoms apply (or apply the resources that declare these objects), then plan again. Nothing will be changed; ${domain} stays on ${move.from}.`,
      ].join("\n"),
      "host",
    ),
  ];
}

/** A migration that did not succeed: the report's summary, the preparation it lacks, and every check that did not pass. */
export function migrationFailure(report: MigrationReport): DiagnosticMessage {
  const failing = [...report.preflight, ...report.postVerify].filter((c) => c.status !== "passed");
  return errorDiagnostic(
    [
      `${report.domain} was not moved to ${report.target} (${report.outcome}): ${report.summary.split("\n")[0]}`,
      ...report.summary.split("\n").slice(1),
      ...report.missingPreparation.map((m) => `- not prepared: ${m}`),
      ...failing.map((c) => `- ${checkLine(c)}`),
    ].join("\n"),
    "host",
  );
}
