/** `add-vnet`, `set-vnet`, `remove-vnet` (ref §4.2) and `add-vswitch`, `remove-vswitch` (§4.1). */
import { LDM_ERRORS, SET_VNET_ACCEPTS_ID, VNET_MTU_RANGE } from "../../ldm/assumptions";
import { VNET_PROPERTY_ORDER } from "../../ldm/properties";
import type { VnetState } from "../state";
import { nextMac } from "../state";
import { parseArgs } from "./args";
import type { LdmContext } from "./context";
import { fail } from "./failure";
import { checkMacFree, findDomain, refuseOtherDomainInReconfig } from "./lookup";
import { altMacs, ldmName, mac, mtu, propMap, vlan, vlanList } from "./props";

/** The catalogued vnet properties, plus those the lab accepts that the project never sets. */
const VNET_PROPS: readonly string[] = [...VNET_PROPERTY_ORDER, "mac-addr", "alt-mac-addrs", "mode"];

function linkprop(value: string): string {
  if (value !== "" && value !== "phys-state") fail(LDM_ERRORS.invalidValue("linkprop", value));
  return value;
}

function mode(value: string): string {
  // Hybrid mode is obsolete NIU hybrid I/O (ref §4.2); the lab models none.
  if (value !== "") fail(LDM_ERRORS.invalidValue("mode", value));
  return value;
}

function vswitchOf(ctx: LdmContext, name: string) {
  const vsw = ctx.machine.vswitches.find((s) => s.name === name);
  if (!vsw) fail(LDM_ERRORS.vswUnknown(name));
  return vsw;
}

export function addVnet(ctx: LdmContext, argv: readonly string[]): void {
  const args = parseArgs("add-vnet", argv, { props: true, minOperands: 3, maxOperands: 3 });
  const [ifName, vswName, domainName] = args.operands as [string, string, string];
  const props = propMap(args.props, VNET_PROPS);
  ldmName("if-name", ifName);
  const domain = findDomain(ctx.machine, domainName);
  const vsw = vswitchOf(ctx, vswName);
  refuseOtherDomainInReconfig(ctx, domain.name);
  if (domain.migration) fail(LDM_ERRORS.migrationInProgress(domain.name));
  if (domain.vnets.some((v) => v.name === ifName)) fail(LDM_ERRORS.vnetExists(ifName, domain.name));
  const id = props.has("id") ? Number(props.get("id")) : nextVnetId(domain.vnets);
  if (props.has("id") && (!/^\d+$/.test(props.get("id")!) || domain.vnets.some((v) => v.id === id))) fail(LDM_ERRORS.invalidValue("id", props.get("id")!));
  const vnet: VnetState = {
    name: ifName,
    vswitch: vsw.name,
    vswitchDomain: vsw.domain,
    mac: props.has("mac-addr") ? mac("mac-addr", props.get("mac-addr")!) : "",
    altMacs: props.has("alt-mac-addrs") ? altMacs("alt-mac-addrs", props.get("alt-mac-addrs")!) : [],
    pvid: props.has("pvid") ? (props.get("pvid") === "" ? undefined : vlan("pvid", props.get("pvid")!)) : 1,
    vid: props.has("vid") ? vlanList("vid", props.get("vid")!) : [],
    mtu: props.has("mtu") ? mtu("mtu", props.get("mtu")!, VNET_MTU_RANGE) : 1500,
    id,
    linkprop: props.has("linkprop") ? linkprop(props.get("linkprop")!) : "phys-state",
  };
  if (props.has("mode")) mode(props.get("mode")!);
  for (const m of [vnet.mac, ...vnet.altMacs]) if (m && m !== "auto") checkMacFree(ctx.machine, m);
  if (!vnet.mac) vnet.mac = nextMac(ctx.machine);
  vnet.altMacs = vnet.altMacs.map((m) => (m === "auto" ? nextMac(ctx.machine) : m));
  domain.vnets.push(vnet);
}

function nextVnetId(vnets: readonly VnetState[]): number {
  let id = 0;
  while (vnets.some((v) => v.id === id)) id++;
  return id;
}

export function setVnet(ctx: LdmContext, argv: readonly string[]): void {
  const args = parseArgs("set-vnet", argv, { props: true, minOperands: 2, maxOperands: 2 });
  const [ifName, domainName] = args.operands as [string, string];
  const props = propMap(args.props, [...VNET_PROPS.filter((p) => SET_VNET_ACCEPTS_ID || p !== "id"), "vswitch"]);
  const domain = findDomain(ctx.machine, domainName);
  const vnet = domain.vnets.find((v) => v.name === ifName);
  if (!vnet) fail(LDM_ERRORS.vnetUnknown(ifName, domain.name));
  const vsw = props.has("vswitch") ? vswitchOf(ctx, props.get("vswitch")!) : undefined;
  const next = {
    mac: props.has("mac-addr") ? mac("mac-addr", props.get("mac-addr")!) : vnet.mac,
    altMacs: props.has("alt-mac-addrs") ? altMacs("alt-mac-addrs", props.get("alt-mac-addrs")!) : vnet.altMacs,
    pvid: props.has("pvid") ? (props.get("pvid") === "" ? undefined : vlan("pvid", props.get("pvid")!)) : vnet.pvid,
    vid: props.has("vid") ? vlanList("vid", props.get("vid")!) : vnet.vid,
    mtu: props.has("mtu") ? (props.get("mtu") === "" ? 1500 : mtu("mtu", props.get("mtu")!, VNET_MTU_RANGE)) : vnet.mtu,
    linkprop: props.has("linkprop") ? linkprop(props.get("linkprop")!) : vnet.linkprop,
  };
  if (props.has("mode")) mode(props.get("mode")!);
  if (props.has("mac-addr")) checkMacFree(ctx.machine, next.mac, vnet);
  for (const m of props.has("alt-mac-addrs") ? next.altMacs : []) if (m !== "auto") checkMacFree(ctx.machine, m, vnet);
  refuseOtherDomainInReconfig(ctx, domain.name);
  if (domain.migration) fail(LDM_ERRORS.migrationInProgress(domain.name));
  // A vnet's MAC address changes only while the domain is stopped (ref §3.9 by analogy [I]).
  if (props.has("mac-addr") && domain.state === "active") fail(LDM_ERRORS.needsInactive(ifName, domain.name));
  Object.assign(vnet, next);
  vnet.altMacs = vnet.altMacs.map((m) => (m === "auto" ? nextMac(ctx.machine) : m));
  if (vsw) {
    vnet.vswitch = vsw.name;
    vnet.vswitchDomain = vsw.domain;
  }
}

export function removeVnet(ctx: LdmContext, argv: readonly string[]): void {
  const args = parseArgs("remove-vnet", argv, { flags: ["-f"], minOperands: 2, maxOperands: 2 });
  const [ifName, domainName] = args.operands as [string, string];
  const domain = findDomain(ctx.machine, domainName);
  const index = domain.vnets.findIndex((v) => v.name === ifName);
  if (index < 0) fail(LDM_ERRORS.vnetUnknown(ifName, domain.name));
  refuseOtherDomainInReconfig(ctx, domain.name);
  if (domain.migration) fail(LDM_ERRORS.migrationInProgress(domain.name));
  domain.vnets.splice(index, 1);
}

export function addVsw(ctx: LdmContext, argv: readonly string[]): void {
  const args = parseArgs("add-vswitch", argv, { props: true, minOperands: 2, maxOperands: 2 });
  const [name, domainName] = args.operands as [string, string];
  const props = propMap(args.props, ["default-vlan-id", "pvid", "vid", "linkprop", "mac-addr", "net-dev", "mode", "mtu", "id", "inter-vnet-link"]);
  ldmName("vswitch-name", name);
  const domain = findDomain(ctx.machine, domainName);
  if (ctx.machine.vswitches.some((s) => s.name === name)) fail(LDM_ERRORS.vswExists(name));
  const values = {
    defaultVlanId: props.has("default-vlan-id") ? vlan("default-vlan-id", props.get("default-vlan-id")!) : 1,
    pvid: props.has("pvid") ? (props.get("pvid") === "" ? undefined : vlan("pvid", props.get("pvid")!)) : 1,
    vid: props.has("vid") ? vlanList("vid", props.get("vid")!) : [],
    linkprop: props.has("linkprop") ? linkprop(props.get("linkprop")!) : "phys-state",
    mac: props.has("mac-addr") ? mac("mac-addr", props.get("mac-addr")!) : undefined,
    mtu: props.has("mtu") ? mtu("mtu", props.get("mtu")!, VNET_MTU_RANGE) : 1500,
    netDev: props.get("net-dev") || undefined,
  };
  if (props.has("mode")) mode(props.get("mode")!);
  const interVnet = props.get("inter-vnet-link");
  if (interVnet !== undefined && !["on", "off", "auto"].includes(interVnet)) fail(LDM_ERRORS.invalidValue("inter-vnet-link", interVnet));
  if (values.mac) checkMacFree(ctx.machine, values.mac);
  refuseOtherDomainInReconfig(ctx, domain.name);
  let id = 0;
  while (ctx.machine.vswitches.some((s) => s.id === id)) id++;
  ctx.machine.vswitches.push({ name, domain: domain.name, netDev: values.netDev, mac: values.mac ?? nextMac(ctx.machine), defaultVlanId: values.defaultVlanId, pvid: values.pvid, vid: values.vid, mtu: values.mtu, id, linkprop: values.linkprop });
}

export function removeVsw(ctx: LdmContext, argv: readonly string[]): void {
  const args = parseArgs("remove-vswitch", argv, { flags: ["-f"], minOperands: 1, maxOperands: 1 });
  const name = args.operands[0]!;
  const index = ctx.machine.vswitches.findIndex((s) => s.name === name);
  if (index < 0) fail(LDM_ERRORS.vswUnknown(name));
  for (const d of ctx.machine.domains) {
    const v = d.vnets.find((x) => x.vswitch === name);
    if (v) fail(LDM_ERRORS.vswInUse(name, v.name, d.name));
  }
  ctx.machine.vswitches.splice(index, 1);
}
