/**
 * Plan = observed state + guards. Each step whose guard holds becomes an action, shown the way
 * Terraform shows changes: `+` create, `~` update in place, `-` destroy, `!` disruptive (refused by apply
 * unless the user opts in). Steps whose guard does not hold are counted as unchanged.
 */
import type { HostPlan, Step, StepKind } from "../model";
import { SET_VNET_ACCEPTS_ID } from "../ldm/assumptions";
import { Assumptions, evaluateCondition, explainCondition } from "./conditions";
import { parsePseudonym } from "../ldm/syntax";
import { findDomain, findVfByName, type ObservedHost } from "./observed-state";
import { displayArgv } from "./operands";

export type ActionSymbol = "+" | "~" | "-" | "!";

export interface PlannedAction {
  readonly stepId: string;
  readonly kind: StepKind;
  readonly symbol: ActionSymbol;
  readonly summary: string;
  /** Why the step is needed (its guard, in words, on observed state). */
  readonly reason: string;
  /** `ldm` argv for display; VFs that do not exist yet appear as `<VF "name">`. */
  readonly argv: readonly string[];
  /** Present when the step would disturb a running domain. */
  readonly disruption?: string;
  /** Present when `ldm` will refuse the step as things are (with the fix): no option makes it run. */
  readonly refusal?: string;
}

export interface HostActions {
  readonly actions: readonly PlannedAction[];
  /** Steps whose guard did not hold: already in the desired state. */
  readonly unchanged: number;
}

const CREATES: ReadonlySet<StepKind> = new Set<StepKind>(["create-vf", "add-vnet"]);

/** Whether a step's disruption applies now: its domain is running (or its state is unknown). */
export function disruptionApplies(step: Step, observed: ObservedHost): boolean {
  if (!step.disruption) return false;
  if (!step.domain) return true;
  const domain = findDomain(observed, step.domain);
  return domain === undefined || domain.state === "active";
}

export function describeDisruption(step: Step): string {
  switch (step.disruption) {
    case "needs-domain-stopped":
      return `needs domain ${step.domain ?? "(owner)"} inactive or bound: ldm refuses this change while it runs`;
    case undefined:
    default:
      return String(step.disruption);
  }
}

/**
 * Why `ldm` will refuse the step on the host as observed, with the fix; undefined when it should
 * accept it. Such a step is a precondition problem whatever --allow-disruptive says, so apply
 * stops before the first change on any host instead of failing halfway through.
 */
export function ldmRefusal(step: Step, observed: ObservedHost): string | undefined {
  if (step.kind === "destroy-vf") return destroyVfRefusal(step.object.vf, observed);
  if (step.kind === "set-vnet" && step.property === "id" && !SET_VNET_ACCEPTS_ID) {
    const { vnet, domain } = step.object;
    return `ldm set-vnet cannot change a vnet's id (only add-vnet sets it): remove the vnet and add it again with its id (ldm rm-vnet ${vnet} ${domain}, then run apply again), or drop id from the Vnet`;
  }
  // Ref §3.9 [V]: an Ethernet VF's mac-addr, alt-mac-addrs and mtu change only while the owning
  // (non-primary) domain is inactive or bound; ldm rejects them while it is active.
  if (step.disruption === "needs-domain-stopped" && step.domain !== undefined && findDomain(observed, step.domain)?.state === "active") {
    const d = step.domain;
    return `ldm refuses it while domain ${d} is active (the domain must be inactive or bound): stop it (ldm stop-domain ${d}), run apply again, then start it (ldm start-domain ${d})`;
  }
  return undefined;
}

/** Ref §3.7 [V]: ldm destroys only an unassigned VF, and only the last one created on its PF. */
function destroyVfRefusal(name: string, observed: ObservedHost): string | undefined {
  const vf = findVfByName(observed, name);
  if (!vf) return undefined;
  if (vf.domain) return `VF "${name}" (${vf.alias}) is assigned to domain ${vf.domain}: remove it from the domain first (ldm remove-io ${vf.alias} ${vf.domain})`;
  const index = (alias: string) => parsePseudonym(alias)?.vf ?? -1;
  const last = observed.vfs.filter((v) => v.pf === vf.pf).reduce((a, b) => (index(b.alias) > index(a.alias) ? b : a), vf);
  if (last.alias === vf.alias) return undefined;
  const lastName = last.name ? ` ("${last.name}")` : "";
  return `ldm destroys only the last VF created on a PF, and on ${vf.pf} that is ${last.alias}${lastName}, not ${vf.alias}: destroy the VFs created after it first, or keep this one`;
}

export function planHostActions(host: HostPlan, observed: ObservedHost): HostActions {
  const actions: PlannedAction[] = [];
  let unchanged = 0;
  const assumed = new Assumptions();
  for (const step of host.steps) {
    // Guards see observed state plus what the steps planned before them will have done.
    if (!evaluateCondition(step.guard, observed, assumed)) {
      unchanged++;
      continue;
    }
    assumed.add(step.postcondition);
    const disruptive = disruptionApplies(step, observed);
    const refusal = ldmRefusal(step, observed);
    actions.push({
      stepId: step.id,
      kind: step.kind,
      symbol: disruptive ? "!" : CREATES.has(step.kind) ? "+" : step.kind === "destroy-vf" ? "-" : "~",
      summary: step.summary,
      reason: explainCondition(step.guard, observed),
      argv: displayArgv(step, observed),
      ...(disruptive ? { disruption: describeDisruption(step) } : {}),
      ...(refusal ? { refusal } : {}),
    });
  }
  return { actions, unchanged };
}

export function stepById(host: HostPlan, id: string): Step {
  const step = host.steps.find((s) => s.id === id);
  if (!step) throw new Error(`host ${host.id} has no step ${id}`);
  return step;
}
