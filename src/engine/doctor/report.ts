/** Doctor's report: one line per assumption, a summary block for bug reports, or one JSON document. */
import type { BundleManifest } from "./bundle";
import type { DoctorCheck, Verdict } from "./checks";

export interface DoctorReportInput {
  readonly manifest: BundleManifest;
  readonly bundleDir: string;
  readonly checks: readonly DoctorCheck[];
}

/** 0 when nothing is contradicted, 1 otherwise. */
export function doctorExitCode(checks: readonly DoctorCheck[]): number {
  return checks.some((c) => c.verdict === "contradicted") ? 1 : 0;
}

function counts(checks: readonly DoctorCheck[]): Record<Verdict, number> {
  const out: Record<Verdict, number> = { confirmed: 0, contradicted: 0, "not-observable": 0 };
  for (const c of checks) out[c.verdict]++;
  return out;
}

/** The block a user pastes into a bug report: versions, commands that failed, every verdict. */
export function doctorSummary(input: DoctorReportInput): string[] {
  const m = input.manifest;
  const n = counts(input.checks);
  const failed = m.commands.filter((c) => c.exitStatus !== 0);
  return [
    "```",
    `ldoms doctor: ${m.tool.name} ${m.tool.version}, ldm ${m.ldmVersion ?? "unknown"}, bundle format ${m.formatVersion}${m.redacted ? ", redacted" : ""}`,
    `host ${m.host}${m.guest !== undefined ? `, guest ${m.guest}` : ""}, captured ${m.capturedAt}`,
    `commands: ${m.commands.length} run${failed.length ? `; non-zero: ${failed.map((c) => `${c.argv.join(" ")} (${c.exitStatus ?? "no status"})`).join(", ")}` : ", all exited 0"}`,
    `confirmed ${n.confirmed}, contradicted ${n.contradicted}, not observable ${n["not-observable"]}`,
    ...input.checks.map((c) => `${c.assumption}: ${c.verdict}${c.quote ? ` (${c.quote.command} line ${c.quote.line}: ${c.quote.text})` : ""}`),
    "```",
  ];
}

export function doctorText(input: DoctorReportInput): string {
  const width = Math.max(...input.checks.map((c) => c.verdict.length));
  const lines = [`ldoms doctor: host ${input.manifest.host}, ldm ${input.manifest.ldmVersion ?? "unknown"}; bundle written to ${input.bundleDir}`, ""];
  for (const c of input.checks) {
    lines.push(`${c.verdict.padEnd(width)}  ${c.assumption}: ${c.message}`);
    const indent = " ".repeat(width + 4);
    if (c.quote) lines.push(`${indent}${c.quote.command} line ${c.quote.line}: ${c.quote.text}`);
    for (const note of c.notes ?? []) lines.push(`${indent}${note}`);
    if (c.fix && c.verdict !== "confirmed") lines.push(`${indent}fix: ${c.fix}`);
  }
  lines.push("", "Summary (paste into a bug report, with the bundle if you can share it; --redact makes a shareable one):", ...doctorSummary(input), "");
  return lines.join("\n");
}

export function doctorJson(input: DoctorReportInput): object {
  const m = input.manifest;
  return {
    bundle: input.bundleDir,
    tool: m.tool,
    host: m.host,
    ...(m.guest !== undefined ? { guest: m.guest } : {}),
    capturedAt: m.capturedAt,
    ldmVersion: m.ldmVersion,
    redacted: m.redacted,
    commands: m.commands.map((c) => ({ id: c.id, argv: c.argv, exitStatus: c.exitStatus, durationMs: c.durationMs, ...(c.error !== undefined ? { error: c.error } : {}) })),
    checks: input.checks,
    totals: counts(input.checks),
    exitCode: doctorExitCode(input.checks),
    summary: doctorSummary(input).slice(1, -1).join("\n"),
  };
}
