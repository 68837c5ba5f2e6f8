/** `ldoms evacuate` for humans: one line per domain (where it went, or why not), then the summary. */
import type { EvacuatedStatus, EvacuationReport } from "../../engine/evacuate";

const MARK: Record<EvacuatedStatus, string> = {
  migrated: "moved",
  "already-migrated": "already there",
  "dry-run-passed": "can move",
  refused: "REFUSED",
  left: "gone already",
  "not-run": "not moved",
  failed: "FAILED",
};

export function renderEvacuation(report: EvacuationReport): string {
  const lines = [`Evacuation of ${report.host}:`];
  const width = Math.max(0, ...report.domains.map((d) => d.domain.length));
  for (const d of report.domains) {
    const where = d.target !== undefined ? ` -> ${d.target}` : "";
    lines.push(`  ${d.domain.padEnd(width)}${where}: ${MARK[d.status]}${d.reason ? `: ${d.reason}` : ""}`);
  }
  if (report.stays.length) lines.push(`  staying (in no MigrationGroup): ${report.stays.join(", ")}`);
  lines.push("", report.summary);
  return `${lines.join("\n")}\n`;
}
