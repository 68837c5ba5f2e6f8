import { describe, expect, it } from "vitest";
import { ControlDomain, EthernetVf, GuestDomain, Vnet } from "../../src/constructs";
import { VF_PROPERTY_ORDER, VNET_PROPERTY_ORDER } from "../../src/ldm/properties";
import { KEY_A, newStack } from "./fixture";

function domain() {
  const host = new ControlDomain(newStack(), "t7-a", { address: "t7-a.example.net", user: "ldmops", hostKey: KEY_A });
  return new GuestDomain(host, "ldg1");
}

describe("the constructs write the catalogued properties (src/ldm/properties.ts)", () => {
  it("an EthernetVf with every prop given writes every catalogued VF property, in catalogue order", () => {
    const vf = new EthernetVf(domain(), "vf0", {
      pf: "/SYS/MB/NET0/IOVNET.PF0", name: "ldg1-app", macAddr: "0:14:4F:f8:1c:a5", altMacAddrs: ["auto", "00:14:4f:f8:1c:a6"], pvid: 100, vid: [200, 300], mtu: 9000,
    });
    expect(Object.keys(vf.properties())).toEqual(VF_PROPERTY_ORDER);
    expect(vf.properties()).toEqual({ "mac-addr": "00:14:4f:f8:1c:a5", "alt-mac-addrs": "auto,00:14:4f:f8:1c:a6", pvid: "100", vid: "200,300", mtu: "9000" });
    vf.addVid(400);
    expect([vf.vid, vf.properties().vid, vf.macAddr, vf.altMacAddrs, vf.pvid, vf.mtu]).toEqual([[200, 300, 400], "200,300,400", "00:14:4f:f8:1c:a5", ["auto", "00:14:4f:f8:1c:a6"], 100, 9000]);
  });

  it("a Vnet with every prop given writes every catalogued vnet property, in catalogue order", () => {
    const vnet = new Vnet(domain(), "vnet0", { vswitch: "primary-vsw0", pvid: 100, vid: [200], mtu: 9000, networkId: 3, linkprop: "phys-state" });
    expect(Object.keys(vnet.properties())).toEqual(VNET_PROPERTY_ORDER);
    expect(vnet.properties()).toEqual({ pvid: "100", vid: "200", mtu: "9000", id: "3", linkprop: "phys-state" });
    expect([vnet.pvid, vnet.vid, vnet.mtu, vnet.networkId, vnet.linkprop]).toEqual([100, [200], 9000, 3, "phys-state"]);
  });

  it("checks the mtu against the catalogued range, with the construct's words", () => {
    expect(() => new EthernetVf(domain(), "vf0", { pf: "/SYS/MB/NET0/IOVNET.PF0", name: "a", mtu: 9217 })).toThrow(
      "prod-move/t7-a/ldg1/vf0: mtu 9217 is not a valid VF MTU; use an integer from 1500 to 9216",
    );
    expect(() => new Vnet(domain(), "vnet0", { vswitch: "primary-vsw0", mtu: 16001 })).toThrow(
      "prod-move/t7-a/ldg1/vnet0: mtu 16001 is not a valid vnet MTU; use an integer from 1500 to 16000",
    );
  });
});
