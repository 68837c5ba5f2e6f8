/** The guest side of a plan (IPMP steps per reachable guest), as text and as `--json`. */
import type { GuestIpmpPlan, GuestIpmpStep } from "../../engine/migration";

/** What renderPlan adds for the guests: one section per guest and a closing line. */
export interface GuestPlanText {
  readonly sections: readonly string[];
  /** Commands planned in every guest (counted as changes by --detailed-exitcode). */
  readonly changes: number;
  readonly summary: string;
}

export function guestPlanCommands(guests: readonly GuestIpmpPlan[]): number {
  return guests.reduce((n, g) => n + g.steps.length, 0);
}

/** Guests with problems: apply would leave their groups alone and fail. */
export function guestPlanProblems(guests: readonly GuestIpmpPlan[]): number {
  return guests.filter((g) => g.problems.length).length;
}

function renderStep(step: GuestIpmpStep, indent = "  "): string {
  return [`${indent}${step.symbol} ${step.summary}`, `${indent}    because ${step.reason}`, `${indent}    ${step.commandLine.replace(/'([A-Za-z0-9_=.,:/@+-]+)'/g, "$1")}`].join("\n");
}

export function renderGuestPlan(guest: GuestIpmpPlan): string {
  const head = `guest ${guest.domain} (on ${guest.host})`;
  if (guest.status === "waiting") return `${head}: ${guest.reason}; apply them, then plan again`;
  if (guest.status === "unreachable") return `${head}: unreachable, IPMP not planned: ${guest.reason}`;
  const lines = [guest.steps.length ? `${head}: ${guest.steps.length} to change` : guest.problems.length ? `${head}: no changes planned` : `${head}: IPMP configured, no changes`];
  lines.push(...guest.steps.map((s) => renderStep(s)));
  if (guest.problems.length) lines.push("  apply would leave these groups alone:", ...guest.problems.map((p) => `    - ${p}`));
  return lines.join("\n");
}

/** Undefined when no guest is reachable (the plan text is then the hosts' alone). */
export function guestPlanText(guests: readonly GuestIpmpPlan[]): GuestPlanText | undefined {
  if (!guests.length) return undefined;
  const changes = guestPlanCommands(guests);
  const waiting = guests.filter((g) => g.status === "waiting").length;
  const unreachable = guests.filter((g) => g.status === "unreachable").length;
  const planned = guests.length - waiting - unreachable;
  const parts = [
    changes ? `${changes} ipadm command(s) in ${guests.filter((g) => g.steps.length).length} guest(s)` : planned ? `no changes in ${planned} guest(s)` : "",
    waiting ? `${waiting} waiting on host changes` : "",
    unreachable ? `${unreachable} unreachable` : "",
  ].filter(Boolean);
  const summary = `Guests: ${parts.join("; ")}.`;
  return { sections: guests.map(renderGuestPlan), changes, summary };
}

/** `--json` fields of the guests (present only when a guest is reachable); like hosts, the fingerprint without the state read. */
export function guestPlanJson(guests: readonly GuestIpmpPlan[]): { guests?: readonly Omit<GuestIpmpPlan, "observed">[] } {
  return guests.length ? { guests: guests.map(({ observed: _observed, ...rest }) => rest) } : {};
}
