import { describe, expect, it } from "vitest";
import {
  ControlDomain, EthernetVf, FibreChannelVf, GuestDomain, InfiniBandVf, IpmpGroup, Network, SriovMigration, VirtualSwitch, Vnet,
} from "../../src/constructs";
import { ValidationError } from "../../src/model";
import { KEY_A, newStack } from "./fixture";

function guest() {
  const stack = newStack();
  const host = new ControlDomain(stack, "t7-a", { address: "t7-a.example.net" });
  return { stack, host, ldg1: new GuestDomain(host, "ldg1") };
}

/** Runs `build` and returns the ValidationError message it throws. */
function errorOf(build: () => unknown): string {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as Error).message;
  }
  throw new Error("expected a ValidationError, nothing was thrown");
}

describe("EthernetVf call-site validation", () => {
  it("rejects a typo in the PF path, naming the construct path, the value and the fix", () => {
    const { ldg1 } = guest();
    const message = errorOf(() => new EthernetVf(ldg1, "vf0", { pf: "/SYS/MB/NET0/IOVNET.PFO", name: "ldg1-app" }));
    expect(message).toBe(
      'prod-move/t7-a/ldg1/vf0: pf "/SYS/MB/NET0/IOVNET.PFO" is not the pseudonym of an Ethernet PF (.../IOVNET.PF<n>); use the pseudonym of an Ethernet PF as `ldm list-io` prints it, e.g. /SYS/MB/NET0/IOVNET.PF0',
    );
  });

  it("rejects a Fibre Channel PF, a VF given as pf and a PF given as vf", () => {
    const { ldg1 } = guest();
    expect(errorOf(() => new EthernetVf(ldg1, "a", { pf: "/SYS/MB/PCIE7/IOVFC.PF0", name: "a" })))
      .toContain('pf "/SYS/MB/PCIE7/IOVFC.PF0" is a Fibre Channel PF; only Ethernet (IOVNET) VFs can be migrated');
    expect(errorOf(() => new EthernetVf(ldg1, "b", { pf: "/SYS/MB/NET0/IOVNET.PF0.VF1", name: "b" })))
      .toContain('pf "/SYS/MB/NET0/IOVNET.PF0.VF1" is a VF, not a PF');
    expect(errorOf(() => new EthernetVf(ldg1, "c", { vf: "/SYS/MB/NET0/IOVNET.PF0", name: "c" })))
      .toContain('vf "/SYS/MB/NET0/IOVNET.PF0" is a PF, not a VF');
    expect(errorOf(() => new EthernetVf(ldg1, "d", { vf: "/SYS/MB/RISER1/PCIE4/IOVIB.PF0.VF0", name: "d" })))
      .toContain("is an InfiniBand VF, not an Ethernet VF");
  });

  it("needs exactly one of pf and vf", () => {
    const { ldg1 } = guest();
    expect(errorOf(() => new EthernetVf(ldg1, "a", { name: "a" })))
      .toBe("prod-move/t7-a/ldg1/a: neither pf nor vf is set; give pf (the Ethernet PF to create the VF on) or vf (an existing VF to adopt)");
    expect(errorOf(() => new EthernetVf(ldg1, "b", { name: "b", pf: "/SYS/MB/NET0/IOVNET.PF0", vf: "/SYS/MB/NET0/IOVNET.PF0.VF0" })))
      .toContain('vf "/SYS/MB/NET0/IOVNET.PF0.VF0" is given together with pf "/SYS/MB/NET0/IOVNET.PF0"');
  });

  it.each([
    ["ldg1;reboot", '";"'],
    ["ldg1'app", `"'"`],
    ['ldg1"app', '"\\""'],
    ["ldg1 app", '" "'],
    ["ldg1$(id)", '"$"'],
    ["ldg1`id`", '"`"'],
  ])("rejects the VF name %s because of its shell metacharacter", (name, shown) => {
    const { ldg1 } = guest();
    const message = errorOf(() => new EthernetVf(ldg1, "vf0", { pf: "/SYS/MB/NET0/IOVNET.PF0", name }));
    expect(message).toBe(
      `prod-move/t7-a/ldg1/vf0: name ${JSON.stringify(name)} contains ${shown}, which is not allowed in LDoms names here; use 1-64 characters: letters, digits and - _ + . : (starting with a letter or digit)`,
    );
  });

  it("rejects an empty, a too long and a badly starting name", () => {
    const { ldg1 } = guest();
    expect(errorOf(() => new EthernetVf(ldg1, "a", { pf: "/SYS/MB/NET0/IOVNET.PF0", name: "" }))).toContain('name "" is not a name');
    expect(errorOf(() => new EthernetVf(ldg1, "b", { pf: "/SYS/MB/NET0/IOVNET.PF0", name: "x".repeat(65) }))).toContain("is longer than 64 characters");
    expect(errorOf(() => new EthernetVf(ldg1, "c", { pf: "/SYS/MB/NET0/IOVNET.PF0", name: "-app" }))).toContain('name "-app" is not a valid LDoms name');
  });

  it("rejects VLAN 5000, VLAN 0 and a repeated vid", () => {
    const { ldg1 } = guest();
    expect(errorOf(() => new EthernetVf(ldg1, "a", { pf: "/SYS/MB/NET0/IOVNET.PF0", name: "a", pvid: 5000 })))
      .toBe("prod-move/t7-a/ldg1/a: pvid 5000 is not a VLAN id; use an integer from 1 to 4094");
    expect(errorOf(() => new EthernetVf(ldg1, "b", { pf: "/SYS/MB/NET0/IOVNET.PF0", name: "b", vid: [100, 0] })))
      .toBe("prod-move/t7-a/ldg1/b: vid[1] 0 is not a VLAN id; use an integer from 1 to 4094");
    expect(errorOf(() => new EthernetVf(ldg1, "c", { pf: "/SYS/MB/NET0/IOVNET.PF0", name: "c", vid: [200, 200] })))
      .toContain("vid [200,200] lists VLAN 200 twice");
    expect(errorOf(() => new Network(newStack(), "n", { vlan: 5000 }))).toBe("prod-move/n: vlan 5000 is not a VLAN id; use an integer from 1 to 4094");
  });

  it("checks the VF MTU range and MAC syntax, and canonicalises MACs", () => {
    const { ldg1 } = guest();
    expect(errorOf(() => new EthernetVf(ldg1, "a", { pf: "/SYS/MB/NET0/IOVNET.PF0", name: "a", mtu: 9217 })))
      .toBe("prod-move/t7-a/ldg1/a: mtu 9217 is not a valid VF MTU; use an integer from 1500 to 9216");
    expect(errorOf(() => new EthernetVf(ldg1, "b", { pf: "/SYS/MB/NET0/IOVNET.PF0", name: "b", macAddr: "00:14:4f:f8:1c" })))
      .toContain('macAddr "00:14:4f:f8:1c" is not a MAC address; use six colon-separated hex octets');
    expect(errorOf(() => new EthernetVf(ldg1, "c", { pf: "/SYS/MB/NET0/IOVNET.PF0", name: "c", altMacAddrs: ["auto", "zz:14:4f:f8:1c:a5"] })))
      .toContain('altMacAddrs[1] "zz:14:4f:f8:1c:a5" is not a MAC address');
    const vf = new EthernetVf(ldg1, "d", { pf: "/SYS/MB/NET0/IOVNET.PF0", name: "d", macAddr: "0:14:4F:F8:1C:A5", altMacAddrs: ["auto"], vid: [200, 300] });
    expect(vf.properties()).toEqual({ "mac-addr": "00:14:4f:f8:1c:a5", "alt-mac-addrs": "auto", vid: "200,300" });
  });
});

describe("ControlDomain call-site validation", () => {
  it("rejects a malformed host key fingerprint", () => {
    expect(errorOf(() => new ControlDomain(newStack(), "t7-a", { address: "t7-a", hostKey: "SHA256:short" })))
      .toBe('prod-move/t7-a: hostKey "SHA256:short" is not a SHA256 host key fingerprint; use the form `ssh-keygen -lf` prints: SHA256: followed by 43 base64 characters');
    expect(errorOf(() => new ControlDomain(newStack(), "t7-a", { address: "t7-a", hostKey: "MD5:aa:bb" }))).toContain("is not a SHA256 host key fingerprint");
  });

  it("rejects a bad address, port, user, host id, ldm path and a doubly pinned key", () => {
    expect(errorOf(() => new ControlDomain(newStack(), "t7-a", { address: "t7-a;id" }))).toContain('address "t7-a;id" is not a host name or IP address');
    expect(errorOf(() => new ControlDomain(newStack(), "t7-a", { address: "t7-a", port: 70000 }))).toContain("port 70000 is not a valid TCP port; use an integer from 1 to 65535");
    expect(errorOf(() => new ControlDomain(newStack(), "t7-a", { address: "t7-a", user: "root;id" }))).toContain('user "root;id" is not a user name');
    expect(errorOf(() => new ControlDomain(newStack(), "t7 a", { address: "t7-a" }))).toContain('prod-move/t7 a: id "t7 a" contains " "');
    expect(errorOf(() => new ControlDomain(newStack(), "t7-a", { address: "t7-a", ldmPath: "ldm; rm" }))).toContain('ldmPath "ldm; rm" is not a command name or path');
    expect(errorOf(() => new ControlDomain(newStack(), "t7-a", { address: "t7-a", hostKey: KEY_A, knownHostsFile: "/etc/ssh/known" })))
      .toContain("is given together with hostKey; pin the host key one way");
  });

  it("applies the documented defaults", () => {
    const host = new ControlDomain(newStack(), "t7-a", { address: "t7-a" });
    expect({ port: host.port, user: host.user, pfexec: host.pfexec, ldmPath: host.ldmPath }).toEqual({ port: 22, user: "root", pfexec: false, ldmPath: "ldm" });
  });
});

describe("ids written into commands (ldoms apply --host, ldoms migrate, Terraform local-exec)", () => {
  const rule = "use 1-64 characters: letters, digits and - _ + . : (starting with a letter or digit)";

  it("refuses a ControlDomain id that would be shell text", () => {
    expect(errorOf(() => new ControlDomain(newStack(), "t7-a;touch pwned;", { address: "t7-a" })))
      .toBe(`prod-move/t7-a;touch pwned;: id "t7-a;touch pwned;" contains ";", which is not allowed in LDoms names here; ${rule}`);
  });

  it("refuses a SriovMigration id that would be shell text, an option or empty", () => {
    const { stack, ldg1 } = guest();
    const target = new ControlDomain(stack, "t7-b", { address: "t7-b" });
    const props = { domain: ldg1, target, targetPf: "/SYS/MB/NET2/IOVNET.PF0" };
    expect(errorOf(() => new SriovMigration(stack, "m1;touch pwned;", props)))
      .toBe(`prod-move/m1;touch pwned;: id "m1;touch pwned;" contains ";", which is not allowed in LDoms names here; ${rule}`);
    expect(errorOf(() => new SriovMigration(stack, "m1 --dry-run", props))).toContain('id "m1 --dry-run" contains " "');
    expect(errorOf(() => new SriovMigration(stack, "m1'x", props))).toContain(`id "m1'x" contains "'"`);
    expect(errorOf(() => new SriovMigration(stack, "--force", props))).toBe(`prod-move/--force: id "--force" is not a valid LDoms name; ${rule}`);
    expect(errorOf(() => new SriovMigration(stack, "m$(id)", props))).toContain('id "m$(id)" contains "$"');
  });
});

describe("placement and relations checked at the call site", () => {
  it("requires a GuestDomain inside a ControlDomain and refuses primary", () => {
    const stack = newStack();
    expect(errorOf(() => new GuestDomain(stack, "ldg1"))).toContain("prod-move/ldg1: a GuestDomain must be created inside a ControlDomain (a domain that stays there) or a MigrationGroup (a domain that moves between its hosts), not inside prod-move");
    const host = new ControlDomain(stack, "t7-a", { address: "t7-a" });
    expect(errorOf(() => new GuestDomain(host, "primary"))).toContain('name "primary" is the control domain itself');
  });

  it("checks vnet MTU, linkprop and a switch of another machine", () => {
    const { stack, ldg1 } = guest();
    expect(errorOf(() => new Vnet(ldg1, "vnet0", { vswitch: "primary-vsw0", mtu: 16001 })))
      .toBe("prod-move/t7-a/ldg1/vnet0: mtu 16001 is not a valid vnet MTU; use an integer from 1500 to 16000");
    expect(errorOf(() => new Vnet(ldg1, "vnet1", { vswitch: "primary-vsw0", linkprop: "auto" as "phys-state" })))
      .toContain('linkprop "auto" is not supported; use one of "phys-state"');
    const other = new ControlDomain(stack, "t7-b", { address: "t7-b" });
    const sw = new VirtualSwitch(other, "primary-vsw0");
    expect(errorOf(() => new Vnet(ldg1, "vnet2", { vswitch: sw }))).toContain("is declared on another control domain than the vnet's");
    expect(errorOf(() => new Vnet(ldg1, "vnet3", { vswitch: "primary vsw0" }))).toContain('vswitch "primary vsw0" contains " "');
  });

  it("pairs only devices of the same domain in an IPMP group", () => {
    const { host, ldg1 } = guest();
    const ldg2 = new GuestDomain(host, "ldg2");
    const vf = new EthernetVf(ldg1, "vf0", { pf: "/SYS/MB/NET0/IOVNET.PF0", name: "ldg1-app" });
    const vnet = new Vnet(ldg2, "vnet0", { vswitch: "primary-vsw0" });
    expect(errorOf(() => new IpmpGroup(ldg1, "ipmp0", { active: vf, standby: vnet })))
      .toContain("standby \"prod-move/t7-a/ldg2/vnet0\" belongs to another domain than the group (prod-move/t7-a/ldg1)");
  });

  it("checks FC and IB VF pseudonyms", () => {
    const { ldg1 } = guest();
    expect(errorOf(() => new FibreChannelVf(ldg1, "fc0", { device: "/SYS/MB/NET0/IOVNET.PF0.VF0" })))
      .toContain('device "/SYS/MB/NET0/IOVNET.PF0.VF0" is not the pseudonym of a Fibre Channel VF (.../IOVFC.PF<n>.VF<m>)');
    expect(errorOf(() => new InfiniBandVf(ldg1, "ib0", { device: "/SYS/MB/PCIE7/IOVFC.PF0.VF0" })))
      .toContain("is not the pseudonym of an InfiniBand VF (.../IOVIB.PF<n>.VF<m>)");
  });

  it("checks migration targets and addTargetVf", () => {
    const { stack, ldg1 } = guest();
    const target = new ControlDomain(stack, "t7-b", { address: "t7-b" });
    expect(errorOf(() => new SriovMigration(stack, "m1", { domain: ldg1, target, targetPf: "/SYS/MB/NET2/IOVNET.PF" })))
      .toContain('prod-move/m1: targetPf "/SYS/MB/NET2/IOVNET.PF" is not the pseudonym of an Ethernet PF');
    expect(errorOf(() => new SriovMigration(stack, "m2", { domain: ldg1, target, targetPf: "/SYS/MB/NET2/IOVNET.PF0", targetVf: "/SYS/MB/NET2/IOVNET.PF0.VF0" })))
      .toContain("is given together with targetPf");
    expect(errorOf(() => new SriovMigration(stack, "m3", { domain: ldg1, target, passwordFile: "pw\nfile" }))).toContain("is not a file path");
    const m = new SriovMigration(stack, "m4", { domain: ldg1, target });
    const other = new GuestDomain(target, "ldg9");
    const foreign = new EthernetVf(other, "vf0", { pf: "/SYS/MB/NET0/IOVNET.PF0", name: "x" });
    expect(errorOf(() => m.addTargetVf(foreign, { pf: "/SYS/MB/NET2/IOVNET.PF0" }))).toContain("is not an EthernetVf of the migrating domain");
    const own = new EthernetVf(ldg1, "vf0", { pf: "/SYS/MB/NET0/IOVNET.PF0", name: "y" });
    expect(errorOf(() => m.addTargetVf(own, {}))).toContain("must give exactly one of pf and vf");
  });
});
