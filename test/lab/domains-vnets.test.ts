import { describe, expect, it } from "vitest";
import { NET0, testLab } from "./helpers";

describe("add-vnet / set-vnet / rm-vnet / add-vsw", () => {
  it("adds a vnet with automatic MAC and id, changes pvid/vid dynamically, removes it", async () => {
    const { ldm } = testLab();
    expect(await ldm("t7-a", "add-vnet", "pvid=100", "vnet0", "primary-vsw0", "ldg1")).toEqual({ exitCode: 0, stdout: "", stderr: "" });
    expect((await ldm("t7-a", "add-vnet", "vnet1", "primary-vsw0", "ldg1")).exitCode).toBe(0);
    let p = (await ldm("t7-a", "list", "-o", "network", "-p", "ldg1")).stdout;
    expect(p).toMatch(/VNET\|name=vnet0\|dev=network@0\|service=primary-vsw0@primary\|mac-addr=00:14:4f:f[89ab](:[0-9a-f]{2}){2}\|mode=\|pvid=100\|vid=\|mtu=1500\|linkprop=phys-state\|id=0\|/);
    expect(p).toContain("VNET|name=vnet1|dev=network@1|");
    expect((await ldm("t7-a", "set-vnet", "pvid=", "vid=10,20", "vnet0", "ldg1")).exitCode).toBe(0);
    p = (await ldm("t7-a", "list", "-o", "network", "-p", "ldg1")).stdout;
    expect(p).toContain("|pvid=|vid=10,20|mtu=1500|");
    expect((await ldm("t7-a", "rm-vnet", "vnet1", "ldg1")).exitCode).toBe(0);
    expect((await ldm("t7-a", "list", "-o", "network", "-p", "ldg1")).stdout).not.toContain("vnet1");
  });

  const refusals: [string, string[], string][] = [
    ["a duplicate if-name", ["add-vnet", "vnet0", "primary-vsw0", "ldg1"], "Virtual network device vnet0 already exists in LDom ldg1"],
    ["an unknown vswitch", ["add-vnet", "vnet5", "nosuch-vsw", "ldg1"], "Virtual switch nosuch-vsw does not exist"],
    ["an unknown domain", ["add-vnet", "vnet5", "primary-vsw0", "ldg7"], "LDom ldg7 does not exist"],
    ["a bad mtu", ["add-vnet", "mtu=20000", "vnet5", "primary-vsw0", "ldg1"], "Invalid value 20000 for property mtu"],
    ["a bad vid list", ["add-vnet", "vid=1,x", "vnet5", "primary-vsw0", "ldg1"], "Invalid value x for property vid"],
    ["mode=hybrid", ["add-vnet", "mode=hybrid", "vnet5", "primary-vsw0", "ldg1"], "Invalid value hybrid for property mode"],
    ["set-vnet of an unknown vnet", ["set-vnet", "pvid=3", "vnet9", "ldg1"], "Virtual network device vnet9 does not exist in LDom ldg1"],
    ["set-vnet mac-addr while active", ["set-vnet", "mac-addr=00:14:4f:f8:01:01", "vnet0", "ldg1"], "vnet0: the change must be made when the owning domain ldg1 is in the inactive or bound state"],
    ["rm-vnet of an unknown vnet", ["rm-vnet", "vnet9", "ldg1"], "Virtual network device vnet9 does not exist in LDom ldg1"],
    ["a duplicate vswitch", ["add-vsw", "net-dev=net1", "primary-vsw0", "primary"], "Virtual switch primary-vsw0 already exists"],
    ["removing a vswitch in use", ["rm-vsw", "primary-vsw0"], "Virtual switch primary-vsw0 is in use by vnet0 of LDom ldg1"],
  ];
  for (const [what, argv, message] of refusals) {
    it(`refuses ${what}, changing nothing`, async () => {
      const { ldm, snapshot } = testLab();
      await ldm("t7-a", "add-vnet", "vnet0", "primary-vsw0", "ldg1");
      const before = snapshot();
      expect(await ldm("t7-a", ...argv)).toEqual({ exitCode: 1, stdout: "", stderr: `${message}\n` });
      expect(snapshot()).toBe(before);
    });
  }

  it("adds a virtual switch that list-services shows", async () => {
    const { ldm } = testLab();
    expect((await ldm("t7-a", "add-vsw", "net-dev=net1", "vid=100", "backup-vsw1", "primary")).exitCode).toBe(0);
    expect((await ldm("t7-a", "list-services", "-p")).stdout).toMatch(/VSW\|name=backup-vsw1\|ldom=primary\|mac-addr=[0-9a-f:]+\|net-dev=net1\|dev=switch@1\|default-vlan-id=1\|pvid=1\|vid=100\|/);
  });
});

describe("domain lifecycle", () => {
  it("add-domain, set resources, bind, start, stop, unbind, destroy", async () => {
    const { ldm } = testLab();
    expect((await ldm("t7-a", "add-domain", "ldg2")).exitCode).toBe(0);
    expect((await ldm("t7-a", "bind", "ldg2")).stderr).toBe("LDom ldg2 has no CPU or memory assigned; use ldm set-vcpu and ldm set-memory\n");
    await ldm("t7-a", "set-vcpu", "4", "ldg2");
    await ldm("t7-a", "set-memory", "8G", "ldg2");
    expect((await ldm("t7-a", "bind", "ldg2")).exitCode).toBe(0);
    expect((await ldm("t7-a", "list", "-p", "ldg2")).stdout).toContain("DOMAIN|name=ldg2|state=bound|flags=------|cons=5001|ncpu=4|mem=8589934592|util=|uptime=|norm_util=");
    expect(await ldm("t7-a", "start", "ldg2")).toEqual({ exitCode: 0, stdout: "LDom ldg2 started\n", stderr: "" });
    expect((await ldm("t7-a", "destroy", "ldg2")).stderr).toBe("LDom ldg2 is active; it must be inactive\n");
    expect(await ldm("t7-a", "stop", "ldg2")).toEqual({ exitCode: 0, stdout: "LDom ldg2 stopped\n", stderr: "" });
    expect((await ldm("t7-a", "unbind", "ldg2")).exitCode).toBe(0);
    expect((await ldm("t7-a", "rm-domain", "ldg2")).exitCode).toBe(0);
    expect((await ldm("t7-a", "list", "ldg2")).stderr).toBe("LDom ldg2 does not exist\n");
  });

  it("refuses a duplicate domain, stopping the control domain and starting an active domain", async () => {
    const { ldm, snapshot } = testLab();
    const before = snapshot();
    expect((await ldm("t7-a", "add-domain", "ldg1")).stderr).toBe("LDom ldg1 already exists\n");
    expect((await ldm("t7-a", "stop", "primary")).stderr).toBe("Operation stop-domain is not permitted on the control domain primary\n");
    expect((await ldm("t7-a", "start", "ldg1")).stderr).toBe("LDom ldg1 is active; it must be bound\n");
    expect((await ldm("t7-a", "add-domain", "bad name")).stderr).toBe("Invalid value bad name for property ldom\n");
    expect(snapshot()).toBe(before);
  });

  it("destroying a domain releases its VFs", async () => {
    const { ldm, settle } = testLab();
    await ldm("t7-a", "create-vf", NET0);
    settle();
    await ldm("t7-a", "add-io", `${NET0}.VF0`, "ldg1");
    await ldm("t7-a", "stop", "ldg1");
    await ldm("t7-a", "unbind", "ldg1");
    expect((await ldm("t7-a", "destroy", "ldg1")).exitCode).toBe(0);
    expect((await ldm("t7-a", "list-io", "-p", `${NET0}.VF0`)).stdout).toContain("|domain=|");
  });
});

describe("delayed reconfiguration", () => {
  it("start-reconf prints the notice text, sets the d flag, and refuses changes to other domains", async () => {
    const { ldm, snapshot } = testLab();
    const r = await ldm("t7-a", "start-reconf", "primary");
    expect(r.stdout).toBe(
      "Initiating a delayed reconfiguration operation on the primary domain.\nAll configuration changes for other domains are disabled until the primary\ndomain reboots, at which time the new configuration for the primary domain\nwill also take effect.\n",
    );
    expect((await ldm("t7-a", "list", "-p", "primary")).stdout).toContain("flags=-ndcv-");
    expect((await ldm("t7-a", "list", "-l", "-p", "primary")).stdout).toContain("flags=normal,delayed-reconfig,control,vio-service");
    const before = snapshot();
    const refused = await ldm("t7-a", "add-vnet", "vnet0", "primary-vsw0", "ldg1");
    expect(refused).toEqual({
      exitCode: 1,
      stdout: "",
      stderr: [
        "------------------------------------------------------------------------------",
        "Notice: LDom primary is in the process of a delayed reconfiguration.",
        "Any changes made to primary will only take effect after it reboots.",
        "------------------------------------------------------------------------------",
        "",
        "Delayed reconfiguration of LDom ldg1 is not permitted",
        "",
      ].join("\n"),
    });
    expect(snapshot()).toBe(before);
    expect((await ldm("t7-a", "start-reconf", "primary")).stderr).toContain("LDom primary is already in a delayed reconfiguration");
    expect((await ldm("t7-a", "start-reconf", "ldg1")).stderr).toContain("LDom ldg1 is not a root domain");
  });

  it("ends with a reboot of primary (stop -r) or is cancelled", async () => {
    const { ldm } = testLab();
    await ldm("t7-a", "start-reconf", "primary");
    expect((await ldm("t7-a", "stop", "-r", "primary")).stdout).toBe("LDom primary reboot initiated\n");
    expect((await ldm("t7-a", "list", "-p", "primary")).stdout).toContain("flags=-n-cv-");
    await ldm("t7-a", "start-reconf", "primary");
    expect((await ldm("t7-a", "cancel-operation", "reconf", "primary")).exitCode).toBe(0);
    expect((await ldm("t7-a", "add-vnet", "vnet0", "primary-vsw0", "ldg1")).exitCode).toBe(0);
    expect((await ldm("t7-a", "cancel-reconf", "primary")).stderr).toBe("LDom primary is not in a delayed reconfiguration\n");
  });

  it("allows mtu on a VF assigned to primary only in delayed reconfiguration", async () => {
    const { ldm, settle } = testLab();
    await ldm("t7-a", "create-vf", NET0);
    settle();
    await ldm("t7-a", "add-io", `${NET0}.VF0`, "primary");
    expect((await ldm("t7-a", "set-io", "mtu=9000", `${NET0}.VF0`)).exitCode).toBe(1);
    await ldm("t7-a", "start-reconf", "primary");
    expect((await ldm("t7-a", "set-io", "mtu=9000", `${NET0}.VF0`)).exitCode).toBe(0);
  });
});
