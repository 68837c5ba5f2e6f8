import { describe, expect, it } from "vitest";
import { NET0, NET2, type TestLab, testLab } from "./helpers";

async function ipmpReady(): Promise<TestLab> {
  const t = testLab();
  await t.ldm("t7-a", "create-vf", "name=ldg1-app", NET0);
  t.settle();
  await t.ldm("t7-a", "add-io", `${NET0}.VF0`, "ldg1");
  await t.ldm("t7-a", "add-vnet", "vnet0", "primary-vsw0", "ldg1");
  for (const argv of [
    ["ipadm", "create-ip", "net0"],
    ["ipadm", "create-ip", "net1"],
    ["ipadm", "create-ipmp", "ipmp0"],
    ["ipadm", "add-ipmp", "-i", "net0", "-i", "net1", "ipmp0"],
    ["ipadm", "set-ifprop", "-p", "standby=on", "-m", "ip", "net0"],
    ["ipadm", "create-addr", "-T", "static", "-a", "192.0.2.10/24", "ipmp0/v4"],
  ]) {
    const r = await t.guest("ldg1", ...argv);
    expect(r, argv.join(" ")).toEqual({ exitCode: 0, stdout: "", stderr: "" });
  }
  return t;
}

const members = async (t: TestLab) => (await t.guest("ldg1", "ipmpstat", "-P", "-o", "interface,active,flags,link,state", "-i")).stdout;

describe("guest network model", () => {
  it("dladm show-phys maps the vnet to vnet0 and the VF to ixgbevf0", async () => {
    const t = testLab();
    await t.ldm("t7-a", "add-vnet", "vnet0", "primary-vsw0", "ldg1");
    await t.ldm("t7-a", "create-vf", "name=app", NET0);
    t.settle();
    await t.ldm("t7-a", "add-io", `${NET0}.VF0`, "ldg1");
    const r = await t.guest("ldg1", "dladm", "show-phys");
    expect(r.stdout).toBe(
      [
        "LINK              MEDIA                STATE      SPEED  DUPLEX    DEVICE",
        "net0              Ethernet             up         0      unknown   vnet0",
        "net1              Ethernet             up         10000  full      ixgbevf0",
        "",
      ].join("\n"),
    );
    expect((await t.guest("ldg1", "dladm", "show-phys", "-p", "-o", "link,device")).stdout).toBe("net0:vnet0\nnet1:ixgbevf0\n");
  });

  it("builds an active/standby IPMP group: VF active, vnet standby", async () => {
    const t = await ipmpReady();
    expect((await t.guest("ldg1", "ipmpstat", "-g")).stdout).toBe(
      ["GROUP   GROUPNAME   STATE      FDT        INTERFACES", "ipmp0   ipmp0       ok         --         net1 (net0)", ""].join("\n"),
    );
    expect((await t.guest("ldg1", "ipmpstat", "-i")).stdout).toBe(
      [
        "INTERFACE   ACTIVE   GROUP      FLAGS      LINK       PROBE      STATE",
        "net0        no       ipmp0      is-----    up         disabled   ok",
        "net1        yes      ipmp0      --mb---    up         disabled   ok",
        "",
      ].join("\n"),
    );
    expect(await members(t)).toBe("net0:no:is-----:up:ok\nnet1:yes:--mb---:up:ok\n");
    const showIf = (await t.guest("ldg1", "ipadm", "show-if", "-p", "-o", "ifname,class,state,active,over")).stdout;
    expect(showIf).toBe("lo0:loopback:ok:yes:--\nnet0:ip:ok:no:--\nnet1:ip:ok:yes:--\nipmp0:ipmp:ok:yes:net0 net1\n");
  });

  it("fails over to the vnet when the VF is removed, and back when a VF returns", async () => {
    const t = await ipmpReady();
    await t.ldm("t7-a", "rm-io", `${NET0}.VF0`, "ldg1");
    expect(await members(t)).toBe("net0:yes:-smb---:up:ok\nnet1:no:-------:down:failed\n");
    expect((await t.guest("ldg1", "ipmpstat", "-P", "-o", "group,state,interfaces", "-g")).stdout).toBe("ipmp0:degraded:net0 [net1]\n");
    await t.ldm("t7-a", "add-io", `${NET0}.VF0`, "ldg1");
    expect(await members(t)).toBe("net0:no:is-----:up:ok\nnet1:yes:--mb---:up:ok\n");
  });

  it("follows the domain through a migration: standby during, VF active again on the target", async () => {
    const t = await ipmpReady();
    await t.ldm("t7-b", "create-vf", "name=ldg1-app", NET2);
    t.settle();
    expect((await t.ldm("t7-a", "migrate", "-c", "ldg1", "t7-b")).exitCode).toBe(0);
    expect(await members(t)).toBe("net0:no:is-----:up:ok\nnet1:yes:--mb---:up:ok\n");
    expect((await t.guest("ldg1", "dladm", "show-phys", "-p", "-o", "link,device")).stdout).toBe("net0:vnet0\nnet1:ixgbevf0\n");
  });

  it("refuses bad guest commands with Solaris-style errors and journals mutating ones", async () => {
    const t = testLab();
    expect(await t.guest("ldg1", "ipadm", "create-ip", "net7")).toEqual({ exitCode: 1, stdout: "", stderr: "ipadm: cannot create interface net7: No such interface\n" });
    expect((await t.guest("ldg1", "ipmpstat", "-P", "-g")).stderr).toBe("ipmpstat: output field list (-o) required in parseable (-P) mode\n");
    expect((await t.guest("ldg1", "ifconfig", "-a")).exitCode).toBe(127);
    expect(t.lab.journal()).toEqual([{ kind: "guest", machine: "ldg1", argv: ["ipadm", "create-ip", "net7"], exitCode: 1, at: t.clock.now }]);
  });

  it("is unreachable while the domain is not running", async () => {
    const t = testLab();
    await t.ldm("t7-a", "stop", "ldg1");
    const r = await t.guest("ldg1", "dladm", "show-phys");
    expect(r.exitCode).toBe(255);
    expect(r.stderr).toBe("ldg1: the guest is not running (domain is bound)\n");
  });
});
