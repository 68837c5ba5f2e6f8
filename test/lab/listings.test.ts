import { describe, expect, it } from "vitest";
import { NET0, NET2, testLab } from "./helpers";
import { parseListDomains } from "../../src/ldm/parse-list-domains";

describe("ldm list / ls / list-domain", () => {
  it("prints the table at the real 3.x column offsets (evidence §2) with six flag letters", async () => {
    const { ldm } = testLab();
    const r = await ldm("t7-a", "list");
    expect(r.exitCode).toBe(0);
    const [header, primary, ldg1] = r.stdout.split("\n");
    expect(header).toBe("NAME             STATE      FLAGS   CONS    VCPU  MEMORY   UTIL  NORM  UPTIME");
    for (const [word, col] of [["STATE", 17], ["FLAGS", 28], ["CONS", 36], ["VCPU", 44], ["MEMORY", 50], ["UTIL", 59], ["NORM", 65], ["UPTIME", 71]] as const) expect(header!.indexOf(word)).toBe(col);
    expect(primary!.slice(28, 34)).toBe("-n-cv-");
    expect(primary!.slice(36, 40)).toBe("UART");
    expect(primary!.slice(50)).toBe("32G      0.4%  0.4%  0s");
    expect(ldg1!.slice(0, 4)).toBe("ldg1");
    expect(ldg1!.slice(28, 34)).toBe("-n----");
    expect(ldg1!.slice(36, 40)).toBe("5000");
    expect((await ldm("t7-a", "ls")).stdout).toBe(r.stdout);
    expect((await ldm("t7-a", "list-domain")).stdout).toBe(r.stdout);
  });

  it("-p prints VERSION then one DOMAIN record per domain; -l -p spells the flags", async () => {
    const { ldm, clock } = testLab();
    clock.now += 3_725_000;
    const p = await ldm("t7-a", "list", "-p");
    expect(p.stdout.split("\n")).toEqual([
      "VERSION 1.11",
      "DOMAIN|name=primary|state=active|flags=-n-cv-|cons=UART|ncpu=16|mem=34359738368|util=0.4|uptime=3725|norm_util=0.4",
      "DOMAIN|name=ldg1|state=active|flags=-n----|cons=5000|ncpu=8|mem=17179869184|util=0.1|uptime=3725|norm_util=0.1",
      "",
    ]);
    const lp = await ldm("t7-a", "list", "-l", "-p", "primary");
    expect(lp.stdout).toContain("DOMAIN|name=primary|state=active|flags=normal,control,vio-service|");
    expect((await ldm("t7-a", "list")).stdout).toContain("1h 2m");
  });

  it("a NAME longer than 16 characters pushes the rest of its row right, one space after it", async () => {
    const { ldm } = testLab();
    await ldm("t7-a", "add-domain", "ldg-with-a-long-name");
    const row = (await ldm("t7-a", "list", "ldg-with-a-long-name")).stdout.split("\n")[1];
    expect(row).toBe("ldg-with-a-long-name inactive   ------          0     0");
  });

  it("-l prints VCPU, MEMORY and IO sections with the real tables (evidence §5)", async () => {
    const { ldm } = testLab();
    const text = (await ldm("t7-a", "list", "-l", "primary")).stdout;
    const lines = text.split("\n");
    const vcpu = lines.indexOf("VCPU");
    expect(lines.slice(vcpu, vcpu + 3)).toEqual(["VCPU", "    VID    PID    CID    UTIL STRAND", "    0      0      0      0.4%   100%"]);
    const memory = lines.indexOf("MEMORY");
    expect(lines.slice(memory, memory + 3)).toEqual(["MEMORY", "    RA               PA               SIZE", "    0x10000000       0x10000000       32G"]);
    const io = lines.indexOf("IO");
    expect(lines.slice(io, io + 3)).toEqual(["IO", "    DEVICE           PSEUDONYM        OPTIONS", "    pci@300          pci_0            iov"]);
  });

  it("shows empty cons/util/uptime for a domain that is not active", async () => {
    const { ldm } = testLab();
    await ldm("t7-a", "add-domain", "ldg9");
    const p = await ldm("t7-a", "list", "-p", "ldg9");
    expect(p.stdout).toContain("DOMAIN|name=ldg9|state=inactive|flags=------|cons=|ncpu=0|mem=0|util=|uptime=|norm_util=");
  });

  it("refuses an unknown domain with 'does not exist' and a non-zero exit", async () => {
    const { ldm } = testLab();
    const r = await ldm("t7-a", "list", "-p", "nosuch");
    expect(r).toEqual({ exitCode: 1, stdout: "", stderr: "LDom nosuch does not exist\n" });
  });

  it("-o network prints the NETWORK section (human) and VNET records (-p)", async () => {
    const { ldm } = testLab();
    await ldm("t7-a", "add-vnet", "pvid=100", "vnet0", "primary-vsw0", "ldg1");
    const h = await ldm("t7-a", "list", "-o", "network", "ldg1");
    const lines = h.stdout.split("\n");
    expect(lines.slice(0, 4)).toEqual(["NAME", "ldg1", "", "NETWORK"]);
    expect(lines[4]).toMatch(/^ {4}NAME +SERVICE +MACADDRESS +PVID\|PVLAN\|VIDs$/);
    expect(lines[6]).toMatch(/^ {4}vnet0 +primary-vsw0@primary 00:14:4f:f[89ab](:[0-9a-f]{2}){2} 100\|--\|--$/);
    const p = await ldm("t7-a", "list", "-o", "net", "-p", "ldg1");
    expect(p.stdout).toMatch(/\nVNET\|name=vnet0\|dev=network@0\|service=primary-vsw0@primary\|mac-addr=[0-9a-f:]+\|mode=\|pvid=100\|vid=\|mtu=1500\|/);
  });

  it("refuses an unknown -o format with the usage", async () => {
    const { ldm } = testLab();
    const r = await ldm("t7-a", "list", "-o", "colour");
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^Usage:\n {4}ldm list-domain /);
  });
});

describe("ldm list-io", () => {
  it("prints buses, slots, PFs then VFs at the reference column offsets", async () => {
    const { ldm, settle } = testLab();
    await ldm("t7-a", "create-vf", NET2);
    settle();
    await ldm("t7-a", "create-vf", NET0);
    const lines = (await ldm("t7-a", "list-io")).stdout.split("\n");
    expect(lines[0]).toBe("NAME                                      TYPE   BUS      DOMAIN   STATUS   ");
    expect(lines[1]).toBe("----                                      ----   ---      ------   ------   ");
    expect(lines.slice(2, -1).map((l) => l.slice(42, 49).trim())).toEqual(["BUS", "BUS", "PCIE", "PCIE", "PCIE", "PF", "PF", "VF", "VF"]);
    expect(lines).toContain("pci_0                                     BUS    pci_0    primary  IOV");
    expect(lines).toContain("/SYS/MB/PCIE1                             PCIE   pci_0    primary  EMP");
    expect(lines).toContain("/SYS/MB/NET0/IOVNET.PF0                   PF     pci_0    primary  INV");
    expect(lines).toContain("/SYS/MB/NET2/IOVNET.PF0                   PF     pci_1    primary");
    // VFs grouped in PF order, after every PF.
    expect(lines.slice(-3, -1)).toEqual(["/SYS/MB/NET0/IOVNET.PF0.VF0               VF     pci_0             INV", "/SYS/MB/NET2/IOVNET.PF0.VF0               VF     pci_1"]);
  });

  it("-p prints VERSION and |dev|alias|status|domain|type|bus records, with name= last on VFs", async () => {
    const { ldm } = testLab();
    await ldm("t7-a", "create-vf", "name=ldg1-app", NET0);
    const lines = (await ldm("t7-a", "list-io", "-p")).stdout.split("\n");
    expect(lines[0]).toBe("VERSION 1.11");
    expect(lines[1]).toBe("|dev=pci@300|alias=pci_0|status=IOV|domain=primary|type=BUS|bus=pci_0");
    expect(lines).toContain("|dev=pci@300/pci@1/pci@0/pci@4/network@0|alias=/SYS/MB/NET0/IOVNET.PF0|status=INV|domain=primary|type=PF|bus=pci_0");
    expect(lines).toContain("|dev=pci@300/pci@1/pci@0/pci@4/network@0,1|alias=/SYS/MB/NET0/IOVNET.PF0.VF0|status=INV|domain=|type=VF|bus=pci_0|name=ldg1-app");
  });

  it("filters by PF (the PF and its VFs, last line = newest VF), by bus and by VF", async () => {
    const { ldm, settle } = testLab();
    await ldm("t7-a", "create-vf", "-n", "2", NET0);
    settle();
    const pf = (await ldm("t7-a", "list-io", "-p", NET0)).stdout.trim().split("\n");
    expect(pf.map((l) => l.split("|")[2])).toEqual([undefined, "alias=/SYS/MB/NET0/IOVNET.PF0", "alias=/SYS/MB/NET0/IOVNET.PF0.VF0", "alias=/SYS/MB/NET0/IOVNET.PF0.VF1"]);
    const bus = (await ldm("t7-a", "list-io", "pci_1")).stdout;
    expect(bus).toContain("/SYS/MB/NET2/IOVNET.PF0");
    expect(bus).not.toContain("/SYS/MB/NET0");
    const vf = (await ldm("t7-a", "list-io", "-p", `${NET0}.VF1`)).stdout.trim().split("\n");
    expect(vf).toHaveLength(2);
    const unknown = await ldm("t7-a", "list-io", "/SYS/MB/NOPE");
    expect(unknown).toEqual({ exitCode: 1, stdout: "", stderr: "Invalid device /SYS/MB/NOPE: it does not exist\n" });
  });

  it("-l -p puts class= in field 7 and one |key=value property per line (maxvfs, VF class properties)", async () => {
    const { ldm } = testLab();
    await ldm("t7-a", "create-vf", "name=app", "pvid=100", "vid=200,201", NET0);
    const lines = (await ldm("t7-a", "list-io", "-l", "-p", NET0)).stdout.split("\n");
    const pf = lines[1]!.split("|");
    expect(pf[6]).toBe("class=NETWORK");
    expect(lines[2]).toBe("|maxvfs=7");
    expect(lines[2]!.split("|")[1]).toBe("maxvfs=7");
    expect(lines[3]).toMatch(/\|type=VF\|class=NETWORK\|bus=pci_0\|name=app$/);
    expect(lines.slice(4, 9)).toEqual([expect.stringMatching(/^\|mac-addr=00:14:4f/), "|alt-mac-addrs=", "|pvid=100", "|vid=200,201", "|mtu=1500"]);
  });

  it("-l shows the device path, Class properties and the VF name line", async () => {
    const { ldm } = testLab();
    await ldm("t7-a", "create-vf", "name=app", NET0);
    const lines = (await ldm("t7-a", "list-io", "-l", NET0)).stdout.split("\n");
    const vfLine = lines.findIndex((l) => l.startsWith(`${NET0}.VF0`));
    expect(lines[vfLine + 1]).toBe("[pci@300/pci@1/pci@0/pci@4/network@0,1]");
    expect(lines[vfLine + 2]).toBe("    Class properties [NETWORK]");
    expect(lines[vfLine + 3]).toMatch(/^ {8}mac-addr = 00:14:4f/);
    expect(lines).toContain("    name = app");
    expect(lines).toContain("    maxvfs = 7");
  });

  it("-d prints the device-specific parameters of a PF", async () => {
    const { ldm } = testLab();
    const r = await ldm("t7-a", "list-io", "-d", NET0);
    expect(r.stdout.split("\n").slice(0, 6)).toEqual(["Device-specific Parameters", "--------------------------", "max-config-vfs", "    Flags = PR", "    Default = 7", "    Descr = Max number of configurable VFs"]);
  });
});

describe("ldm list-services, list-bindings, -V, --help, unknown subcommand", () => {
  it("list-services -p prints VCC, VSW with peers, VDS with volumes", async () => {
    const { ldm } = testLab();
    await ldm("t7-a", "add-vnet", "vnet0", "primary-vsw0", "ldg1");
    const lines = (await ldm("t7-a", "ls-services", "-p")).stdout.split("\n");
    expect(lines[0]).toBe("VERSION 1.11");
    expect(lines[1]).toBe("VCC|name=primary-vcc0|ldom=primary|port-range=5000-5100");
    expect(lines[2]).toMatch(/^VSW\|name=primary-vsw0\|ldom=primary\|mac-addr=[0-9a-f:]+\|net-dev=net0\|dev=switch@0\|default-vlan-id=1\|pvid=1\|vid=\|/);
    expect(lines[3]).toMatch(/^\|peer=vnet0@ldg1\|mac-addr=/);
    expect(lines.slice(4, 6)).toEqual(["VDS|name=primary-vds0|ldom=primary", "|vol=ldg1-disk0|opts=|dev=/dev/zvol/dsk/rpool/ldg1-disk0|mpgroup="]);
    const human = (await ldm("t7-a", "list-services")).stdout;
    expect(human).toContain("VSW");
    expect(human).toContain("primary-vsw0");
  });

  it("list-bindings -p prints the domain record, its VF as IO, its vnets with peer lines", async () => {
    const { ldm, settle } = testLab();
    await ldm("t7-a", "create-vf", "name=app", NET0);
    settle();
    await ldm("t7-a", "add-io", `${NET0}.VF0`, "ldg1");
    await ldm("t7-a", "add-vnet", "vnet0", "primary-vsw0", "ldg1");
    const lines = (await ldm("t7-a", "list-bindings", "-p", "ldg1")).stdout.split("\n");
    expect(lines[0]).toBe("VERSION 1.11");
    // Flags spelled out (evidence §3); IO, VCPU, MEMORY on a keyword line, one | row per item (evidence §4).
    expect(lines[1]).toMatch(/^DOMAIN\|name=ldg1\|state=active\|flags=normal\|/);
    const io = lines.indexOf("IO");
    expect(lines[io + 1]).toBe("|dev=pci@300/pci@1/pci@0/pci@4/network@0,1|alias=/SYS/MB/NET0/IOVNET.PF0.VF0");
    const vcpu = lines.indexOf("VCPU");
    expect(lines.slice(vcpu + 1, vcpu + 3)).toEqual(["|vid=0|pid=16|cid=2|util=0.1|strand=100", "|vid=1|pid=17|cid=2|util=0.1|strand=100"]);
    expect(lines.filter((l) => l.startsWith("|vid="))).toHaveLength(8);
    const memory = lines.indexOf("MEMORY");
    expect(lines[memory + 1]).toBe("|ra=0x10000000|pa=0x810000000|size=17179869184");
    expect(lines.some((l) => /^(VCPU\|count=|MEMORY\|size=|IO\|)/.test(l))).toBe(false);
    const primary = (await ldm("t7-a", "list-bindings", "-p", "primary")).stdout;
    expect(primary).toContain("DOMAIN|name=primary|state=active|flags=normal,control,vio-service|");
    expect(parseListDomains(primary).domains[0]!.io.map((i) => i.alias)).toEqual(["pci_0", "pci_1"]);
    const vnet = lines.findIndex((l) => l.startsWith("VNET|name=vnet0|"));
    expect(lines[vnet + 1]).toMatch(/^\|peer=primary-vsw0@primary\|mac-addr=/);
    expect(lines).toContain("CONTROL|failure-policy=ignore|extended-mapin-space=on|cpu-arch=native");
  });

  it("-V prints the Logical Domains Manager version block", async () => {
    const { ldm } = testLab();
    const r = await ldm("t7-a", "-V");
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("\nLogical Domains Manager (v 3.5.0.0)\n");
    expect(r.stdout).toContain("System PROM:");
  });

  it("--help lists the commands and --help SUB prints its synopsis", async () => {
    const { ldm } = testLab();
    expect((await ldm("t7-a", "--help")).stdout).toContain("    create-vf");
    const sub = await ldm("t7-a", "--help", "migrate");
    expect(sub.stdout).toContain("ldm migrate-domain [-f] [-n] [-p filename] source-ldom [user@]target-host[:target-ldom]");
  });

  it("refuses an unknown subcommand and a bad option with exit 1", async () => {
    const { ldm } = testLab();
    const r = await ldm("t7-a", "frobnicate");
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe('Unknown command frobnicate; use "ldm --help" to list the commands\n');
    const bad = await ldm("t7-a", "list-io", "-z");
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain("ldm list-io [-l] [-p] [bus | device | pf-name]");
  });
});
