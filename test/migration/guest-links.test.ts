/**
 * Which guest datalink is which VF: by MAC (`dladm show-phys -m`, leading zeros dropped) against
 * the VF's `mac-addr` from `ldm`, so a guest with two VFs is told apart; without MACs, only the
 * one-VF case is decided and anything else is reported, never guessed.
 */
import { describe, expect, it } from "vitest";
import { mapGroupLinks, type GuestObservation } from "../../src/engine/migration";
import type { ObservedDomain, ObservedVf } from "../../src/engine/observed-state";

const DOMAIN: ObservedDomain = { name: "web1", state: "active", vnets: [{ ifName: "vnet0", vswitch: "primary-vsw0", properties: { id: "0" } }, { ifName: "vnet1", vswitch: "primary-vsw1", properties: { id: "1" } }] };
const vf = (name: string, alias: string, mac: string): ObservedVf => ({ alias, pf: alias.replace(/\.VF\d+$/, ""), name, domain: "web1", class: "NETWORK", properties: { "mac-addr": mac } });
const VFS = [vf("web1-app", "/SYS/MB/NET0/IOVNET.PF0.VF0", "00:14:4f:f8:0a:01"), vf("web1-db", "/SYS/MB/NET2/IOVNET.PF0.VF0", "00:14:4f:f8:0b:02")];

function guest(macs: boolean): GuestObservation {
  const links = [
    { link: "net0", device: "vnet0" },
    { link: "net1", device: "vnet1" },
    { link: "net2", device: "ixgbevf0", mac: "0:14:4f:f8:b:2" },
    { link: "net3", device: "ixgbevf1", mac: "0:14:4f:f8:a:1" },
  ];
  return { links: links.map(({ mac, ...l }) => (macs ? { ...l, mac } : l)), interfaces: [], members: [], groups: [] };
}

describe("mapping a VF to its guest datalink", () => {
  it("two VFs in one guest: each found by its MAC, each vnet by its device id", () => {
    expect(mapGroupLinks(guest(true), DOMAIN, VFS, { name: "ipmp0", activeVf: "web1-app", standbyVnet: "vnet0" })).toEqual({ vfLink: "net3", vnetLink: "net0" });
    expect(mapGroupLinks(guest(true), DOMAIN, VFS, { name: "ipmp1", activeVf: "web1-db", standbyVnet: "vnet1" })).toEqual({ vfLink: "net2", vnetLink: "net1" });
  });

  it("without MACs two VFs cannot be told apart: reported, not guessed", () => {
    expect(mapGroupLinks(guest(false), DOMAIN, VFS, { name: "ipmp0", activeVf: "web1-app", standbyVnet: "vnet0" })).toEqual({
      problem: "cannot tell which datalink is VF web1-app: the domain has 2 Ethernet VF(s) and the guest 2 non-vnet link(s) (net2 (ixgbevf0), net3 (ixgbevf1))",
    });
  });
});
