/**
 * A modelled Solaris guest's network, derived from its domain's devices: each vnet is a
 * `vnetN` device and each Ethernet VF a `<driver>N` device (ref §6.2 [I]), both shown as
 * datalinks `netN`. Link names stick to a device (by vnet name, or by the VF's user-assigned
 * name so the target VF of a migration takes over the source VF's link, GUEST_VF_KEEPS_LINK).
 */
import type { DomainState, GuestIpInterface, GuestState, MachineState } from "../state";
import { GUEST_VF_KEEPS_LINK, guestVnetDevice } from "../../ldm/assumptions";
import { vfAlias } from "../ldm/lookup";

export interface LinkView {
  readonly link: string;
  readonly device: string;
  readonly present: boolean;
  /** The device is present and has a carrier (its PF's port is not down). */
  readonly up: boolean;
  readonly speed: number;
  readonly duplex: string;
  /** The device's MAC address as `ldm` prints it (two-digit octets); absent when the device is gone. */
  readonly mac?: string;
  /** Its alternate MAC addresses (`alt-mac-addrs`), in `ldm`'s order. */
  readonly altMacs: readonly string[];
}

interface DeviceNow {
  readonly key: string;
  readonly base: string;
  readonly speed: number;
  readonly duplex: string;
  readonly mac?: string;
  readonly altMacs: readonly string[];
  readonly up: boolean;
}

function devicesNow(machine: MachineState, domain: DomainState): DeviceNow[] {
  const vnets = domain.vnets.map((v) => ({ key: `vnet:${v.name}`, base: `vnet#${v.id}`, speed: 0, duplex: "unknown", mac: v.mac, altMacs: v.altMacs, up: true }));
  const vfs = machine.pfs
    .filter((pf) => pf.class === "NETWORK")
    .flatMap((pf) => pf.vfs.filter((vf) => vf.domain === domain.name).map((vf) => ({ key: `vf:${(GUEST_VF_KEEPS_LINK ? vf.name : undefined) ?? vfAlias(pf, vf)}`, base: `${pf.vfDriver}#`, speed: 10000, duplex: "full", mac: vf.mac, altMacs: vf.altMacs, up: pf.linkDown !== true })));
  return [...vnets, ...vfs];
}

/** Gives every device present a link name (kept forever after), and reports each link's presence. */
export function reconcileLinks(guest: GuestState, machine: MachineState, domain: DomainState): LinkView[] {
  const now = devicesNow(machine, domain);
  for (const dev of now) {
    if (Object.values(guest.links).some((l) => l.key === dev.key)) continue;
    let n = 0;
    while (guest.links[`net${n}`]) n++;
    let device: string;
    if (dev.base.startsWith("vnet#")) device = guestVnetDevice(dev.base.slice(5));
    else {
      const driver = dev.base.slice(0, -1);
      let i = 0;
      while (Object.values(guest.links).some((l) => l.device === `${driver}${i}`)) i++;
      device = `${driver}${i}`;
    }
    guest.links[`net${n}`] = { key: dev.key, device };
  }
  return Object.entries(guest.links)
    .map(([link, l]) => {
      const dev = now.find((d) => d.key === l.key);
      return { link, device: l.device, present: dev !== undefined, up: dev?.up === true, speed: dev?.speed ?? 0, duplex: dev?.duplex ?? "unknown", altMacs: dev?.altMacs ?? [], ...(dev?.mac ? { mac: dev.mac } : {}) };
    })
    .sort((a, b) => Number(a.link.slice(3)) - Number(b.link.slice(3)));
}

export interface MemberView {
  readonly name: string;
  readonly group: string;
  readonly active: boolean;
  readonly usable: boolean;
  readonly standby: boolean;
  readonly flags: string;
}

export interface GroupView {
  readonly name: string;
  readonly state: "ok" | "degraded" | "failed";
  readonly members: readonly MemberView[];
}

/** IPMP semantics: usable (link up) non-standby members are active; standby members only when none is. */
export function ipmpGroups(interfaces: readonly GuestIpInterface[], links: readonly LinkView[]): GroupView[] {
  const usableLink = (name: string) => links.some((l) => l.link === name && l.up);
  return interfaces
    .filter((i) => i.kind === "ipmp")
    .map((g) => {
      const members = interfaces.filter((i) => i.kind === "ip" && i.group === g.name);
      const usable = members.filter((m) => usableLink(m.name));
      const primaryUsable = usable.some((m) => !m.standby);
      let designated = false;
      const views: MemberView[] = members.map((m) => {
        const ok = usableLink(m.name);
        const active = ok && (!m.standby || !primaryUsable);
        const mb = active && !designated;
        if (mb) designated = true;
        // Solaris 11 FLAGS (evidence §7): i s m b M d h; the designated member also carries IPv6 multicast (M), a member whose link is gone is down (d).
        const flags = `${ok && !active ? "i" : "-"}${m.standby ? "s" : "-"}${mb ? "mbM" : "---"}${ok ? "-" : "d"}-`;
        return { name: m.name, group: g.name, active, usable: ok, standby: m.standby, flags };
      });
      const state = members.length && usable.length === members.length ? "ok" : usable.length ? "degraded" : "failed";
      return { name: g.name, state, members: views };
    });
}
