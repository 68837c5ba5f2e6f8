/**
 * Everything that can be known to fail is checked before the first mutating command: the PF a
 * VF is created on exists, is Ethernet and sits on a bus with IOV enabled and free VFs; the
 * domains and virtual switches named exist; every symbolic operand can be resolved; no
 * disruptive step runs without the user's consent. All problems of a host are reported together.
 */
import type { Condition, DesiredVf, HostPlan, Step } from "../model";
import { IO_CLASSES } from "../ldm/assumptions";
import { disruptionApplies, describeDisruption, ldmRefusal } from "./actions";
import { findDomain, findVfByAlias, findVfByName, type ObservedHost } from "./observed-state";
import { isSymbolic } from "./operands";

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

function desiredVfs(host: HostPlan): DesiredVf[] {
  return [...host.desired.domains.flatMap((d) => d.vfs), ...host.desired.unassignedVfs];
}

/** The PF a create-vf step creates on: the desired VF's `pf`, else the last operand. */
function createdOnPf(host: HostPlan, step: Step): string | undefined {
  const name = atoms(step.postcondition).find((a) => a.kind === "vf-exists")?.name;
  const desired = desiredVfs(host).find((vf) => vf.name === name);
  if (desired?.pf) return desired.pf;
  const last = step.argv[step.argv.length - 1];
  return typeof last === "string" ? last : undefined;
}

/** VF names a step makes exist (create-vf, or naming an adopted VF). */
function namesCreated(step: Step): string[] {
  return atoms(step.postcondition).flatMap((a) =>
    a.kind === "vf-exists" || a.kind === "vf-pseudonym-named" ? [a.name] : [],
  );
}

export function checkPreconditions(host: HostPlan, observed: ObservedHost, needed: readonly Step[], options: PreconditionOptions): string[] {
  const problems: string[] = [];
  const willExist = new Set<string>();
  const createsPerPf = new Map<string, number>();
  const domainNeeded = (domain: string, why: string) => {
    if (!findDomain(observed, domain)) problems.push(`domain ${domain} does not exist on ${host.id} (${why}); create it first or fix the domain name`);
  };

  for (const step of needed) {
    const refusal = ldmRefusal(step, observed);
    if (refusal) {
      // ldm would refuse it: no opt-in helps, and running the other hosts' steps first would
      // leave them changed and this one not.
      problems.push(`step ${step.id} (${step.summary}) cannot run: ${refusal}`);
    } else if (disruptionApplies(step, observed) && !options.allowDisruptive) {
      problems.push(`step ${step.id} (${step.summary}) is disruptive: ${describeDisruption(step)}; stop the domain first, or re-run with --allow-disruptive`);
    }
    for (const operand of step.argv) {
      if (isSymbolic(operand) && !findVfByName(observed, operand.name) && !willExist.has(operand.name)) {
        problems.push(`step ${step.id} needs the pseudonym of VF "${operand.name}", which neither exists nor is created by an earlier step`);
      }
    }
    if (step.kind === "create-vf") {
      const pf = createdOnPf(host, step);
      const observedPf = pf === undefined ? undefined : observed.pfs.find((p) => p.alias === pf);
      if (!pf || !observedPf) {
        const known = observed.pfs.filter((p) => !p.class || p.class === IO_CLASSES.ethernet).map((p) => p.alias);
        problems.push(`PF ${pf ?? "(none)"} does not exist on ${host.id}; Ethernet PFs there: ${known.join(", ") || "none"}`);
      } else {
        if (observedPf.class && observedPf.class !== IO_CLASSES.ethernet) {
          problems.push(`PF ${pf} on ${host.id} is of class ${observedPf.class}, not Ethernet (${IO_CLASSES.ethernet}); choose an IOVNET PF`);
        }
        const bus = observed.buses.find((b) => b.bus === observedPf.bus || b.alias === observedPf.bus);
        if (bus && !bus.iov) {
          problems.push(`bus ${bus.bus} of PF ${pf} on ${host.id} does not have I/O virtualization enabled; enable it first (ldm start-reconf, ldm set-io iov=on ${bus.bus}, reboot the root domain)`);
        }
        const count = (createsPerPf.get(pf) ?? 0) + 1;
        createsPerPf.set(pf, count);
        if (observedPf.maxVfs !== undefined) {
          const existing = observed.vfs.filter((vf) => vf.pf === pf).length;
          if (existing + count > observedPf.maxVfs) {
            problems.push(`PF ${pf} on ${host.id} has no free VF: ${existing} of ${observedPf.maxVfs} exist and this plan creates ${count} more; destroy unused VFs or choose another PF`);
          }
        }
      }
    }
    for (const atom of atoms(step.postcondition)) {
      switch (atom.kind) {
        case "vf-assigned": {
          domainNeeded(atom.domain, `VF "${atom.name}" is to be assigned to it`);
          const vf = findVfByName(observed, atom.name);
          if (vf?.domain && vf.domain !== atom.domain) {
            problems.push(`VF "${atom.name}" on ${host.id} is assigned to ${vf.domain}, not ${atom.domain}; remove it there first (ldm rm-io ${vf.alias} ${vf.domain}): this tool never unassigns what it was not told to`);
          }
          break;
        }
        case "vf-pseudonym-named": {
          const vf = findVfByAlias(observed, atom.vf);
          if (!vf) problems.push(`VF ${atom.vf} to adopt does not exist on ${host.id}`);
          else if (vf.class && vf.class !== IO_CLASSES.ethernet) problems.push(`VF ${atom.vf} on ${host.id} is of class ${vf.class}, not Ethernet`);
          const other = findVfByName(observed, atom.name);
          if (other && other.alias !== atom.vf) problems.push(`the name "${atom.name}" is already used by VF ${other.alias} on ${host.id}; VF names are unique per machine`);
          break;
        }
        case "vnet-exists":
          domainNeeded(atom.domain, `vnet "${atom.ifName}" is to be added to it`);
          break;
        case "vnet-property":
          if (atom.property === "vswitch" && !observed.vswitches.includes(atom.value)) {
            problems.push(`virtual switch "${atom.value}" does not exist on ${host.id} (vnet "${atom.ifName}" of ${atom.domain} uses it); create it (ldm add-vsw) or fix the name`);
          }
          break;
        case "vf-exists":
        case "vf-unassigned":
        case "vf-property":
        case "vswitch-exists":
          break;
      }
    }
    for (const name of namesCreated(step)) willExist.add(name);
  }
  return [...new Set(problems)];
}
