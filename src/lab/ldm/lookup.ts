/** Finding domains and devices on one machine, refusing unknown names in ldm's style. */
import { LDM_ERRORS, VF_NAME_ACCEPTED_AS_OPERAND, delayedReconfigRefusal, vfDevicePath } from "../../ldm/assumptions";
import { formatPseudonym, parsePseudonym } from "../../ldm/syntax";
import type { BusState, DomainState, LabState, MachineState, PfState, VfState } from "../state";
import { fail } from "./failure";
import type { LdmContext } from "./context";

/** The pseudonym of a PF's VF: the PF's pseudonym with the VF's index (`…/IOVNET.PF0` -> `…/IOVNET.PF0.VF3`). */
export function vfAlias(pf: PfState, vf: VfState): string {
  const parts = parsePseudonym(pf.alias);
  if (parts === undefined || parts.vf !== undefined) throw new Error(`lab PF ${JSON.stringify(pf.alias)} has no PF pseudonym (<slot path>/IOVNET.PF<n>); fix the lab definition`);
  return formatPseudonym({ ...parts, vf: vf.index });
}

export function vfDev(pf: PfState, vf: VfState): string {
  return vfDevicePath(pf.dev, vf.index);
}

export function findDomain(machine: MachineState, name: string): DomainState {
  const d = machine.domains.find((x) => x.name === name);
  if (!d) fail(LDM_ERRORS.unknownDomain(name));
  return d;
}

export function findBus(machine: MachineState, name: string): BusState | undefined {
  return machine.buses.find((b) => b.name === name || b.alias === name);
}

export function findPf(machine: MachineState, name: string): PfState | undefined {
  return machine.pfs.find((p) => p.alias === name || p.dev === name || `/${p.dev}` === name);
}

export interface VfRef {
  readonly pf: PfState;
  readonly vf: VfState;
}

/** A VF by pseudonym or device path (ref §3.5 [V]); by its user-assigned name only if VF_NAME_ACCEPTED_AS_OPERAND. */
export function findVf(machine: MachineState, name: string): VfRef | undefined {
  for (const pf of machine.pfs) {
    for (const vf of pf.vfs) {
      if (vfAlias(pf, vf) === name || vfDev(pf, vf) === name || `/${vfDev(pf, vf)}` === name) return { pf, vf };
      if (VF_NAME_ACCEPTED_AS_OPERAND && vf.name === name) return { pf, vf };
    }
  }
  return undefined;
}

export function requirePf(machine: MachineState, name: string): PfState {
  const pf = findPf(machine, name);
  if (pf) return pf;
  if (findVf(machine, name) || findBus(machine, name) || machine.slots.some((s) => s.alias === name)) fail(LDM_ERRORS.notAPf(name));
  fail(LDM_ERRORS.unknownDevice(name));
}

export function requireVf(machine: MachineState, name: string): VfRef {
  const ref = findVf(machine, name);
  if (ref) return ref;
  if (findPf(machine, name) || findBus(machine, name) || machine.slots.some((s) => s.alias === name)) fail(LDM_ERRORS.notAVf(name));
  fail(LDM_ERRORS.unknownDevice(name));
}

export function allVfs(machine: MachineState): VfRef[] {
  return machine.pfs.flatMap((pf) => pf.vfs.map((vf) => ({ pf, vf })));
}

export function busOf(machine: MachineState, pf: PfState): BusState {
  return machine.buses.find((b) => b.name === pf.bus)!;
}

/** The root domain of a PF's bus. */
export function rootDomainOf(machine: MachineState, pf: PfState): DomainState | undefined {
  const owner = busOf(machine, pf).domain;
  return owner ? machine.domains.find((d) => d.name === owner) : undefined;
}

export function primaryOf(machine: MachineState): DomainState {
  return machine.domains.find((d) => d.control)!;
}

export function inDelayedReconfig(machine: MachineState): boolean {
  return primaryOf(machine).delayedReconfig;
}

/**
 * While primary is in delayed reconfiguration, a change to another domain is refused with the
 * verified text (ref §9 [V]); the Lab prints the notice before it, as for every mutating command.
 */
export function refuseOtherDomainInReconfig(ctx: LdmContext, domain: string): void {
  if (inDelayedReconfig(ctx.machine) && domain !== primaryOf(ctx.machine).name) fail(delayedReconfigRefusal(domain));
}

export function invDeadline(state: LabState, now: number): number {
  return now + state.options.invSettleMs + state.faults.extraInvMs;
}

export function isInv(until: number, now: number): boolean {
  return now < until;
}

/** A machine's domain with a name, or undefined. */
export function domainNamed(machine: MachineState, name: string): DomainState | undefined {
  return machine.domains.find((d) => d.name === name);
}

/** Refuses a MAC address already used by a VF, vnet, vswitch or domain of the machine. */
export function checkMacFree(machine: MachineState, mac: string, except?: object): void {
  for (const pf of machine.pfs) {
    for (const vf of pf.vfs) {
      if (vf !== except && (vf.mac === mac || vf.altMacs.includes(mac))) fail(LDM_ERRORS.macInUse(mac, vfAlias(pf, vf)));
    }
  }
  for (const d of machine.domains) {
    if (d !== except && d.mac === mac) fail(LDM_ERRORS.macInUse(mac, `LDom ${d.name}`));
    for (const v of d.vnets) if (v !== except && (v.mac === mac || v.altMacs.includes(mac))) fail(LDM_ERRORS.macInUse(mac, `${v.name} of LDom ${d.name}`));
  }
  for (const s of machine.vswitches) if (s !== except && s.mac === mac) fail(LDM_ERRORS.macInUse(mac, `virtual switch ${s.name}`));
}
