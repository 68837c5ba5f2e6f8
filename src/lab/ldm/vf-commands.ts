/**
 * `create-vf`, `destroy-vf` (ref §3.6, §3.7), `set-io` (§3.8, §3.9), `add-io` / `remove-io`
 * (§3.10). Every check runs before any change, so a refusal leaves the state untouched.
 */
import {
  CREATE_VF_N_NAME_POLICY,
  CREATED_VF_PREFIX,
  INV_REFUSES,
  LDM_ERRORS,
  VF_NAME_SETTABLE_WHILE_ACTIVE,
  VF_NAME_UNIQUE_PER,
} from "../../ldm/assumptions";
import { VF_PROPERTIES, VF_PROPERTY_ORDER } from "../../ldm/properties";
import type { DomainState, MachineState, PfState, VfState } from "../state";
import { nextMac } from "../state";
import { parseArgs, usageError } from "./args";
import type { LdmContext } from "./context";
import { fail } from "./failure";
import {
  allVfs,
  busOf,
  checkMacFree,
  findBus,
  findDomain,
  findPf,
  findVf,
  invDeadline,
  isInv,
  primaryOf,
  refuseOtherDomainInReconfig,
  requirePf,
  requireVf,
  rootDomainOf,
  vfAlias,
} from "./lookup";
import { ldmName, percent, propMap, wwn } from "./props";
import { LAB_VF_DEFAULTS, MAC_VF_PROPERTIES, parseVfValues, setPlainValues } from "./vf-properties";

/** An Ethernet VF takes the catalogued properties and its user-assigned name. */
const NET_PROPS: readonly string[] = [...VF_PROPERTY_ORDER, "name"];
const FC_PROPS = ["bw-percent", "port-wwn", "node-wwn"];

function classProps(pf: PfState): readonly string[] {
  return pf.class === "NETWORK" ? NET_PROPS : pf.class === "FIBRECHANNEL" ? FC_PROPS : [];
}

/** Refuses a VF name already used within the scope VF_NAME_UNIQUE_PER names (pf: the VF's own PF). */
function checkNameFree(machine: MachineState, pf: PfState, name: string, except?: VfState): void {
  const scope = VF_NAME_UNIQUE_PER === "machine" ? allVfs(machine) : allVfs(machine).filter((r) => r.pf === pf);
  const other = scope.find((r) => r.vf.name === name && r.vf !== except);
  if (other) fail(LDM_ERRORS.vfNameExists(name, vfAlias(other.pf, other.vf)));
}

function rootInReconfig(machine: MachineState, pf: PfState): boolean {
  return rootDomainOf(machine, pf)?.delayedReconfig ?? false;
}

/** Creating/destroying VFs needs IOV on the bus and, for InfiniBand, a delayed reconfiguration. */
function checkPfChangeable(ctx: LdmContext, pf: PfState, action: string): void {
  const bus = busOf(ctx.machine, pf);
  if (!bus.iov) fail(LDM_ERRORS.busNotIov(bus.name, pf.alias));
  const root = rootDomainOf(ctx.machine, pf);
  if (pf.class === "INFINIBAND" && !rootInReconfig(ctx.machine, pf)) {
    fail(LDM_ERRORS.needsDelayedReconfig(`${action} InfiniBand virtual functions`, root?.name ?? "primary"));
  }
  if (root && root.state !== "active" && !root.delayedReconfig) fail(LDM_ERRORS.badState(root.name, root.state, "active"));
  if (INV_REFUSES.createDestroyOnPf && isInv(pf.invUntil, ctx.now)) fail(LDM_ERRORS.deviceNotReady(pf.alias));
}

export function createVf(ctx: LdmContext, argv: readonly string[]): void {
  const args = parseArgs("create-vf", argv, { valued: ["-n"], props: true, minOperands: 1, maxOperands: 1 });
  const pf = requirePf(ctx.machine, args.operands[0]!);
  const props = propMap(args.props, classProps(pf));
  const free = pf.maxvfs - pf.vfs.length;
  const nArg = args.values.get("-n");
  let count = 1;
  if (nArg !== undefined) {
    if (nArg === "max") count = free;
    else if (/^[1-9]\d*$/.test(nArg)) count = Number(nArg);
    else throw usageError("create-vf");
    for (const k of [...MAC_VF_PROPERTIES, "port-wwn", "node-wwn"]) if (props.has(k)) fail(LDM_ERRORS.invalidProperty(k));
  }
  if (props.has("name") && count !== 1 && CREATE_VF_N_NAME_POLICY === "refuse-unless-one") fail(LDM_ERRORS.nameWithManyVfs());
  if ((props.has("port-wwn") || props.has("node-wwn")) && !(props.has("port-wwn") && props.has("node-wwn"))) fail(LDM_ERRORS.invalidProperty(props.has("port-wwn") ? "node-wwn" : "port-wwn"));
  const name = props.has("name") ? ldmName("name", props.get("name")!) : undefined;
  const net = parseVfValues(props);
  const values = {
    name,
    mac: net.mac,
    altMacs: net.altMacs ?? [],
    bwPercent: props.has("bw-percent") ? percent("bw-percent", props.get("bw-percent")!) : undefined,
    portWwn: props.has("port-wwn") ? wwn("port-wwn", props.get("port-wwn")!) : undefined,
    nodeWwn: props.has("node-wwn") ? wwn("node-wwn", props.get("node-wwn")!) : undefined,
  };
  if (values.name) checkNameFree(ctx.machine, pf, values.name);
  for (const m of [values.mac, ...values.altMacs]) if (m && m !== "auto") checkMacFree(ctx.machine, m);
  checkPfChangeable(ctx, pf, "Creating");
  if (count < 1 || count > free) fail(LDM_ERRORS.noFreeVf(pf.alias, pf.maxvfs));

  const until = invDeadline(ctx.state, ctx.now);
  pf.invUntil = until;
  for (let i = 0; i < count; i++) {
    const index = pf.vfs.length;
    const vf: VfState = { index, name: values.name, altMacs: [], invUntil: until };
    if (pf.class === "NETWORK") {
      vf.mac = values.mac ?? nextMac(ctx.machine);
      vf.altMacs = values.altMacs.map((m) => (m === "auto" ? nextMac(ctx.machine) : m));
      setPlainValues(vf, { ...LAB_VF_DEFAULTS, ...net.plain });
    }
    if (pf.class === "FIBRECHANNEL") {
      vf.bwPercent = values.bwPercent ?? 0;
      vf.portWwn = values.portWwn ?? fcWwn(ctx.machine, "10");
      vf.nodeWwn = values.nodeWwn ?? fcWwn(ctx.machine, "20");
    }
    pf.vfs.push(vf);
    ctx.out.push(`${CREATED_VF_PREFIX}${vfAlias(pf, vf)}\n`);
  }
}

function fcWwn(machine: MachineState, prefix: string): string {
  const mac = nextMac(machine);
  return `${prefix}:00:${mac}`;
}

export function destroyVf(ctx: LdmContext, argv: readonly string[]): void {
  const args = parseArgs("destroy-vf", argv, { valued: ["-n"], minOperands: 1, maxOperands: 1 });
  const nArg = args.values.get("-n");
  const operand = args.operands[0]!;
  let pf: PfState;
  let victims: VfState[];
  if (nArg === undefined) {
    const ref = requireVf(ctx.machine, operand);
    pf = ref.pf;
    const last = pf.vfs[pf.vfs.length - 1]!;
    if (ref.vf !== last) fail(LDM_ERRORS.destroyNotLast(vfAlias(pf, ref.vf), vfAlias(pf, last)));
    victims = [ref.vf];
  } else {
    pf = requirePf(ctx.machine, operand);
    let count: number;
    if (nArg === "max") count = pf.vfs.length;
    else if (/^[1-9]\d*$/.test(nArg)) count = Number(nArg);
    else throw usageError("destroy-vf");
    if (count > pf.vfs.length || count === 0) fail(LDM_ERRORS.destroyTooMany(pf.alias, pf.vfs.length));
    victims = pf.vfs.slice(pf.vfs.length - count);
  }
  for (const vf of victims) if (vf.domain) fail(LDM_ERRORS.destroyAssigned(vfAlias(pf, vf), vf.domain));
  checkPfChangeable(ctx, pf, "Destroying");
  pf.vfs.splice(pf.vfs.length - victims.length, victims.length);
  pf.invUntil = invDeadline(ctx.state, ctx.now);
}

function owningDomain(machine: MachineState, vf: VfState): DomainState | undefined {
  return vf.domain ? machine.domains.find((d) => d.name === vf.domain) : undefined;
}

export function setIo(ctx: LdmContext, argv: readonly string[]): void {
  const args = parseArgs("set-io", argv, { props: true, minOperands: 1, maxOperands: 1 });
  const operand = args.operands[0]!;
  if (!args.props.length) throw usageError("set-io");
  const bus = findBus(ctx.machine, operand);
  if (bus) {
    const props = propMap(args.props, ["iov"]);
    const value = props.get("iov");
    if (value !== "on" && value !== "off") fail(LDM_ERRORS.invalidValue("iov", value ?? ""));
    const root = bus.domain ? findDomain(ctx.machine, bus.domain) : undefined;
    if (!root?.delayedReconfig) fail(LDM_ERRORS.needsDelayedReconfig(`Changing I/O virtualization of ${bus.name}`, root?.name ?? "primary"));
    if (value === "off" && ctx.machine.pfs.some((p) => p.bus === bus.name && p.vfs.length)) fail(LDM_ERRORS.busHasVfs(bus.name));
    bus.pendingIov = value === "on";
    return;
  }
  const pf = findPf(ctx.machine, operand);
  if (pf) {
    // Device-specific PF properties: static method only (ref §3.9, §3.6 [V]).
    propMap(args.props, ["unicast-slots"]);
    const root = rootDomainOf(ctx.machine, pf);
    if (!root?.delayedReconfig) fail(LDM_ERRORS.needsDelayedReconfig(`Changing device-specific properties of ${pf.alias}`, root?.name ?? "primary"));
    return;
  }
  const { pf: vfPf, vf } = requireVf(ctx.machine, operand);
  const props = propMap(args.props, classProps(vfPf));
  const owner = owningDomain(ctx.machine, vf);
  const alias = vfAlias(vfPf, vf);
  const name = props.has("name") ? (props.get("name") === "" ? undefined : ldmName("name", props.get("name")!)) : vf.name;
  const net = parseVfValues(props);
  const next = {
    name,
    mac: net.mac ?? vf.mac,
    altMacs: net.altMacs ?? vf.altMacs,
    bwPercent: props.has("bw-percent") ? percent("bw-percent", props.get("bw-percent")!) : vf.bwPercent,
    portWwn: props.has("port-wwn") ? wwn("port-wwn", props.get("port-wwn")!) : vf.portWwn,
    nodeWwn: props.has("node-wwn") ? wwn("node-wwn", props.get("node-wwn")!) : vf.nodeWwn,
  };
  if (props.has("name") && next.name) checkNameFree(ctx.machine, vfPf, next.name, vf);
  if (props.has("mac-addr") && next.mac) checkMacFree(ctx.machine, next.mac, vf);
  for (const m of props.has("alt-mac-addrs") ? next.altMacs : []) if (m !== "auto") checkMacFree(ctx.machine, m, vf);
  const needsStopped = [...VF_PROPERTY_ORDER.filter((k) => VF_PROPERTIES[k].needsDomainStopped), ...(VF_NAME_SETTABLE_WHILE_ACTIVE ? [] : ["name"])].some((k) => props.has(k));
  if (needsStopped && owner) {
    const primary = primaryOf(ctx.machine);
    if (owner === primary) {
      if (owner.state === "active" && !owner.delayedReconfig) fail(LDM_ERRORS.needsInactive(alias, owner.name));
    } else {
      refuseOtherDomainInReconfig(ctx, owner.name);
      if (owner.state === "active") fail(LDM_ERRORS.needsInactive(alias, owner.name));
    }
  }
  if ((props.has("port-wwn") || props.has("node-wwn")) && owner) fail(LDM_ERRORS.wwnWhileAssigned(alias));
  if (owner?.migration) fail(LDM_ERRORS.migrationInProgress(owner.name));
  vf.name = next.name;
  if (vfPf.class === "NETWORK") {
    vf.mac = next.mac;
    vf.altMacs = next.altMacs.map((m) => (m === "auto" ? nextMac(ctx.machine) : m));
    setPlainValues(vf, net.plain);
  }
  vf.bwPercent = next.bwPercent;
  vf.portWwn = next.portWwn;
  vf.nodeWwn = next.nodeWwn;
}

/** InfiniBand VFs move only while the domain is stopped or the root is in delayed reconfiguration. */
function checkIbStatic(ctx: LdmContext, pf: PfState, alias: string, domain: DomainState): void {
  if (pf.class !== "INFINIBAND") return;
  if (domain.state === "active" && !rootDomainOf(ctx.machine, pf)?.delayedReconfig) fail(LDM_ERRORS.ibNeedsStatic(alias, domain.name));
}

export function addIo(ctx: LdmContext, argv: readonly string[]): void {
  const args = parseArgs("add-io", argv, { props: true, minOperands: 2, maxOperands: 2 });
  const [device, domainName] = args.operands as [string, string];
  const ref = findVf(ctx.machine, device);
  if (!ref) {
    if (findBus(ctx.machine, device) || findPf(ctx.machine, device) || ctx.machine.slots.some((s) => s.alias === device)) {
      fail(LDM_ERRORS.notSupportedByLab("Assigning a bus, slot or PF with add-io"));
    }
    fail(LDM_ERRORS.unknownDevice(device));
  }
  if (args.props.length) fail(LDM_ERRORS.invalidProperty(args.props[0]![0]));
  const domain = findDomain(ctx.machine, domainName);
  const alias = vfAlias(ref.pf, ref.vf);
  refuseOtherDomainInReconfig(ctx, domain.name);
  if (ref.vf.domain) fail(LDM_ERRORS.vfAssigned(alias, ref.vf.domain));
  if (domain.migration) fail(LDM_ERRORS.migrationInProgress(domain.name));
  if (INV_REFUSES.addIo && isInv(ref.vf.invUntil, ctx.now)) fail(LDM_ERRORS.deviceNotReady(alias));
  checkIbStatic(ctx, ref.pf, alias, domain);
  ref.vf.domain = domain.name;
}

export function removeIo(ctx: LdmContext, argv: readonly string[]): void {
  const args = parseArgs("remove-io", argv, { flags: ["-n"], minOperands: 2, maxOperands: 2 });
  const [device, domainName] = args.operands as [string, string];
  const ref = findVf(ctx.machine, device);
  if (!ref) {
    if (findBus(ctx.machine, device) || findPf(ctx.machine, device) || ctx.machine.slots.some((s) => s.alias === device)) {
      fail(LDM_ERRORS.notSupportedByLab("Removing a bus, slot or PF with remove-io"));
    }
    fail(LDM_ERRORS.unknownDevice(device));
  }
  const domain = findDomain(ctx.machine, domainName);
  const alias = vfAlias(ref.pf, ref.vf);
  refuseOtherDomainInReconfig(ctx, domain.name);
  if (ref.vf.domain !== domain.name) fail(LDM_ERRORS.vfNotAssignedTo(alias, domain.name));
  if (domain.migration) fail(LDM_ERRORS.migrationInProgress(domain.name));
  checkIbStatic(ctx, ref.pf, alias, domain);
  if (args.flags.has("-n")) return;
  ref.vf.domain = undefined;
}
