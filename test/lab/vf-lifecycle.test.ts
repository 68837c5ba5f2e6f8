import { describe, expect, it } from "vitest";
import { NET0, NET2, fcIbLab, testLab } from "./helpers";

describe("create-vf", () => {
  it("creates VFs numbered per PF from 0 and prints one 'Created new vf:' line each", async () => {
    const { ldm, settle } = testLab();
    expect(await ldm("t7-a", "create-vf", NET0)).toEqual({ exitCode: 0, stdout: `Created new vf: ${NET0}.VF0\n`, stderr: "" });
    settle();
    expect((await ldm("t7-a", "create-vf", "-n", "2", NET0)).stdout).toBe(`Created new vf: ${NET0}.VF1\nCreated new vf: ${NET0}.VF2\n`);
    expect((await ldm("t7-a", "create-vf", NET2)).stdout).toBe(`Created new vf: ${NET2}.VF0\n`);
    settle();
    expect((await ldm("t7-a", "create-vf", "-n", "max", NET0)).stdout.trim().split("\n")).toHaveLength(4);
  });

  it("sets name and network properties at creation", async () => {
    const { ldm } = testLab();
    await ldm("t7-a", "create-vf", "name=ldg1-app", "pvid=10", "vid=20,30", "mtu=9000", "mac-addr=00:14:4f:f8:aa:01", NET0);
    const out = (await ldm("t7-a", "list-io", "-l", "-p", `${NET0}.VF0`)).stdout;
    expect(out).toContain("|name=ldg1-app\n|mac-addr=00:14:4f:f8:aa:01\n|alt-mac-addrs=\n|pvid=10\n|vid=20,30\n|mtu=9000\n");
  });

  const refusals: [string, string[], string][] = [
    ["an unknown PF", ["create-vf", "/SYS/MB/NET7/IOVNET.PF0"], "Invalid device /SYS/MB/NET7/IOVNET.PF0: it does not exist"],
    ["a VF given as PF", ["create-vf", "/SYS/MB/NET0/IOVNET.PF0.VF0"], "Invalid device /SYS/MB/NET0/IOVNET.PF0.VF0: it does not exist"],
    ["an unknown property", ["create-vf", "colour=red", NET0], "Invalid property colour"],
    ["a bad pvid", ["create-vf", "pvid=5000", NET0], "Invalid value 5000 for property pvid"],
    ["a bad mtu", ["create-vf", "mtu=100", NET0], "Invalid value 100 for property mtu"],
    ["a bad name", ["create-vf", "name=-bad", NET0], "Invalid value -bad for property name"],
    ["a bad MAC", ["create-vf", "mac-addr=zz", NET0], "Invalid value zz for property mac-addr"],
    ["name= with -n 2", ["create-vf", "-n", "2", "name=x", NET0], "A user-assigned name= can only be given when creating one virtual function"],
    ["more VFs than maxvfs", ["create-vf", "-n", "8", NET0], "No more virtual functions can be created on /SYS/MB/NET0/IOVNET.PF0 (maximum 7)"],
  ];
  for (const [what, argv, message] of refusals) {
    it(`refuses ${what}, changing nothing`, async () => {
      const { ldm, snapshot } = testLab();
      const before = snapshot();
      const r = await ldm("t7-a", ...argv);
      expect(r).toEqual({ exitCode: 1, stdout: "", stderr: `${message}\n` });
      expect(snapshot()).toBe(before);
    });
  }

  it("refuses a MAC address already in use on the machine", async () => {
    const { ldm, snapshot, settle } = testLab();
    await ldm("t7-a", "create-vf", "mac-addr=00:14:4f:f8:aa:01", NET0);
    settle();
    const before = snapshot();
    expect((await ldm("t7-a", "create-vf", "mac-addr=00:14:4f:f8:aa:01", NET2)).stderr).toBe(`MAC address 00:14:4f:f8:aa:01 is already in use by ${NET0}.VF0\n`);
    expect((await ldm("t7-a", "add-vnet", "mac-addr=0:14:4f:f8:aa:1", "vnet0", "primary-vsw0", "ldg1")).stderr).toBe(`MAC address 00:14:4f:f8:aa:01 is already in use by ${NET0}.VF0\n`);
    expect(snapshot()).toBe(before);
  });

  it("refuses a bad -n value with the usage", async () => {
    const { ldm } = testLab();
    const r = await ldm("t7-a", "create-vf", "-n", "zero", NET0);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("ldm create-vf -n number|max");
  });

  it("refuses a duplicate VF name anywhere on the machine, but not on another machine", async () => {
    const { ldm, snapshot, settle } = testLab();
    await ldm("t7-a", "create-vf", "name=dup", NET0);
    settle();
    const before = snapshot();
    expect(await ldm("t7-a", "create-vf", "name=dup", NET2)).toEqual({ exitCode: 1, stdout: "", stderr: `Virtual function name dup already exists (${NET0}.VF0)\n` });
    expect(snapshot()).toBe(before);
    expect((await ldm("t7-b", "create-vf", "name=dup", NET2)).exitCode).toBe(0);
  });

  it("refuses when the PF is full", async () => {
    const { ldm, settle, snapshot } = testLab();
    await ldm("t7-a", "create-vf", "-n", "max", NET0);
    settle();
    const before = snapshot();
    expect((await ldm("t7-a", "create-vf", NET0)).stderr).toBe(`No more virtual functions can be created on ${NET0} (maximum 7)\n`);
    expect(snapshot()).toBe(before);
  });

  it("refuses on a bus without IOV", async () => {
    const { ldm, snapshot } = fcIbLab();
    const before = snapshot();
    const r = await ldm("fc-a", "create-vf", "/SYS/MB/PCIE6/IOVNET.PF0");
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe("I/O virtualization is not enabled on bus pci_2 (needed by /SYS/MB/PCIE6/IOVNET.PF0); enable it with ldm set-io iov=on pci_2 in a delayed reconfiguration\n");
    expect(snapshot()).toBe(before);
  });

  it("creates InfiniBand VFs only in a delayed reconfiguration of the root domain", async () => {
    const { ldm, snapshot } = fcIbLab();
    const before = snapshot();
    const r = await ldm("fc-a", "create-vf", "/SYS/MB/PCIE4/IOVIB.PF0");
    expect(r.stderr).toBe("Creating InfiniBand virtual functions requires a delayed reconfiguration of primary; run ldm start-reconf primary first\n");
    expect(snapshot()).toBe(before);
    await ldm("fc-a", "start-reconf", "primary");
    const ok = await ldm("fc-a", "create-vf", "/SYS/MB/PCIE4/IOVIB.PF0");
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout).toBe("Created new vf: /SYS/MB/PCIE4/IOVIB.PF0.VF1\n");
  });

  it("creates FC VFs with WWNs and bw-percent; Ethernet properties are invalid on FC", async () => {
    const { ldm } = fcIbLab();
    expect((await ldm("fc-a", "create-vf", "pvid=3", "/SYS/MB/PCIE2/IOVFC.PF0")).stderr).toBe("Invalid property pvid\n");
    const r = await ldm("fc-a", "create-vf", "bw-percent=25", "port-wwn=10:00:00:14:4f:fc:00:01", "node-wwn=20:00:00:14:4f:fc:00:01", "/SYS/MB/PCIE2/IOVFC.PF0");
    expect(r.stdout).toBe("Created new vf: /SYS/MB/PCIE2/IOVFC.PF0.VF1\n");
    const long = (await ldm("fc-a", "list-io", "-l", "/SYS/MB/PCIE2/IOVFC.PF0.VF1")).stdout.split("\n");
    // The FC VF's port-wwn is three lines below the VF's own line (ref §3.3).
    const at = long.findIndex((l) => l.startsWith("/SYS/MB/PCIE2/IOVFC.PF0.VF1"));
    expect(long[at + 3]).toBe("        port-wwn = 10:00:00:14:4f:fc:00:01");
  });
});

describe("INV after create/destroy (wall clock, invSettleMs)", () => {
  it("shows INV on the PF and new VF for invSettleMs, then clears", async () => {
    const { ldm, clock } = testLab();
    await ldm("t7-a", "create-vf", NET0);
    const status = async () => (await ldm("t7-a", "list-io", "-p", NET0)).stdout.split("\n").slice(1, 3).map((l) => l.split("|")[3]);
    expect(await status()).toEqual(["status=INV", "status=INV"]);
    clock.now += 1499;
    expect(await status()).toEqual(["status=INV", "status=INV"]);
    clock.now += 1;
    expect(await status()).toEqual(["status=", "status="]);
  });

  it("refuses add-io of an INV VF and create/destroy on an INV PF", async () => {
    const { ldm, snapshot } = testLab();
    await ldm("t7-a", "create-vf", NET0);
    const before = snapshot();
    expect((await ldm("t7-a", "add-io", `${NET0}.VF0`, "ldg1")).stderr).toBe(`${NET0}.VF0 is not ready (status INV); retry when the status is cleared\n`);
    expect((await ldm("t7-a", "create-vf", NET0)).stderr).toBe(`${NET0} is not ready (status INV); retry when the status is cleared\n`);
    expect((await ldm("t7-a", "destroy-vf", `${NET0}.VF0`)).stderr).toBe(`${NET0} is not ready (status INV); retry when the status is cleared\n`);
    expect(snapshot()).toBe(before);
  });

  it("keeps INV longer when the fault asks for it", async () => {
    const { lab, ldm, clock } = testLab();
    lab.faults.keepInvLonger(10_000);
    await ldm("t7-a", "create-vf", NET0);
    clock.now += 5_000;
    expect((await ldm("t7-a", "list-io", NET0)).stdout).toContain("INV");
    clock.now += 6_500;
    expect((await ldm("t7-a", "list-io", NET0)).stdout).not.toContain("INV");
  });
});

describe("destroy-vf", () => {
  it("destroys only the last created VF", async () => {
    const { ldm, settle, snapshot } = testLab();
    await ldm("t7-a", "create-vf", "-n", "3", NET0);
    settle();
    const before = snapshot();
    expect(await ldm("t7-a", "destroy-vf", `${NET0}.VF1`)).toEqual({ exitCode: 1, stdout: "", stderr: `Cannot destroy ${NET0}.VF1: only the last created virtual function (${NET0}.VF2) can be destroyed\n` });
    expect(snapshot()).toBe(before);
    expect(await ldm("t7-a", "destroy-vf", `${NET0}.VF2`)).toEqual({ exitCode: 0, stdout: "", stderr: "" });
    expect((await ldm("t7-a", "list-io", NET0)).stdout).toContain(`${NET0}                   PF     pci_0    primary  INV`);
    settle();
    expect((await ldm("t7-a", "create-vf", NET0)).stdout).toBe(`Created new vf: ${NET0}.VF2\n`);
  });

  it("refuses to destroy an assigned VF", async () => {
    const { ldm, settle, snapshot } = testLab();
    await ldm("t7-a", "create-vf", NET0);
    settle();
    await ldm("t7-a", "add-io", `${NET0}.VF0`, "ldg1");
    const before = snapshot();
    expect((await ldm("t7-a", "destroy-vf", `${NET0}.VF0`)).stderr).toBe(`Cannot destroy ${NET0}.VF0: it is attached to LDom ldg1\n`);
    expect((await ldm("t7-a", "destroy-vf", "-n", "max", NET0)).stderr).toBe(`Cannot destroy ${NET0}.VF0: it is attached to LDom ldg1\n`);
    expect(snapshot()).toBe(before);
  });

  it("destroys the last N with -n, or all with -n max; refuses more than exist", async () => {
    const { ldm, settle } = testLab();
    await ldm("t7-a", "create-vf", "-n", "4", NET0);
    settle();
    expect((await ldm("t7-a", "destroy-vf", "-n", "5", NET0)).stderr).toBe(`${NET0} has only 4 virtual function(s)\n`);
    expect((await ldm("t7-a", "destroy-vf", "-n", "2", NET0)).exitCode).toBe(0);
    settle();
    expect((await ldm("t7-a", "list-io", "-p", NET0)).stdout.trim().split("\n")).toHaveLength(4);
    expect((await ldm("t7-a", "destroy-vf", "-n", "max", NET0)).exitCode).toBe(0);
    settle();
    expect((await ldm("t7-a", "list-io", "-p", NET0)).stdout.trim().split("\n")).toHaveLength(2);
  });

  it("refuses an unknown VF", async () => {
    const { ldm } = testLab();
    expect((await ldm("t7-a", "destroy-vf", `${NET0}.VF9`)).stderr).toBe(`Invalid device ${NET0}.VF9: it does not exist\n`);
    expect((await ldm("t7-a", "destroy-vf", NET0)).stderr).toBe(`${NET0} is not a virtual function\n`);
  });
});

describe("set-io", () => {
  async function withVf(assign?: string) {
    const t = testLab();
    await t.ldm("t7-a", "create-vf", NET0);
    t.settle();
    if (assign) await t.ldm("t7-a", "add-io", `${NET0}.VF0`, assign);
    return t;
  }

  it("sets name, pvid and vid while the owner is active (dynamic)", async () => {
    const { ldm } = await withVf("ldg1");
    expect((await ldm("t7-a", "set-io", "name=ldg1-app", "pvid=5", "vid=6,7", `${NET0}.VF0`)).exitCode).toBe(0);
    const out = (await ldm("t7-a", "list-io", "-l", "-p", `${NET0}.VF0`)).stdout;
    expect(out).toContain("|name=ldg1-app\n");
    expect(out).toContain("|pvid=5\n|vid=6,7\n");
    expect((await ldm("t7-a", "set-io", "vid=", `${NET0}.VF0`)).exitCode).toBe(0);
    expect((await ldm("t7-a", "list-io", "-l", "-p", `${NET0}.VF0`)).stdout).toContain("|vid=\n");
  });

  it("refuses mac-addr, alt-mac-addrs and mtu while the owning domain is active; allows them when bound", async () => {
    const { ldm, snapshot } = await withVf("ldg1");
    const before = snapshot();
    for (const prop of ["mac-addr=00:14:4f:f8:00:99", "alt-mac-addrs=auto", "mtu=9000"]) {
      expect((await ldm("t7-a", "set-io", prop, `${NET0}.VF0`)).stderr).toBe(`${NET0}.VF0: the change must be made when the owning domain ldg1 is in the inactive or bound state\n`);
    }
    expect(snapshot()).toBe(before);
    await ldm("t7-a", "stop", "ldg1");
    expect((await ldm("t7-a", "set-io", "mtu=9000", `${NET0}.VF0`)).exitCode).toBe(0);
  });

  it("allows mac-addr on an unassigned VF", async () => {
    const { ldm } = await withVf();
    expect((await ldm("t7-a", "set-io", "mac-addr=00:14:4f:f8:00:99", `${NET0}.VF0`)).exitCode).toBe(0);
    expect((await ldm("t7-a", "list-io", "-l", "-p", `${NET0}.VF0`)).stdout).toContain("|mac-addr=00:14:4f:f8:00:99\n");
  });

  it("refuses a name used by another VF and an invalid property", async () => {
    const { ldm, settle, snapshot } = await withVf();
    await ldm("t7-a", "create-vf", "name=taken", NET2);
    settle();
    const before = snapshot();
    expect((await ldm("t7-a", "set-io", "name=taken", `${NET0}.VF0`)).stderr).toBe(`Virtual function name taken already exists (${NET2}.VF0)\n`);
    expect((await ldm("t7-a", "set-io", "speed=10", `${NET0}.VF0`)).stderr).toBe("Invalid property speed\n");
    expect(snapshot()).toBe(before);
    expect((await ldm("t7-a", "set-io", "name=taken", `${NET2}.VF0`)).exitCode).toBe(0);
  });

  it("changes bus iov only in a delayed reconfiguration, effective after the reboot", async () => {
    const { lab, ldm, snapshot } = fcIbLab();
    const before = snapshot();
    expect((await ldm("fc-a", "set-io", "iov=on", "pci_2")).stderr).toBe("Changing I/O virtualization of pci_2 requires a delayed reconfiguration of primary; run ldm start-reconf primary first\n");
    expect(snapshot()).toBe(before);
    await ldm("fc-a", "start-reconf", "primary");
    const r = await ldm("fc-a", "set-io", "iov=on", "pci_2");
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain("Notice: LDom primary is in the process of a delayed reconfiguration.");
    expect((await ldm("fc-a", "list-io", "pci_2")).stdout).toContain("pci_2                                     BUS    pci_2    primary\n");
    lab.reboot("fc-a", "primary");
    expect((await ldm("fc-a", "list-io", "pci_2")).stdout).toContain("pci_2                                     BUS    pci_2    primary  IOV");
    expect((await ldm("fc-a", "create-vf", "/SYS/MB/PCIE6/IOVNET.PF0")).exitCode).toBe(0);
  });

  it("refuses iov=off while VFs exist, and iov=maybe", async () => {
    const { ldm } = fcIbLab();
    await ldm("fc-a", "start-reconf", "primary");
    expect((await ldm("fc-a", "set-io", "iov=off", "pci_1")).stderr).toContain("I/O virtualization cannot be disabled on bus pci_1: virtual functions exist");
    expect((await ldm("fc-a", "set-io", "iov=maybe", "pci_1")).stderr).toContain("Invalid value maybe for property iov");
  });

  it("FC: bw-percent any time, port-wwn only while unassigned", async () => {
    const { ldm, snapshot } = fcIbLab();
    const vf = "/SYS/MB/PCIE2/IOVFC.PF0.VF0";
    expect((await ldm("fc-a", "set-io", "bw-percent=40", vf)).exitCode).toBe(0);
    const before = snapshot();
    expect((await ldm("fc-a", "set-io", "port-wwn=10:00:00:14:4f:fc:00:09", "node-wwn=20:00:00:14:4f:fc:00:09", vf)).stderr).toBe(`${vf}: port-wwn and node-wwn can only be changed while the virtual function is not assigned to a domain\n`);
    expect(snapshot()).toBe(before);
  });
});

describe("add-io / remove-io / rm-io", () => {
  it("assigns a VF to one domain at a time and removes it", async () => {
    const { ldm, settle, snapshot } = testLab();
    await ldm("t7-a", "create-vf", NET0);
    settle();
    await ldm("t7-a", "add-domain", "ldg2");
    expect(await ldm("t7-a", "add-io", `${NET0}.VF0`, "ldg1")).toEqual({ exitCode: 0, stdout: "", stderr: "" });
    const before = snapshot();
    expect((await ldm("t7-a", "add-io", `${NET0}.VF0`, "ldg2")).stderr).toBe(`${NET0}.VF0 is attached to LDom ldg1\n`);
    expect((await ldm("t7-a", "rm-io", `${NET0}.VF0`, "ldg2")).stderr).toBe(`${NET0}.VF0 is not assigned to LDom ldg2\n`);
    expect((await ldm("t7-a", "add-io", `${NET0}.VF0`, "nosuch")).stderr).toBe("LDom nosuch does not exist\n");
    expect((await ldm("t7-a", "add-io", `${NET0}.VF5`, "ldg1")).stderr).toBe(`Invalid device ${NET0}.VF5: it does not exist\n`);
    expect(snapshot()).toBe(before);
    expect((await ldm("t7-a", "remove-io", "-n", `${NET0}.VF0`, "ldg1")).exitCode).toBe(0);
    expect((await ldm("t7-a", "list-io", "-p", `${NET0}.VF0`)).stdout).toContain("|domain=ldg1|");
    expect((await ldm("t7-a", "rm-io", `${NET0}.VF0`, "ldg1")).exitCode).toBe(0);
    expect((await ldm("t7-a", "add-io", `${NET0}.VF0`, "ldg2")).exitCode).toBe(0);
  });

  it("moves InfiniBand VFs only while the domain is stopped or in delayed reconfiguration", async () => {
    const { ldm, snapshot } = fcIbLab();
    const vf = "/SYS/MB/PCIE4/IOVIB.PF0.VF0";
    const before = snapshot();
    expect((await ldm("fc-a", "rm-io", vf, "ibg1")).stderr).toBe(`InfiniBand virtual function ${vf} can only be added or removed while ibg1 is inactive or bound, or its root domain is in delayed reconfiguration\n`);
    expect(snapshot()).toBe(before);
    await ldm("fc-a", "stop", "ibg1");
    expect((await ldm("fc-a", "rm-io", vf, "ibg1")).exitCode).toBe(0);
  });
});
