/**
 * Domain lifecycle, enough for the lab's guests (ref §2.3): add-domain, bind, start, stop
 * (`-r` reboots; rebooting a root domain ends its delayed reconfiguration), unbind,
 * remove-domain, and the vcpu/memory setters.
 */
import { LDM_ERRORS } from "../../ldm/assumptions";
import { parseMemorySize } from "../definition";
import type { DomainState, LabState, MachineState } from "../state";
import { nextMac } from "../state";
import { parseArgs, usageError } from "./args";
import { describeResources, fitsFree, freeResources } from "./capacity";
import type { LdmContext } from "./context";
import { fail } from "./failure";
import { findDomain, refuseOtherDomainInReconfig } from "./lookup";
import { ldmName, mac, propMap } from "./props";

function requireState(d: DomainState, ...allowed: DomainState["state"][]): void {
  if (!allowed.includes(d.state)) fail(LDM_ERRORS.badState(d.name, d.state, allowed.join(" or ")));
}

function notMigrating(d: DomainState): void {
  if (d.migration) fail(LDM_ERRORS.migrationInProgress(d.name));
}

/** A bound or active domain's growth (or a bind) must fit in what the machine has free. */
function requireRoom(ctx: LdmContext, d: DomainState, vcpus: number, memoryBytes: number): void {
  const need = { vcpus: Math.max(0, vcpus), memoryBytes: Math.max(0, memoryBytes) };
  if (fitsFree(ctx.machine, need)) return;
  fail(LDM_ERRORS.notEnoughFree(d.name, describeResources(need), describeResources(freeResources(ctx.machine))));
}

function nextConsole(machine: MachineState): number {
  let port = 5000;
  while (machine.domains.some((d) => d.console === port)) port++;
  return port;
}

export function addDomain(ctx: LdmContext, argv: readonly string[]): void {
  const args = parseArgs("add-domain", argv, { props: true, minOperands: 1, maxOperands: 1 });
  const props = propMap(args.props, ["mac-addr", "hostid", "failure-policy", "master", "uuid"]);
  const name = ldmName("ldom", args.operands[0]!);
  if (ctx.machine.domains.some((d) => d.name === name)) fail(LDM_ERRORS.domainExists(name));
  const domainMac = props.has("mac-addr") ? mac("mac-addr", props.get("mac-addr")!) : undefined;
  refuseOtherDomainInReconfig(ctx, name);
  ctx.machine.domains.push({ name, state: "inactive", ncpu: 0, memory: 0, control: false, vnets: [], vdisks: [], guestModel: false, delayedReconfig: false, mac: domainMac ?? nextMac(ctx.machine) });
}

export function removeDomain(ctx: LdmContext, argv: readonly string[]): void {
  const args = parseArgs("remove-domain", argv, { flags: ["-a"], minOperands: 0, maxOperands: Infinity });
  const all = args.flags.has("-a");
  if (all === (args.operands.length > 0)) throw usageError("remove-domain");
  const targets = all ? ctx.machine.domains.filter((d) => !d.control) : args.operands.map((n) => findDomain(ctx.machine, n));
  for (const d of targets) {
    if (d.control) fail(LDM_ERRORS.controlDomain("remove-domain"));
    refuseOtherDomainInReconfig(ctx, d.name);
    notMigrating(d);
    requireState(d, "inactive");
  }
  for (const d of targets) {
    for (const pf of ctx.machine.pfs) for (const vf of pf.vfs) if (vf.domain === d.name) vf.domain = undefined;
    ctx.machine.domains.splice(ctx.machine.domains.indexOf(d), 1);
    if (d.guestModel) delete ctx.state.guests[d.name];
  }
}

export function bindDomain(ctx: LdmContext, argv: readonly string[]): void {
  const args = parseArgs("bind-domain", argv, { flags: ["-f", "-q"], minOperands: 1, maxOperands: 1 });
  const d = findDomain(ctx.machine, args.operands[0]!);
  if (d.control) fail(LDM_ERRORS.controlDomain("bind-domain"));
  refuseOtherDomainInReconfig(ctx, d.name);
  requireState(d, "inactive");
  if (d.ncpu < 1 || d.memory < 1) fail(LDM_ERRORS.noResources(d.name));
  requireRoom(ctx, d, d.ncpu, d.memory);
  d.state = "bound";
  d.console ??= nextConsole(ctx.machine);
}

export function unbindDomain(ctx: LdmContext, argv: readonly string[]): void {
  const args = parseArgs("unbind-domain", argv, { minOperands: 1, maxOperands: 1 });
  const d = findDomain(ctx.machine, args.operands[0]!);
  if (d.control) fail(LDM_ERRORS.controlDomain("unbind-domain"));
  refuseOtherDomainInReconfig(ctx, d.name);
  notMigrating(d);
  requireState(d, "bound");
  d.state = "inactive";
  d.console = undefined;
}

export function startDomain(ctx: LdmContext, argv: readonly string[]): void {
  const args = parseArgs("start-domain", argv, { flags: ["-a"], minOperands: 0, maxOperands: Infinity });
  const all = args.flags.has("-a");
  if (all === (args.operands.length > 0)) throw usageError("start-domain");
  const targets = all ? ctx.machine.domains.filter((d) => d.state === "bound") : args.operands.map((n) => findDomain(ctx.machine, n));
  for (const d of targets) {
    if (d.control) fail(LDM_ERRORS.controlDomain("start-domain"));
    refuseOtherDomainInReconfig(ctx, d.name);
    requireState(d, "bound");
  }
  for (const d of targets) {
    d.state = "active";
    d.startedAt = ctx.now;
    d.migrationError = undefined;
    if (d.guestModel) ctx.state.guests[d.name] ??= { domain: d.name, links: {}, interfaces: [] };
  }
  if (targets.length) ctx.out.push(targets.map((d) => `LDom ${d.name} started\n`).join(""));
}

export function stopDomain(ctx: LdmContext, argv: readonly string[]): void {
  const args = parseArgs("stop-domain", argv, { flags: ["-a", "-f", "-r", "-h", "-q"], valued: ["-t", "-m"], minOperands: 0, maxOperands: Infinity });
  const all = args.flags.has("-a");
  if (all === (args.operands.length > 0)) throw usageError("stop-domain");
  const reboot = args.flags.has("-r");
  const targets = all ? ctx.machine.domains.filter((d) => d.state === "active" && !d.control) : args.operands.map((n) => findDomain(ctx.machine, n));
  for (const d of targets) {
    if (d.control && !reboot) fail(LDM_ERRORS.controlDomain("stop-domain"));
    if (!d.control) refuseOtherDomainInReconfig(ctx, d.name);
    notMigrating(d);
    requireState(d, "active");
  }
  for (const d of targets) {
    if (reboot) rebootDomain(ctx.state, ctx.machine, d, ctx.now);
    else {
      d.state = "bound";
      d.startedAt = undefined;
    }
  }
  if (targets.length) ctx.out.push(targets.map((d) => `LDom ${d.name} ${reboot ? "reboot initiated" : "stopped"}\n`).join(""));
}

/** A reboot: uptime restarts, and a root domain applies its delayed reconfiguration. */
export function rebootDomain(_state: LabState, machine: MachineState, d: DomainState, now: number): void {
  d.startedAt = now;
  if (!d.delayedReconfig) return;
  d.delayedReconfig = false;
  for (const bus of machine.buses) {
    if (bus.domain === d.name && bus.pendingIov !== undefined) {
      bus.iov = bus.pendingIov;
      bus.pendingIov = undefined;
    }
  }
}

function countArg(subcommand: string, text: string): number {
  if (!/^[1-9]\d*$/.test(text)) throw usageError(subcommand);
  return Number(text);
}

function memoryArg(text: string): number {
  const bytes = parseMemorySize(text);
  if (bytes === undefined || bytes === 0) fail(LDM_ERRORS.invalidValue("size", text));
  return bytes;
}

/** The domain whose vCPUs or memory change; a bound or active one must find the growth free. */
function resourceTarget(ctx: LdmContext, name: string, size: (d: DomainState) => { ncpu: number; memory: number }): DomainState {
  const d = findDomain(ctx.machine, name);
  refuseOtherDomainInReconfig(ctx, d.name);
  notMigrating(d);
  const next = size(d);
  if (d.state !== "inactive") requireRoom(ctx, d, next.ncpu - d.ncpu, next.memory - d.memory);
  return d;
}

export function setVcpu(ctx: LdmContext, argv: readonly string[]): void {
  const args = parseArgs("set-vcpu", argv, { minOperands: 2, maxOperands: 2 });
  const n = countArg("set-vcpu", args.operands[0]!);
  resourceTarget(ctx, args.operands[1]!, (d) => ({ ncpu: n, memory: d.memory })).ncpu = n;
}

export function addVcpu(ctx: LdmContext, argv: readonly string[]): void {
  const args = parseArgs("add-vcpu", argv, { minOperands: 2, maxOperands: 2 });
  const n = countArg("add-vcpu", args.operands[0]!);
  resourceTarget(ctx, args.operands[1]!, (d) => ({ ncpu: d.ncpu + n, memory: d.memory })).ncpu += n;
}

export function setMemory(ctx: LdmContext, argv: readonly string[]): void {
  const args = parseArgs("set-memory", argv, { minOperands: 2, maxOperands: 2 });
  const bytes = memoryArg(args.operands[0]!);
  resourceTarget(ctx, args.operands[1]!, (d) => ({ ncpu: d.ncpu, memory: bytes })).memory = bytes;
}

export function addMemory(ctx: LdmContext, argv: readonly string[]): void {
  const args = parseArgs("add-memory", argv, { minOperands: 2, maxOperands: 2 });
  const bytes = memoryArg(args.operands[0]!);
  resourceTarget(ctx, args.operands[1]!, (d) => ({ ncpu: d.ncpu, memory: d.memory + bytes })).memory += bytes;
}
