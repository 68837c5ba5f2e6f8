/**
 * What a doctor check reports: the engine's Check, plus which assumption it is about, the
 * verdict in doctor's words, and the line of the capture that decided it.
 */
import type { Check, CheckStatus } from "../../check";

/** confirmed (as the engine assumes); contradicted (quoting the line); not-observable on this host. */
export type Verdict = "confirmed" | "contradicted" | "not-observable";

export interface QuotedLine {
  /** The command the line comes from, as typed (`ldm list-io -l -p`). */
  readonly command: string;
  /** 1-based line number in that command's stdout. */
  readonly line: number;
  readonly text: string;
}

export interface DoctorCheck extends Check {
  /** Stable assumption id, e.g. `vf-name-location`; the check's `id` is `doctor/<assumption>`. */
  readonly assumption: string;
  readonly verdict: Verdict;
  /** The line that contradicts (or, for some checks, confirms) the assumption. */
  readonly quote?: QuotedLine;
  /** Extra facts worth a bug report (values seen, new keys). */
  readonly notes?: readonly string[];
}

/** One command's result as the checks see it. */
export interface CapturedOutput {
  readonly exitStatus: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Outputs by command id (commands.ts); a command not run is absent. */
export type DoctorOutputs = Readonly<Record<string, CapturedOutput | undefined>>;

const STATUS: Record<Verdict, CheckStatus> = { confirmed: "passed", contradicted: "failed", "not-observable": "unverified" };

export function doctorCheck(
  assumption: string,
  verdict: Verdict,
  message: string,
  extra: { readonly fix?: string; readonly quote?: QuotedLine; readonly notes?: readonly string[] } = {},
): DoctorCheck {
  return {
    id: `doctor/${assumption}`,
    status: STATUS[verdict],
    assumption,
    verdict,
    message,
    ...(extra.fix !== undefined ? { fix: extra.fix } : {}),
    ...(extra.quote !== undefined ? { quote: extra.quote } : {}),
    ...(extra.notes !== undefined && extra.notes.length ? { notes: extra.notes } : {}),
  };
}

/** The stdout of a command that exited 0, or undefined. */
export function okOutput(outputs: DoctorOutputs, id: string): string | undefined {
  const o = outputs[id];
  return o && o.exitStatus === 0 ? o.stdout : undefined;
}

/** Why a command gave nothing to check (not run, failed), for a not-observable message. */
export function whyMissing(outputs: DoctorOutputs, id: string, label: string): string {
  const o = outputs[id];
  if (!o) return `\`${label}\` was not run`;
  const said = firstLine(o.stderr) || firstLine(o.stdout);
  return `\`${label}\` ${o.exitStatus === null ? "gave no exit status" : `exited ${o.exitStatus}`}${said ? ` (${said})` : ""}`;
}

export function firstLine(text: string): string {
  return text.split(/\r?\n/).find((l) => l.trim() !== "")?.trim() ?? "";
}

/** Lines with their 1-based numbers, trailing blanks removed. */
export function numbered(text: string): { readonly line: number; readonly text: string }[] {
  return text.split(/\r?\n|\r/).map((t, i) => ({ line: i + 1, text: t.trimEnd() }));
}

/** The `key=value` fields of a `-p` line in order (the record type, if any, dropped). */
export function fieldsOf(line: string): [string, string][] {
  return line
    .split("|")
    .slice(1)
    .filter((part) => part !== "")
    .map((part) => {
      const eq = part.indexOf("=");
      return eq < 0 ? [part, ""] : [part.slice(0, eq), part.slice(eq + 1)];
    });
}
