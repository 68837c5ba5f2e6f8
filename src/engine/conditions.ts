/**
 * Evaluates the plan document's Conditions over an observed host, and explains the result in
 * words (the "reason" shown next to each planned action).
 */
import type { Condition } from "../model";
import { sameLdmValue } from "../ldm/syntax";
import { findDomain, findVfByAlias, findVfByName, type ObservedHost } from "./observed-state";

/**
 * Facts assumed to hold on top of observed state: the postconditions of steps planned earlier
 * in the same run (a VF created with pvid=100 needs no separate pvid step afterwards).
 */
export class Assumptions {
  private readonly atoms = new Set<string>();
  add(condition: Condition): void {
    if (condition.kind === "all") condition.conditions.forEach((c) => this.add(c));
    else if (condition.kind !== "not" && condition.kind !== "any") this.atoms.add(atomKey(condition));
  }
  holds(condition: Condition): boolean {
    return this.atoms.has(atomKey(condition));
  }
}

function atomKey(condition: Condition): string {
  return JSON.stringify(condition, Object.keys(condition).sort());
}

export function evaluateCondition(condition: Condition, host: ObservedHost, assumed?: Assumptions): boolean {
  if (assumed?.holds(condition)) return true;
  switch (condition.kind) {
    case "vf-exists":
      return findVfByName(host, condition.name) !== undefined;
    case "vf-pseudonym-named":
      return findVfByAlias(host, condition.vf)?.name === condition.name;
    case "vf-assigned":
      return findVfByName(host, condition.name)?.domain === condition.domain;
    case "vf-unassigned": {
      const vf = findVfByName(host, condition.name);
      return vf !== undefined && !vf.domain;
    }
    case "vf-property": {
      const vf = findVfByName(host, condition.name);
      return vf !== undefined && sameLdmValue(vf.properties[condition.property], condition.value);
    }
    case "vnet-exists":
      return findDomain(host, condition.domain)?.vnets.some((v) => v.ifName === condition.ifName) ?? false;
    case "vnet-property": {
      const vnet = findDomain(host, condition.domain)?.vnets.find((v) => v.ifName === condition.ifName);
      if (!vnet) return false;
      const actual = condition.property === "vswitch" ? vnet.vswitch : vnet.properties[condition.property];
      return sameLdmValue(actual, condition.value);
    }
    case "vswitch-exists":
      return host.vswitches.includes(condition.name);
    case "not":
      return !evaluateCondition(condition.condition, host, assumed);
    case "all":
      return condition.conditions.every((c) => evaluateCondition(c, host, assumed));
    case "any":
      return condition.conditions.some((c) => evaluateCondition(c, host, assumed));
  }
}

/** Says why `condition` holds on `host` (used when a guard holds: the reason a step is needed). */
export function explainCondition(condition: Condition, host: ObservedHost): string {
  switch (condition.kind) {
    case "not":
      return explainNegated(condition.condition, host);
    case "all":
      return condition.conditions.map((c) => explainCondition(c, host)).join("; ");
    case "any": {
      const holding = condition.conditions.filter((c) => evaluateCondition(c, host));
      return (holding.length ? holding : condition.conditions).map((c) => explainCondition(c, host)).join("; ");
    }
    case "vf-exists":
    case "vf-pseudonym-named":
    case "vf-assigned":
    case "vf-unassigned":
    case "vf-property":
    case "vnet-exists":
    case "vnet-property":
    case "vswitch-exists":
      return describeCondition(condition);
  }
}

/** Says why `condition` does NOT hold on `host`. */
export function explainNegated(condition: Condition, host: ObservedHost): string {
  switch (condition.kind) {
    case "vf-exists":
      return `no VF is named "${condition.name}"`;
    case "vf-pseudonym-named": {
      const vf = findVfByAlias(host, condition.vf);
      if (!vf) return `VF ${condition.vf} does not exist`;
      return vf.name ? `VF ${condition.vf} is named "${vf.name}", not "${condition.name}"` : `VF ${condition.vf} has no user-assigned name`;
    }
    case "vf-assigned": {
      const vf = findVfByName(host, condition.name);
      if (!vf) return `VF "${condition.name}" does not exist yet`;
      return vf.domain ? `VF "${condition.name}" is assigned to ${vf.domain}, not ${condition.domain}` : `VF "${condition.name}" is not assigned to ${condition.domain}`;
    }
    case "vf-unassigned": {
      const vf = findVfByName(host, condition.name);
      return vf ? `VF "${condition.name}" is assigned to ${vf.domain}` : `VF "${condition.name}" does not exist yet`;
    }
    case "vf-property": {
      const vf = findVfByName(host, condition.name);
      if (!vf) return `VF "${condition.name}" does not exist yet`;
      const actual = vf.properties[condition.property];
      return `${condition.property} of VF "${condition.name}" is ${actual ? `"${actual}"` : "unset"}, want "${condition.value}"`;
    }
    case "vnet-exists":
      return findDomain(host, condition.domain)
        ? `domain ${condition.domain} has no vnet "${condition.ifName}"`
        : `domain ${condition.domain} does not exist`;
    case "vnet-property": {
      const vnet = findDomain(host, condition.domain)?.vnets.find((v) => v.ifName === condition.ifName);
      if (!vnet) return `vnet "${condition.ifName}" of ${condition.domain} does not exist yet`;
      const actual = condition.property === "vswitch" ? vnet.vswitch : vnet.properties[condition.property];
      return `${condition.property} of vnet "${condition.ifName}" on ${condition.domain} is ${actual ? `"${actual}"` : "unset"}, want "${condition.value}"`;
    }
    case "vswitch-exists":
      return `virtual switch "${condition.name}" does not exist`;
    case "not":
      return explainCondition(condition.condition, host);
    case "all": {
      const failing = condition.conditions.filter((c) => !evaluateCondition(c, host));
      return (failing.length ? failing : condition.conditions).map((c) => explainNegated(c, host)).join("; ");
    }
    case "any":
      return condition.conditions.map((c) => explainNegated(c, host)).join("; ");
  }
}

/** The condition in words, independent of state (for unmet postconditions). */
export function describeCondition(condition: Condition): string {
  switch (condition.kind) {
    case "vf-exists":
      return `a VF named "${condition.name}" exists`;
    case "vf-pseudonym-named":
      return `VF ${condition.vf} is named "${condition.name}"`;
    case "vf-assigned":
      return `VF "${condition.name}" is assigned to ${condition.domain}`;
    case "vf-unassigned":
      return `VF "${condition.name}" exists unassigned`;
    case "vf-property":
      return `${condition.property} of VF "${condition.name}" is "${condition.value}"`;
    case "vnet-exists":
      return `domain ${condition.domain} has vnet "${condition.ifName}"`;
    case "vnet-property":
      return `${condition.property} of vnet "${condition.ifName}" on ${condition.domain} is "${condition.value}"`;
    case "vswitch-exists":
      return `virtual switch "${condition.name}" exists`;
    case "not":
      return `not (${describeCondition(condition.condition)})`;
    case "all":
      return condition.conditions.map(describeCondition).join(" and ");
    case "any":
      return condition.conditions.map(describeCondition).join(" or ");
  }
}

/** The parts of `condition` that do not hold on `host`, in words (for a failed postcondition). */
export function unmetParts(condition: Condition, host: ObservedHost): string[] {
  if (evaluateCondition(condition, host)) return [];
  if (condition.kind === "all") return condition.conditions.flatMap((c) => unmetParts(c, host));
  return [explainNegated(condition, host)];
}
