/**
 * The guest side of a VF migration (DESIGN §5 rule 3): inside the guest, the VF and the vnet
 * are one IPMP group, VF active and vnet standby. Read with one batched exec (`dladm show-phys`,
 * `ipadm show-if`, `ipmpstat -P`), configured idempotently with `ipadm` (only the missing
 * pieces), and verified before and after the migration.
 */
import type { DesiredIpmpGroup } from "../../model";
import { GUEST_VNET_DEVICE_PATTERN, guestVnetDevice } from "../../ldm/assumptions";
import { commandLine } from "../../ldm/quote";
import { parseIpmpGroupInterfaces, parseIpmpstat } from "../../ldm/parse-ipmpstat";
import type { HostSession } from "../host-session";
import type { ObservedDomain, ObservedVf } from "../observed-state";
import { batchCommandLine, splitBatchOutput, type BatchPart } from "../read-batch";

export interface GuestLink {
  readonly link: string;
  readonly device: string;
}

export interface GuestInterface {
  readonly name: string;
  /** `ip`, `ipmp`, `loopback`. */
  readonly class: string;
  /** Members of an IPMP interface. */
  readonly over: readonly string[];
}

export interface GuestIpmpMember {
  readonly name: string;
  readonly group: string;
  readonly active: boolean;
  /** ipmpstat -i FLAGS: `s` marks a standby interface. */
  readonly standby: boolean;
  readonly linkUp: boolean;
  readonly ok: boolean;
}

export interface GuestObservation {
  readonly links: readonly GuestLink[];
  readonly interfaces: readonly GuestInterface[];
  readonly members: readonly GuestIpmpMember[];
  readonly groups: readonly { readonly name: string; readonly state: string; readonly active: readonly string[] }[];
}

const LINK_FIELDS = ["link", "device"] as const;
const IF_FIELDS = ["ifname", "class", "over"] as const;
const MEMBER_FIELDS = ["interface", "group", "active", "flags", "link", "state"] as const;
const GROUP_FIELDS = ["group", "state", "interfaces"] as const;

const GUEST_READS: readonly { name: string; argv: readonly string[] }[] = [
  { name: "links", argv: ["dladm", "show-phys", "-p", "-o", LINK_FIELDS.join(",")] },
  { name: "interfaces", argv: ["ipadm", "show-if", "-p", "-o", IF_FIELDS.join(",")] },
  { name: "members", argv: ["ipmpstat", "-P", "-o", MEMBER_FIELDS.join(","), "-i"] },
  { name: "groups", argv: ["ipmpstat", "-P", "-o", GROUP_FIELDS.join(","), "-g"] },
];

/** Thrown when the guest cannot be read; the message names the command and its error. */
export class GuestReadError extends Error {}

/** One exec: every guest listing, each with its own exit status. */
export async function observeGuest(session: HostSession): Promise<GuestObservation> {
  const parts: BatchPart[] = GUEST_READS.map((r) => ({ name: r.name, commandLine: commandLine(r.argv) }));
  const result = await session.exec(batchCommandLine(parts), "read");
  const sections = new Map(splitBatchOutput(result.stdout).map((s) => [s.name, s]));
  const output = (name: string): string => {
    const section = sections.get(name);
    if (!section || section.exitStatus !== 0) {
      const argv = GUEST_READS.find((r) => r.name === name)!.argv;
      const why = `${section?.output ?? ""}\n${result.stderr}`.trim().split("\n")[0] || `exit status ${section?.exitStatus ?? result.exitStatus ?? "unknown"}`;
      throw new GuestReadError(`\`${argv.join(" ")}\` failed in guest ${session.id}: ${why}`);
    }
    return section.output;
  };
  const links = parseIpmpstat(output("links"), LINK_FIELDS).map((r) => ({ link: r.link ?? "", device: r.device ?? "" }));
  const interfaces = parseIpmpstat(output("interfaces"), IF_FIELDS).map((r) => ({
    name: r.ifname ?? "",
    class: r.class ?? "",
    over: (r.over ?? "").split(/\s+/).filter((x) => x && x !== "--"),
  }));
  const members = parseIpmpstat(output("members"), MEMBER_FIELDS).map((r) => ({
    name: r.interface ?? "",
    group: r.group ?? "",
    active: r.active === "yes",
    standby: (r.flags ?? "").includes("s"),
    linkUp: r.link === "up",
    ok: r.state === "ok",
  }));
  const groups = parseIpmpstat(output("groups"), GROUP_FIELDS).map((r) => ({
    name: r.group ?? "",
    state: r.state ?? "",
    active: parseIpmpGroupInterfaces(r.interfaces ?? "").active,
  }));
  return { links, interfaces, members, groups };
}

export interface GroupLinks {
  /** Datalink of the VF (active member). */
  readonly vfLink: string;
  /** Datalink of the vnet (standby member). */
  readonly vnetLink: string;
}

/**
 * Which datalinks are the group's VF and vnet. The vnet is the link over device `vnet<id>`
 * (the vnet's `id` in `ldm list -l -p`); the VF is the one non-vnet link when the domain has
 * one Ethernet VF. Anything ambiguous is reported, never guessed.
 */
export function mapGroupLinks(
  guest: GuestObservation,
  domain: ObservedDomain,
  domainVfs: readonly ObservedVf[],
  group: DesiredIpmpGroup,
): GroupLinks | { readonly problem: string } {
  const vnet = domain.vnets.find((v) => v.ifName === group.standbyVnet);
  if (!vnet) return { problem: `vnet ${group.standbyVnet} is not in domain ${domain.name}` };
  const vnetLinks = guest.links.filter((l) => GUEST_VNET_DEVICE_PATTERN.test(l.device));
  const id = vnet.properties["id"];
  const byId = id !== undefined ? vnetLinks.find((l) => l.device === guestVnetDevice(id)) : undefined;
  const vnetLink = byId ?? (vnetLinks.length === 1 && domain.vnets.length === 1 ? vnetLinks[0] : undefined);
  if (!vnetLink) {
    return { problem: `no datalink in the guest shows vnet ${group.standbyVnet} (device ${guestVnetDevice(id ?? "?")}); dladm show-phys lists ${describeLinks(guest.links)}` };
  }
  const vfLinks = guest.links.filter((l) => !GUEST_VNET_DEVICE_PATTERN.test(l.device));
  const ethernetVfs = domainVfs.filter((v) => v.class === undefined || v.class === "NETWORK");
  if (ethernetVfs.length !== 1 || vfLinks.length !== 1) {
    return {
      problem: `cannot tell which datalink is VF ${group.activeVf}: the domain has ${ethernetVfs.length} Ethernet VF(s) and the guest ${vfLinks.length} non-vnet link(s) (${describeLinks(vfLinks)})`,
    };
  }
  return { vfLink: vfLinks[0]!.link, vnetLink: vnetLink.link };
}

function describeLinks(links: readonly GuestLink[]): string {
  return links.length ? links.map((l) => `${l.link} (${l.device})`).join(", ") : "none";
}

/** The `ipadm` commands still needed for the group (empty when it is configured). */
export function ipmpConfigureCommands(guest: GuestObservation, group: DesiredIpmpGroup, links: GroupLinks): { commands: string[][]; problems: string[] } {
  const commands: string[][] = [];
  const problems: string[] = [];
  const iface = (name: string) => guest.interfaces.find((i) => i.name === name);
  const groupOf = (name: string) => guest.interfaces.find((i) => i.class === "ipmp" && i.over.includes(name))?.name;
  for (const link of [links.vfLink, links.vnetLink]) if (!iface(link)) commands.push(["ipadm", "create-ip", link]);
  const ipmp = iface(group.name);
  if (ipmp && ipmp.class !== "ipmp") problems.push(`interface ${group.name} exists in the guest but is not an IPMP interface (class ${ipmp.class})`);
  if (!ipmp) commands.push(["ipadm", "create-ipmp", group.name]);
  for (const link of [links.vfLink, links.vnetLink]) {
    const current = groupOf(link);
    if (current === group.name) continue;
    if (current) problems.push(`${link} is already in IPMP group ${current}; remove it (ipadm remove-ipmp -i ${link} ${current}) or declare that group`);
    else commands.push(["ipadm", "add-ipmp", "-i", link, group.name]);
  }
  const standbyMember = guest.members.find((m) => m.name === links.vnetLink);
  if (!standbyMember?.standby) commands.push(["ipadm", "set-ifprop", "-p", "standby=on", "-m", "ip", links.vnetLink]);
  const vfMember = guest.members.find((m) => m.name === links.vfLink);
  if (vfMember?.standby) commands.push(["ipadm", "set-ifprop", "-p", "standby=off", "-m", "ip", links.vfLink]);
  return { commands, problems };
}

/**
 * Rule 3 as observed: the group exists with both members, the VF active, the vnet standby,
 * both links up. Returns the failures (empty when it holds).
 */
export function ipmpProblems(guest: GuestObservation, group: DesiredIpmpGroup, links: GroupLinks): string[] {
  const problems: string[] = [];
  const ipmp = guest.interfaces.find((i) => i.name === group.name && i.class === "ipmp");
  if (!ipmp) return [`the guest has no IPMP group ${group.name}`];
  const vf = guest.members.find((m) => m.name === links.vfLink && m.group === group.name);
  const vnet = guest.members.find((m) => m.name === links.vnetLink && m.group === group.name);
  if (!vf) problems.push(`${links.vfLink} (VF ${group.activeVf}) is not in IPMP group ${group.name}`);
  if (!vnet) problems.push(`${links.vnetLink} (vnet ${group.standbyVnet}) is not in IPMP group ${group.name}`);
  if (vf && (!vf.linkUp || !vf.ok)) problems.push(`${links.vfLink} (VF ${group.activeVf}) is not up (link ${vf.linkUp ? "up" : "down"}, state ${vf.ok ? "ok" : "failed"})`);
  if (vnet && (!vnet.linkUp || !vnet.ok)) problems.push(`${links.vnetLink} (vnet ${group.standbyVnet}) is not up (link ${vnet.linkUp ? "up" : "down"}, state ${vnet.ok ? "ok" : "failed"})`);
  if (vf && vf.linkUp && !vf.active) problems.push(`${links.vfLink} (VF ${group.activeVf}) is not the active interface`);
  if (vnet && !vnet.standby) problems.push(`${links.vnetLink} (vnet ${group.standbyVnet}) is not standby`);
  return problems;
}

export function describeGroup(group: DesiredIpmpGroup, links: GroupLinks): string {
  return `IPMP group ${group.name}: ${links.vfLink} (VF ${group.activeVf}) active, ${links.vnetLink} (vnet ${group.standbyVnet}) standby`;
}
