/**
 * The guest side of a VF migration (DESIGN §5 rule 3): inside the guest, the VF and the vnet
 * are one IPMP group, VF active and vnet standby. Read with one batched exec (`dladm show-phys`,
 * `ipadm show-if`, `ipmpstat -P`), configured idempotently with `ipadm` (only the missing
 * pieces), and verified before and after the migration.
 */
import { createHash } from "node:crypto";
import type { DesiredIpmpGroup } from "../../model";
import { DLADM_PRIMARY_MAC_ROW, GUEST_VNET_DEVICE_PATTERN, guestVnetDevice } from "../../ldm/assumptions";
import { commandLine } from "../../ldm/quote";
import { MAC_ADDRESS, normalizeMac } from "../../ldm/syntax";
import { parseIpmpGroupInterfaces, parseIpmpstat } from "../../ldm/parse-ipmpstat";
import type { HostSession } from "../host-session";
import type { ObservedDomain, ObservedVf } from "../observed-state";
import { batchCommandLine, splitBatchOutput, type BatchPart } from "../read-batch";

export interface GuestLink {
  readonly link: string;
  readonly device: string;
  /** The link's MAC as `dladm show-phys -m` prints it (leading zeros dropped); absent when not read. */
  readonly mac?: string;
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

const MAC_FIELDS = ["link", "address"] as const;

/** `optional`: a guest whose dladm cannot answer it is still read (without what it adds). */
const GUEST_READS: readonly { name: string; argv: readonly string[]; optional?: true }[] = [
  { name: "links", argv: ["dladm", "show-phys", "-p", "-o", LINK_FIELDS.join(",")] },
  // Which link is which VF: by MAC, as Oracle's own tooling maps them (evidence §8).
  { name: "macs", argv: ["dladm", "show-phys", "-m", "-p", "-o", MAC_FIELDS.join(",")], optional: true },
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
  // A link with alternate MACs has a row per MAC slot: keep the primary's (DLADM_PRIMARY_MAC_ROW).
  const macs = new Map<string, string>();
  const rows = macsOf(sections.get("macs"));
  for (const r of DLADM_PRIMARY_MAC_ROW === "first" ? rows : [...rows].reverse()) if (r.link && !macs.has(r.link)) macs.set(r.link, r.address ?? "");
  const links = parseIpmpstat(output("links"), LINK_FIELDS).map((r): GuestLink => {
    const mac = macs.get(r.link ?? "");
    return { link: r.link ?? "", device: r.device ?? "", ...(mac ? { mac } : {}) };
  });
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

/** The `link,address` rows of `dladm show-phys -m -p`, or none when it failed or cannot be read. */
function macsOf(section: { readonly output: string; readonly exitStatus: number | null } | undefined): Record<string, string>[] {
  if (!section || section.exitStatus !== 0) return [];
  try {
    return parseIpmpstat(section.output, MAC_FIELDS);
  } catch {
    return [];
  }
}

export interface GroupLinks {
  /** Datalink of the VF (active member). */
  readonly vfLink: string;
  /** Datalink of the vnet (standby member). */
  readonly vnetLink: string;
}

/**
 * Which datalinks are the group's VF and vnet. The vnet is the link over device `vnet<id>`
 * (the vnet's `id` in `ldm list -l -p`); the VF is the link whose MAC is the VF's `mac-addr`
 * (`dladm show-phys -m`), or, when MACs cannot be compared, the one non-vnet link when the
 * domain has one Ethernet VF. Anything ambiguous is reported, never guessed.
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
  const vf = domainVfs.find((v) => v.name === group.activeVf);
  const ethernetVfs = domainVfs.filter((v) => v.class === undefined || v.class === "NETWORK");
  // The VF is gone from the domain (no unnamed VF could be it): the one link left is another VF's.
  if (!vf && ethernetVfs.every((v) => v.name)) return { problem: `VF ${group.activeVf} is not assigned to domain ${domain.name}` };
  const vfLinks = guest.links.filter((l) => !GUEST_VNET_DEVICE_PATTERN.test(l.device));
  const byMac = linkOfVfByMac(vfLinks, vf);
  if (byMac) return { vfLink: byMac.link, vnetLink: vnetLink.link };
  if (ethernetVfs.length !== 1 || vfLinks.length !== 1) {
    return {
      problem: `cannot tell which datalink is VF ${group.activeVf}: the domain has ${ethernetVfs.length} Ethernet VF(s) and the guest ${vfLinks.length} non-vnet link(s) (${describeLinks(vfLinks)})`,
    };
  }
  return { vfLink: vfLinks[0]!.link, vnetLink: vnetLink.link };
}

/** The one link whose MAC is the VF's (`ldm` prints two-digit octets, `dladm` drops leading zeros). */
function linkOfVfByMac(links: readonly GuestLink[], vf: ObservedVf | undefined): GuestLink | undefined {
  const mac = vf?.properties["mac-addr"];
  if (mac === undefined || !MAC_ADDRESS.test(mac)) return undefined;
  const same = links.filter((l) => l.mac !== undefined && MAC_ADDRESS.test(l.mac) && normalizeMac(l.mac) === normalizeMac(mac));
  return same.length === 1 ? same[0] : undefined;
}

function describeLinks(links: readonly GuestLink[]): string {
  return links.length ? links.map((l) => `${l.link} (${l.device})`).join(", ") : "none";
}

/**
 * One `ipadm` command the guest still needs, shown like a host action: `+` adds an interface
 * or a member, `~` changes a member in place.
 */
export interface GuestIpmpStep {
  readonly symbol: "+" | "~";
  readonly summary: string;
  /** Why it is needed, on the guest as read. */
  readonly reason: string;
  readonly argv: readonly string[];
  /** The quoted command line that runs in the guest. */
  readonly commandLine: string;
}

function guestStep(symbol: GuestIpmpStep["symbol"], summary: string, reason: string, argv: readonly string[]): GuestIpmpStep {
  return { symbol, summary, reason, argv, commandLine: commandLine(argv) };
}

/** The `ipadm` steps still needed for the group, in order (empty when it is configured). */
export function ipmpConfigureSteps(guest: GuestObservation, group: DesiredIpmpGroup, links: GroupLinks): { steps: GuestIpmpStep[]; problems: string[] } {
  const steps: GuestIpmpStep[] = [];
  const problems: string[] = [];
  const iface = (name: string) => guest.interfaces.find((i) => i.name === name);
  const groupOf = (name: string) => guest.interfaces.find((i) => i.class === "ipmp" && i.over.includes(name))?.name;
  const roles = [
    { link: links.vfLink, what: `VF "${group.activeVf}"` },
    { link: links.vnetLink, what: `vnet ${group.standbyVnet}` },
  ];
  for (const { link, what } of roles) {
    if (!iface(link)) steps.push(guestStep("+", `create IP interface ${link} (${what})`, `the guest has no IP interface on datalink ${link}`, ["ipadm", "create-ip", link]));
  }
  const ipmp = iface(group.name);
  if (ipmp && ipmp.class !== "ipmp") problems.push(`interface ${group.name} exists in the guest but is not an IPMP interface (class ${ipmp.class})`);
  if (!ipmp) steps.push(guestStep("+", `create IPMP group ${group.name}`, `the guest has no interface ${group.name}`, ["ipadm", "create-ipmp", group.name]));
  for (const { link, what } of roles) {
    const current = groupOf(link);
    if (current === group.name) continue;
    if (current) problems.push(`${link} is already in IPMP group ${current}; remove it (ipadm remove-ipmp -i ${link} ${current}) or declare that group`);
    else steps.push(guestStep("+", `add ${link} (${what}) to IPMP group ${group.name}`, `${link} is in no IPMP group`, ["ipadm", "add-ipmp", "-i", link, group.name]));
  }
  const standbyMember = guest.members.find((m) => m.name === links.vnetLink);
  if (!standbyMember?.standby) {
    steps.push(
      guestStep("~", `make ${links.vnetLink} (vnet ${group.standbyVnet}) standby in ${group.name}`, standbyMember ? `${links.vnetLink} is not standby` : `${links.vnetLink} is not an IPMP member yet`, [
        "ipadm",
        "set-ifprop",
        "-p",
        "standby=on",
        "-m",
        "ip",
        links.vnetLink,
      ]),
    );
  }
  const vfMember = guest.members.find((m) => m.name === links.vfLink);
  if (vfMember?.standby) {
    steps.push(
      guestStep("~", `make ${links.vfLink} (VF "${group.activeVf}") active in ${group.name}`, `${links.vfLink} is standby; the VF must be the active interface`, ["ipadm", "set-ifprop", "-p", "standby=off", "-m", "ip", links.vfLink]),
    );
  }
  return { steps, problems };
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

/**
 * Which interfaces carry the group's data when the VF is not among them (`ipmpstat -g`), e.g.
 * the group stayed on its vnet; undefined when the VF is active or the group carries nothing.
 */
export function groupRunsElsewhere(guest: GuestObservation, group: DesiredIpmpGroup, links: GroupLinks): string | undefined {
  const active = guest.groups.find((g) => g.name === group.name)?.active ?? [];
  if (!active.length || active.includes(links.vfLink)) return undefined;
  const named = active.map((link) => (link === links.vnetLink ? `${link} (vnet ${group.standbyVnet})` : link));
  return `the group runs on ${named.join(", ")}, not on VF ${group.activeVf}`;
}

export function describeGroup(group: DesiredIpmpGroup, links: GroupLinks): string {
  return `IPMP group ${group.name}: ${links.vfLink} (VF ${group.activeVf}) active, ${links.vnetLink} (vnet ${group.standbyVnet}) standby`;
}

/**
 * What the guest's IPMP steps depend on: datalinks, IP interfaces and their members, and which
 * members are standby. Link state, failures and which member is active are left out: they
 * change without anyone changing the configuration.
 */
export interface GuestConfiguration {
  readonly links: readonly GuestLink[];
  readonly interfaces: readonly GuestInterface[];
  readonly members: readonly { readonly name: string; readonly group: string; readonly standby: boolean }[];
}

const byName = <T>(key: (t: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

/** The canonical configuration of a guest (sorted, so equal guests give equal JSON). */
export function guestConfiguration(guest: GuestObservation | GuestConfiguration): GuestConfiguration {
  return {
    links: guest.links.map((l) => ({ link: l.link, device: l.device })).sort(byName((l) => l.link)),
    interfaces: guest.interfaces.map((i) => ({ name: i.name, class: i.class, over: [...i.over].sort() })).sort(byName((i) => i.name)),
    members: guest.members.map((m) => ({ name: m.name, group: m.group, standby: m.standby })).sort(byName((m) => m.name)),
  };
}

/** `sha256:` of the guest's canonical configuration: what a saved plan pins. */
export function fingerprintGuest(guest: GuestObservation | GuestConfiguration): string {
  return `sha256:${createHash("sha256").update(JSON.stringify(guestConfiguration(guest))).digest("hex")}`;
}

/** Human lines naming what differs between two configurations of one guest (for stale plans). */
export function describeGuestChanges(before: GuestConfiguration, after: GuestConfiguration): string[] {
  const a = guestConfiguration(before);
  const b = guestConfiguration(after);
  const changes: string[] = [];
  const compare = <T>(items: (side: GuestConfiguration) => readonly T[], key: (t: T) => string, label: (t: T) => string, change: (l: T, r: T) => string | undefined) => {
    const left = new Map(items(a).map((t) => [key(t), t]));
    const right = new Map(items(b).map((t) => [key(t), t]));
    for (const [k, l] of left) {
      const r = right.get(k);
      if (!r) changes.push(`${label(l)} is gone`);
      else {
        const what = change(l, r);
        if (what) changes.push(`${label(l)} changed: ${what}`);
      }
    }
    for (const [k, r] of right) if (!left.has(k)) changes.push(`${label(r)} appeared`);
  };
  compare(
    (g) => g.links,
    (l) => l.link,
    (l) => `datalink ${l.link}`,
    (l, r) => (l.device !== r.device ? `device ${l.device} -> ${r.device}` : undefined),
  );
  const words = (xs: readonly string[]) => (xs.length ? xs.join(" ") : "none");
  compare(
    (g) => g.interfaces,
    (i) => i.name,
    (i) => `${i.class === "ipmp" ? "IPMP" : "IP"} interface ${i.name}`,
    (l, r) =>
      [l.class !== r.class ? `class ${l.class} -> ${r.class}` : "", words(l.over) !== words(r.over) ? `members ${words(l.over)} -> ${words(r.over)}` : ""].filter(Boolean).join(", ") || undefined,
  );
  const role = (m: { group: string; standby: boolean }) => `${m.standby ? "standby" : "not standby"} in ${m.group || "no group"}`;
  compare(
    (g) => g.members,
    (m) => m.name,
    (m) => `IPMP member ${m.name}`,
    (l, r) => (role(l) !== role(r) ? `${role(l)} -> ${role(r)}` : undefined),
  );
  return changes;
}
