/**
 * The migration report as text: preparation, each preflight rule, the dry run, the run, each
 * post-verify check, and the outcome in one paragraph. `--json` prints the report object instead.
 */
import type { MigrationCheck, MigrationReport } from "../../engine/migration";
import { guestActionLine } from "./migration-guests";

const MARK: Record<MigrationCheck["status"], string> = { passed: "passed    ", failed: "FAILED    ", unverified: "UNVERIFIED" };

function renderCheck(c: MigrationCheck): string[] {
  const label = c.rule !== undefined ? `${c.rule}. ` : "";
  const lines = [`  ${MARK[c.status]}  ${label}${c.message}`];
  if (c.fix && c.status !== "passed") lines.push(`              fix: ${c.fix}`);
  return lines;
}

/** The preflight checks so far, shown before the question that approves the migration. */
export function renderPreflight(checks: readonly MigrationCheck[]): string {
  return ["Preflight (migration contract):", ...checks.flatMap(renderCheck)].join("\n");
}

export function renderMigrationReport(report: MigrationReport): string {
  const lines: string[] = [];
  lines.push(`Migration ${report.migration}: domain ${report.domain} from ${report.source} to ${report.target} (${report.targetOperand})`);
  if (report.applied.length) lines.push("", "Preparation applied:", ...report.applied.map((a) => `  ${a}`));
  if (report.missingPreparation.length) {
    lines.push("", "Preparation is not converged; missing:", ...report.missingPreparation.map((p) => `  ${p}`));
  } else if (report.preflight.length) {
    lines.push("", "Preparation: converged (no changes needed on either host)");
  }
  if (report.guestActions.length) {
    lines.push("", `Guest ${report.domain}: IPMP configured`, ...report.guestActions.map((a) => guestActionLine(a)));
  }
  if (report.preflight.length) lines.push("", "Preflight (migration contract):", ...report.preflight.flatMap(renderCheck));
  if (report.guestScript) {
    lines.push("", `No guest access: run this in guest ${report.domain} to configure its IPMP group (scripts/guest-${report.domain}.sh):`, "", ...report.guestScript.trimEnd().split("\n").map((l) => `    ${l}`));
  }
  if (report.run) {
    const r = report.run;
    lines.push("", "Migration:", `  ${r.commandLine}`, `  exit status ${r.exitStatus ?? "unknown"} after ${(r.durationMs / 1000).toFixed(1)} s${r.lastProgress !== undefined ? `, last progress ${r.lastProgress}%` : ""}${r.cancelRequested ? ", cancel requested" : ""}`);
  }
  if (report.postVerify.length) lines.push("", "Post-verify:", ...report.postVerify.flatMap(renderCheck));
  const counts = Object.entries(report.mutatingCommands).map(([h, n]) => `${h} ${n}`).join(", ");
  lines.push("", `Result: ${report.outcome}. ${report.summary}`, `Mutating commands: ${counts}`, "");
  return lines.join("\n");
}
