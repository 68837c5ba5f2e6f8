/** Terraform-like text of a plan: per host its actions with reasons, then the totals. */
import type { HostPlanResult, MigratedDomainNote, PlannedAction, PlanRunResult } from "../../engine";
import { commandLine } from "../../ldm/quote";
import type { GuestPlanText } from "./guest-plan-text";

export interface PlanTotals {
  readonly create: number;
  readonly update: number;
  readonly disruptive: number;
  readonly unchanged: number;
  readonly failedHosts: number;
}

export function planTotals(run: PlanRunResult): PlanTotals {
  const count = (symbol: string) => run.hosts.reduce((n, h) => n + h.actions.filter((a) => a.symbol === symbol).length, 0);
  return {
    create: count("+"),
    update: count("~"),
    disruptive: count("!"),
    unchanged: run.hosts.reduce((n, h) => n + h.unchanged, 0),
    failedHosts: run.hosts.filter((h) => h.error || h.problems.length).length,
  };
}

export function renderAction(action: PlannedAction, indent = "  "): string {
  const lines = [`${indent}${action.symbol} ${action.summary}`, `${indent}    because ${action.reason}`, `${indent}    ldm ${commandLine(action.argv).replace(/'([A-Za-z0-9_=.,:/@+-]+)'/g, "$1")}`];
  // A step ldm will refuse is not offered --allow-disruptive: only its fix helps.
  if (action.refusal) lines.push(`${indent}    refused: ${action.refusal}`);
  else if (action.disruption) lines.push(`${indent}    disruptive: ${action.disruption}; refused unless --allow-disruptive`);
  return lines.join("\n");
}

/** A host's warnings as `  warning: ...` lines under its heading (which names the host already). */
export function renderWarnings(id: string, warnings: readonly string[] | undefined): string[] {
  return (warnings ?? []).map((w) => `  warning: ${w.startsWith(`${id}: `) ? w.slice(id.length + 2) : w}`);
}

export function renderHostPlan(host: HostPlanResult): string {
  const warnings = renderWarnings(host.id, host.warnings);
  if (host.error) return [`${host.id}: error\n  ${host.error.message.split("\n").join("\n  ")}`, ...warnings].join("\n");
  const head = host.actions.length
    ? `${host.id}: ${host.actions.length} to change, ${host.unchanged} unchanged`
    : `${host.id}: no changes (${host.unchanged} unchanged)`;
  const lines = [head, ...warnings, ...(host.migrated ?? []).map((m) => `  note: ${m.note}`), ...host.actions.map((a) => renderAction(a))];
  if (host.problems.length) {
    lines.push("  apply would refuse this host:", ...host.problems.map((p) => `    - ${p}`));
  }
  return lines.join("\n");
}

/** `guests`: the guests' IPMP sections and closing line (guest-plan-text.ts), shown after the hosts. */
export function renderPlan(run: PlanRunResult, guests?: GuestPlanText): string {
  const totals = planTotals(run);
  const parts = [...run.hosts.map(renderHostPlan), ...(guests?.sections ?? [])];
  const summary =
    totals.create + totals.update + totals.disruptive === 0
      ? guests?.changes
        ? `No changes on the control domains. ${totals.unchanged} step(s) already in the desired state.`
        : `No changes. ${totals.unchanged} step(s) already in the desired state.`
      : `Plan: ${totals.create} to create, ${totals.update} to update in place, ${totals.disruptive} disruptive, ${totals.unchanged} unchanged.`;
  const failed = totals.failedHosts ? `\n${totals.failedHosts} host(s) with errors or problems: apply would refuse them.` : "";
  return `${parts.join("\n\n")}\n\n${summary}${guests ? `\n${guests.summary}` : ""}${failed}\n`;
}

/** `--json` shape of a plan. */
export function planJson(stack: string, run: PlanRunResult): object {
  return {
    stack,
    hosts: run.hosts.map((h) => ({
      id: h.id,
      ...(h.fingerprint ? { fingerprint: h.fingerprint } : {}),
      actions: h.actions,
      unchanged: h.unchanged,
      problems: h.problems,
      ...(h.error ? { error: { kind: h.error.kind, message: h.error.message } } : {}),
      ...(h.warnings?.length ? { warnings: h.warnings } : {}),
      ...migratedJson(h.migrated),
    })),
    totals: planTotals(run),
  };
}

/** `--json` fields of a host whose configured domain migrated away: present only then. */
export function migratedJson(migrated: readonly MigratedDomainNote[] | undefined): object {
  if (!migrated?.length) return {};
  return {
    notes: migrated.map((m) => m.note),
    migrated: migrated.map((m) => ({ migration: m.migration, domain: m.domain, sourceHost: m.sourceHost, targetHost: m.targetHost, skippedSteps: m.skippedSteps })),
  };
}
