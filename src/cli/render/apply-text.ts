/** The result of an apply, as text for people and as `--json` for pipelines. */
import type { ApplyRunResult, HostApplyResult } from "../../engine";
import { migratedJson, renderWarnings } from "./plan-text";

/** Warnings per host id, as the run reported them (`host-warning` events). */
export type HostWarnings = ReadonlyMap<string, readonly string[]>;

export function renderHostApply(host: HostApplyResult, warnings?: HostWarnings): string {
  const notes = (host.migrated ?? []).map((m) => `\n  note: ${m.note}`).join("");
  const warned = renderWarnings(host.id, warnings?.get(host.id)).map((w) => `\n${w}`).join("");
  const lockLines = [
    ...(host.lockLeft ? [`\n  lock ${host.lockLeft.dir} (id ${host.lockLeft.id}) may remain on ${host.id}: ${host.lockLeft.reason}; release it with: ${host.lockLeft.hint}`] : []),
    ...(host.lockNotes ?? []).map((n) => `\n  note: ${n}`),
  ].join("");
  return `${renderHostStatus(host)}${warned}${notes}${lockLines}`;
}

function renderHostStatus(host: HostApplyResult): string {
  const done = host.actions.filter((a) => a.status === "done").length;
  switch (host.status) {
    case "unchanged":
      return `${host.id}: no changes (0 mutating commands)`;
    case "applied":
      return `${host.id}: ${done} change(s) applied and verified (${host.mutatingCommands} mutating command(s))`;
    case "cancelled":
      return `${host.id}: cancelled, nothing changed`;
    case "stopped":
      return `${host.id}: stopped after ${done} of ${host.actions.length} change(s): ${host.stopReason ?? "another host failed"}`;
    case "failed":
      if (host.mutatingCommands === 0 && done === 0) return `${host.id}: FAILED before any change\n  ${(host.error?.message ?? "").split("\n").join("\n  ")}`;
      return `${host.id}: FAILED after ${done} of ${host.actions.length} change(s) (${host.mutatingCommands} mutating command(s))\n  ${(host.error?.message ?? "").split("\n").join("\n  ")}`;
  }
}

export function renderApply(run: ApplyRunResult, warnings?: HostWarnings): string {
  const lines = run.hosts.map((h) => renderHostApply(h, warnings));
  const failed = run.hosts.filter((h) => h.status === "failed").length;
  const total = run.hosts.reduce((n, h) => n + h.mutatingCommands, 0);
  const summary = run.interrupted
    ? interruptedSummary(run)
    : run.cancelled
    ? "Apply cancelled. Nothing was changed."
    : failed
      ? `Apply failed on ${failed} host(s); ${total} mutating command(s) ran. Run apply again once the cause is fixed: it re-reads and continues.`
      : `Apply complete: ${total} mutating command(s) on ${run.hosts.length} host(s).`;
  return `${lines.join("\n")}\n\n${summary}\n`;
}

/** What an interrupted apply did and what remains, per host, and whether every lock was released. */
function interruptedSummary(run: ApplyRunResult): string {
  const done = run.hosts.reduce((n, h) => n + h.actions.filter((a) => a.status === "done").length, 0);
  const remaining = run.hosts.reduce((n, h) => n + h.actions.filter((a) => a.status !== "done").length, 0);
  const left = run.hosts.filter((h) => h.lockLeft).map((h) => h.id);
  return [
    `Apply ${run.interrupted}: ${done} change(s) done, ${remaining} not run.`,
    left.length ? `The lock may remain on ${left.join(", ")} (see above).` : "Every lock this run held was released.",
    remaining ? "Run apply again to continue: it re-reads the hosts and does only what remains." : "",
  ]
    .filter(Boolean)
    .join(" ");
}

/** `--json`: `{ "hosts": [ { "id", "actions": [...], "mutatingCommands": N } ] }`. */
export function applyJson(run: ApplyRunResult, warnings?: HostWarnings): object {
  return {
    hosts: run.hosts.map((h) => ({
      id: h.id,
      status: h.status,
      actions: h.actions,
      mutatingCommands: h.mutatingCommands,
      unchanged: h.unchanged,
      ...(h.problems.length ? { problems: h.problems } : {}),
      ...(h.error ? { error: { kind: h.error.kind, message: h.error.message } } : {}),
      ...(warnings?.get(h.id)?.length ? { warnings: warnings.get(h.id) } : {}),
      ...migratedJson(h.migrated),
      ...(h.lockLeft ? { lockLeft: h.lockLeft } : {}),
      ...(h.lockNotes?.length ? { lockNotes: h.lockNotes } : {}),
    })),
    cancelled: run.cancelled,
    ...(run.interrupted ? { interrupted: run.interrupted } : {}),
  };
}
