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
      ["GROUP       GROUPNAME   STATE     FDT       INTERFACES", "ipmp0       ipmp0       ok        --        net1 (net0)", ""].join("\n"),
    );
    expect((await t.guest("ldg1", "ipmpstat", "-i")).stdout).toBe(
      [
        "INTERFACE   ACTIVE  GROUP       FLAGS     LINK      PROBE     STATE",
        "net1        yes     ipmp0       --mbM--   up        disabled  ok",
        "net0        no      ipmp0       is-----   up        disabled  ok",
        "",
      ].join("\n"),
    );
    expect(await members(t)).toBe("net1:yes:--mbM--:up:ok\nnet0:no:is-----:up:ok\n");
    const showIf = (await t.guest("ldg1", "ipadm", "show-if", "-p", "-o", "ifname,class,state,active,over")).stdout;
    expect(showIf).toBe("lo0:loopback:ok:yes:--\nnet0:ip:ok:no:--\nnet1:ip:ok:yes:--\nipmp0:ipmp:ok:yes:net0 net1\n");
  });

  it("fails over to the vnet when the VF is removed, and back when a VF returns", async () => {
    const t = await ipmpReady();
    await t.ldm("t7-a", "rm-io", `${NET0}.VF0`, "ldg1");
    expect(await members(t)).toBe("net1:no:-----d-:down:failed\nnet0:yes:-smbM--:up:ok\n");
    expect((await t.guest("ldg1", "ipmpstat", "-P", "-o", "group,state,interfaces", "-g")).stdout).toBe("ipmp0:degraded:net0 [net1]\n");
    await t.ldm("t7-a", "add-io", `${NET0}.VF0`, "ldg1");
    expect(await members(t)).toBe("net1:yes:--mbM--:up:ok\nnet0:no:is-----:up:ok\n");
  });

  it("follows the domain through a migration: standby during, VF active again on the target", async () => {
    const t = await ipmpReady();
    await t.ldm("t7-b", "create-vf", "name=ldg1-app", NET2);
    t.settle();
    expect((await t.ldm("t7-a", "migrate", "-c", "ldg1", "t7-b")).exitCode).toBe(0);
    expect(await members(t)).toBe("net1:yes:--mbM--:up:ok\nnet0:no:is-----:up:ok\n");
    expect((await t.guest("ldg1", "dladm", "show-phys", "-p", "-o", "link,device")).stdout).toBe("net0:vnet0\nnet1:ixgbevf0\n");
  });

  it("ipmpstat -i lists the newest member first; -g and -i at the Solaris 11 column offsets (evidence §7)", async () => {
    const t = await ipmpReady();
    const [g] = (await t.guest("ldg1", "ipmpstat", "-g")).stdout.split("\n");
    for (const [word, col] of [["GROUPNAME", 12], ["STATE", 24], ["FDT", 34], ["INTERFACES", 44]] as const) expect(g!.indexOf(word), word).toBe(col);
    const [i] = (await t.guest("ldg1", "ipmpstat", "-i")).stdout.split("\n");
    for (const [word, col] of [["ACTIVE", 12], ["GROUP", 20], ["FLAGS", 32], ["LINK", 42], ["PROBE", 52], ["STATE", 62]] as const) expect(i!.indexOf(word), word).toBe(col);
  });

  it("ipmpstat -a shows the group's data addresses with inbound and outbound interfaces", async () => {
    const t = await ipmpReady();
    expect((await t.guest("ldg1", "ipmpstat", "-an")).stdout).toBe(
      ["ADDRESS                   STATE  GROUP       INBOUND     OUTBOUND", "192.0.2.10                up     ipmp0       net1        net1", ""].join("\n"),
    );
    expect((await t.guest("ldg1", "ipmpstat", "-P", "-o", "address,group,outbound", "-a")).stdout).toBe("192.0.2.10:ipmp0:net1\n");
  });

  it("bare ipadm lists interfaces by name with their address objects indented, UNDER naming the IPMP group (evidence §8)", async () => {
    const t = await ipmpReady();
    expect((await t.guest("ldg1", "ipadm")).stdout).toBe(
      [
        "NAME              CLASS/TYPE STATE        UNDER      ADDR",
        "ipmp0             ipmp       ok           --         --",
        "   ipmp0/v4       static     ok           --         192.0.2.10/24",
        "lo0               loopback   ok           --         --",
        "   lo0/v4         static     ok           --         127.0.0.1/8",
        "net0              ip         ok           ipmp0      --",
        "net1              ip         ok           ipmp0      --",
        "",
      ].join("\n"),
    );
  });

  it("dladm show-phys -m maps links to MACs without leading zeros; show-link at Solaris 11 widths (evidence §8)", async () => {
    const t = await ipmpReady();
    const vf = t.lab.store.read((s) => s.machines["t7-a"]!.pfs[0]!.vfs[0]!.mac!);
    const short = vf.split(":").map((o) => o.replace(/^0(?=.)/, "")).join(":");
    const m = (await t.guest("ldg1", "dladm", "show-phys", "-m")).stdout.split("\n");
    expect(m[0]).toBe("LINK                SLOT     ADDRESS            INUSE CLIENT");
    expect(m[2]).toBe(`net1                primary  ${short.padEnd(19)}yes   net1`);
    expect((await t.guest("ldg1", "dladm", "show-phys", "-m", "-p", "-o", "LINK,ADDRESS")).stdout.split("\n")[1]).toBe(`net1:${short.replace(/:/g, "\\:")}`);
    expect((await t.guest("ldg1", "dladm", "show-link")).stdout.split("\n").slice(0, 2)).toEqual([
      "LINK                CLASS     MTU    STATE    OVER",
      "net0                phys      1500   up       --",
    ]);
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
