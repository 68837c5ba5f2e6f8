/**
 * Everything that can be known to fail is checked before the first mutating command: the PF a
 * VF is created on exists, is Ethernet and sits on a bus with IOV enabled and free VFs; the
 * domains and virtual switches named exist; every symbolic operand can be resolved; no
 * disruptive step runs without the user's consent. All problems of a host are reported together,
 * each a failed `Check` (id, message, fix) like the migration's preflight.
 */
import type { Condition, HostPlan, Step } from "../model";
import { IO_CLASSES } from "../ldm/assumptions";
import { disruptionApplies, describeDisruption, ldmRefusal } from "./actions";
import { findDomain, findVfByAlias, findVfByName, type ObservedHost } from "./observed-state";
import { isSymbolic } from "./operands";
import type { Check } from "./check";

export interface PreconditionOptions {
  readonly allowDisruptive: boolean;
}

type Atom = Exclude<Condition, { kind: "not" | "all" | "any" }>;

function atoms(condition: Condition): Atom[] {
  switch (condition.kind) {
    case "not":
      return atoms(condition.condition);
    case "all":
    case "any":
      return condition.conditions.flatMap(atoms);
    case "vf-exists":
    case "vf-pseudonym-named":
    case "vf-assigned":
    case "vf-unassigned":
    case "vf-property":
    case "vnet-exists":
    case "vnet-property":
    case "vswitch-exists":
      return [condition];
  }
}

/** What checking one host's steps in order has learned so far. */
interface Walk {
  readonly host: HostPlan;
  readonly observed: ObservedHost;
  readonly problems: Check[];
  /** VF names an earlier step creates or names. */
  readonly willExist: Set<string>;
  /** VFs this plan creates per PF so far. */
  readonly createsPerPf: Map<string, number>;
}

/** A failed check. */
const failed = (id: string, message: string, fix?: string): Check => ({ id, status: "failed", message, ...(fix !== undefined ? { fix } : {}) });

/** A check as one line of a plan's problem list: what is wrong; what to do. */
export function problemText(check: Check): string {
  return check.fix === undefined ? check.message : `${check.message}; ${check.fix}`;
}

/** The failed precondition checks of the steps apply would run on one host, each once. */
export function checkPreconditions(host: HostPlan, observed: ObservedHost, needed: readonly Step[], options: PreconditionOptions): Check[] {
  const walk: Walk = { host, observed, problems: [], willExist: new Set(), createsPerPf: new Map() };
  for (const step of needed) {
    checkRunnable(walk, step, options);
    if (step.kind === "create-vf") checkCreateVf(walk, step.pf);
    for (const atom of atoms(step.postcondition)) checkReachable(walk, atom);
    const made = step.kind === "create-vf" || step.kind === "name-vf" ? step.object.vf : undefined;
    if (made !== undefined) walk.willExist.add(made);
  }
  const seen = new Set<string>();
  return walk.problems.filter((c) => !seen.has(problemText(c)) && seen.add(problemText(c)));
}

/** `ldm` would accept the step now (or with the user's opt-in), and its operands resolve. */
function checkRunnable({ observed, problems, willExist }: Walk, step: Step, options: PreconditionOptions): void {
  const refusal = ldmRefusal(step, observed);
  if (refusal) {
    // ldm would refuse it: no opt-in helps, and running the other hosts' steps first would
    // leave them changed and this one not.
    problems.push(failed(`apply/${step.id}/ldm-accepts`, `step ${step.id} (${step.summary}) cannot run: ${refusal}`));
  } else if (disruptionApplies(step, observed) && !options.allowDisruptive) {
    problems.push(failed(`apply/${step.id}/consent`, `step ${step.id} (${step.summary}) is disruptive: ${describeDisruption(step)}`, "stop the domain first, or re-run with --allow-disruptive"));
  }
  for (const operand of step.argv) {
    if (isSymbolic(operand) && !findVfByName(observed, operand.name) && !willExist.has(operand.name)) {
      problems.push(failed(`apply/${step.id}/operands`, `step ${step.id} needs the pseudonym of VF "${operand.name}", which neither exists nor is created by an earlier step`));
    }
  }
}

/** The PF exists, is Ethernet, sits on an IOV bus and has a free VF for this create. */
function checkCreateVf({ host, observed, problems, createsPerPf }: Walk, pf: string): void {
  const observedPf = observed.pfs.find((p) => p.alias === pf);
  if (!observedPf) {
    const known = observed.pfs.filter((p) => !p.class || p.class === IO_CLASSES.ethernet).map((p) => p.alias);
    problems.push(failed(`apply/pf/${pf}/exists`, `PF ${pf} does not exist on ${host.id}`, `Ethernet PFs there: ${known.join(", ") || "none"}`));
    return;
  }
  if (observedPf.class && observedPf.class !== IO_CLASSES.ethernet) {
    problems.push(failed(`apply/pf/${pf}/ethernet`, `PF ${pf} on ${host.id} is of class ${observedPf.class}, not Ethernet (${IO_CLASSES.ethernet})`, "choose an IOVNET PF"));
  }
  const bus = observed.buses.find((b) => b.bus === observedPf.bus || b.alias === observedPf.bus);
  if (bus && !bus.iov) {
    problems.push(failed(`apply/pf/${pf}/iov`, `bus ${bus.bus} of PF ${pf} on ${host.id} does not have I/O virtualization enabled`, `enable it first (ldm start-reconf, ldm set-io iov=on ${bus.bus}, reboot the root domain)`));
  }
  const count = (createsPerPf.get(pf) ?? 0) + 1;
  createsPerPf.set(pf, count);
  if (observedPf.maxVfs !== undefined) {
    const existing = observed.vfs.filter((vf) => vf.pf === pf).length;
    if (existing + count > observedPf.maxVfs) {
      problems.push(failed(`apply/pf/${pf}/free-vf`, `PF ${pf} on ${host.id} has no free VF: ${existing} of ${observedPf.maxVfs} exist and this plan creates ${count} more`, "destroy unused VFs or choose another PF"));
    }
  }
}

/** What the state a step leads to needs from the host: its domain, switch, a free VF name. */
function checkReachable({ host, observed, problems }: Walk, atom: Atom): void {
  const domainNeeded = (domain: string, why: string) => {
    if (!findDomain(observed, domain)) problems.push(failed(`apply/domain/${domain}/exists`, `domain ${domain} does not exist on ${host.id} (${why})`, "create it first or fix the domain name"));
  };
  switch (atom.kind) {
    case "vf-assigned": {
      domainNeeded(atom.domain, `VF "${atom.name}" is to be assigned to it`);
      const vf = findVfByName(observed, atom.name);
      if (vf?.domain && vf.domain !== atom.domain) {
        problems.push(failed(`apply/vf/${atom.name}/assignable`, `VF "${atom.name}" on ${host.id} is assigned to ${vf.domain}, not ${atom.domain}`, `remove it there first (ldm rm-io ${vf.alias} ${vf.domain}): this tool never unassigns what it was not told to`));
      }
      return;
    }
    case "vf-pseudonym-named": {
      const vf = findVfByAlias(observed, atom.vf);
      if (!vf) problems.push(failed(`apply/vf/${atom.name}/adoptable`, `VF ${atom.vf} to adopt does not exist on ${host.id}`));
      else if (vf.class && vf.class !== IO_CLASSES.ethernet) problems.push(failed(`apply/vf/${atom.name}/adoptable`, `VF ${atom.vf} on ${host.id} is of class ${vf.class}, not Ethernet`));
      const other = findVfByName(observed, atom.name);
      if (other && other.alias !== atom.vf) problems.push(failed(`apply/vf/${atom.name}/name-free`, `the name "${atom.name}" is already used by VF ${other.alias} on ${host.id}`, "VF names are unique per machine"));
      return;
    }
    case "vnet-exists":
      domainNeeded(atom.domain, `vnet "${atom.ifName}" is to be added to it`);
      return;
    case "vnet-property":
      if (atom.property === "vswitch" && !observed.vswitches.includes(atom.value)) {
        problems.push(failed(`apply/vswitch/${atom.value}/exists`, `virtual switch "${atom.value}" does not exist on ${host.id} (vnet "${atom.ifName}" of ${atom.domain} uses it)`, "create it (ldm add-vsw) or fix the name"));
      }
      return;
    case "vf-exists":
    case "vf-unassigned":
    case "vf-property":
    case "vswitch-exists":
      return;
  }
}
