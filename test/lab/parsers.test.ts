import { describe, expect, it } from "vitest";
import { parseCreatedVfs, parseIpmpstat, parseListDomains, parseListIo, parseListServices, parseParseable } from "../../src/ldm";
import { NET0, NET2, type TestLab, testLab } from "./helpers";

/** Real samples quoted in shared/docs/ldm-reference.md. */
const REFERENCE_LIST_P = [
  "VERSION 1.11",
  "DOMAIN|name=primary|state=active|flags=-n-cv-|cons=UART|ncpu=5|mem=47272862140|util=0.4|uptime=4772570|norm_util=0.4",
  "DOMAIN|name=host1|state=active|flags=-n----|cons=5000|ncpu=1|mem=47272862140|util=1.4|uptime=173837|norm_util=1.4",
  "",
].join("\n");
const REFERENCE_LIST_IO_P = "|dev=pci@700/pci@1/pci@0/pci@4/SUNW,emlxs@0|alias=/SYS/PCI-EM14/IOVFC.PF0|status=|domain=fc-nprd3|type=PF|bus=pci_3\n";
const REFERENCE_LIST_IO = [
  "NAME                                      TYPE   BUS      DOMAIN   STATUS   ",
  "----                                      ----   ---      ------   ------   ",
  "/SYS/PM0/CMP0/PEX                         BUS    pci_0    primary  IOV",
  "/SYS/MB/RISER0/PCIE0                      PCIE   pci_0    primary  EMP",
  "/SYS/MB/NET0/IOVNET.PF0                   PF     pci_0    primary",
  "",
].join("\n");
/** Solaris 11 layout (evidence §7): the newest member first, `M` on the active data interface. */
const REFERENCE_IPMPSTAT_I = [
  "INTERFACE   ACTIVE  GROUP       FLAGS     LINK      PROBE     STATE",
  "net0        no      ipmp0       is-----   up        disabled  ok",
  "net1        yes     ipmp0       --mbM--   up        disabled  ok",
  "",
].join("\n");

async function busyLab(): Promise<TestLab> {
  const t = testLab();
  await t.ldm("t7-a", "create-vf", "name=ldg1-app", NET0);
  await t.ldm("t7-a", "create-vf", "-n", "2", NET2);
  t.settle();
  await t.ldm("t7-a", "add-io", `${NET0}.VF0`, "ldg1");
  await t.ldm("t7-a", "add-vnet", "vnet0", "primary-vsw0", "ldg1");
  await t.ldm("t7-a", "create-vf", NET0);
  return t;
}

const core = (d: { name: string; type: string; bus: string; domain?: string; status?: string }) => ({ name: d.name, type: d.type, bus: d.bus, domain: d.domain, status: d.status });

describe("the lab's outputs parse with src/ldm's parsers", () => {
  it("list-io human, -l, -p and -l -p give the same devices", async () => {
    const t = await busyLab();
    const forms = await Promise.all([["list-io"], ["list-io", "-l"], ["list-io", "-p"], ["list-io", "-l", "-p"]].map(async (a) => parseListIo((await t.ldm("t7-a", ...a)).stdout)));
    const [human, long, parseable, longParseable] = forms;
    expect(human!.map(core)).toEqual(parseable!.map(core));
    expect(long!.map(core)).toEqual(parseable!.map(core));
    expect(longParseable!.map(core)).toEqual(parseable!.map(core));
    const vf = longParseable!.find((d) => d.name === `${NET0}.VF0`)!;
    expect(vf).toMatchObject({ type: "VF", domain: "ldg1", class: "NETWORK", vfName: "ldg1-app", dev: "pci@300/pci@1/pci@0/pci@4/network@0,1" });
    expect(vf.properties.mtu).toBe("1500");
    expect(long!.find((d) => d.name === `${NET0}.VF0`)).toMatchObject({ class: "NETWORK", vfName: "ldg1-app", dev: vf.dev });
    expect(longParseable!.find((d) => d.name === NET0)!.properties.maxvfs).toBe("7");
    expect(parseable!.find((d) => d.name === `${NET0}.VF1`)).toMatchObject({ status: "INV" });
    expect(parseable!.find((d) => d.name === `${NET2}.VF1`)!.vfName).toBe(undefined);
  });

  it("list-io -p records have the reference sample's keys in the same positions f2..f7", async () => {
    const t = await busyLab();
    const sampleKeys = REFERENCE_LIST_IO_P.trim().split("|").slice(1).map((f) => f.split("=")[0]);
    const lab = (await t.ldm("t7-a", "list-io", "-p")).stdout.trim().split("\n").slice(1);
    for (const line of lab) expect(line.split("|").slice(1, 7).map((f) => f.split("=")[0])).toEqual(sampleKeys);
    expect(parseListIo(REFERENCE_LIST_IO_P)[0]).toMatchObject({ name: "/SYS/PCI-EM14/IOVFC.PF0", type: "PF", bus: "pci_3", domain: "fc-nprd3" });
  });

  it("list-io human header and rows line up with the reference sample", async () => {
    const t = await busyLab();
    const lab = (await t.ldm("t7-a", "list-io")).stdout.split("\n");
    const ref = REFERENCE_LIST_IO.split("\n");
    expect(lab.slice(0, 2)).toEqual(ref.slice(0, 2));
    expect(parseListIo(REFERENCE_LIST_IO).map(core)).toEqual([
      { name: "/SYS/PM0/CMP0/PEX", type: "BUS", bus: "pci_0", domain: "primary", status: "IOV" },
      { name: "/SYS/MB/RISER0/PCIE0", type: "PCIE", bus: "pci_0", domain: "primary", status: "EMP" },
      { name: "/SYS/MB/NET0/IOVNET.PF0", type: "PF", bus: "pci_0", domain: "primary", status: undefined },
    ]);
  });

  it("list -p has the reference sample's DOMAIN keys in the same order, and parses alike", async () => {
    const t = await busyLab();
    const text = (await t.ldm("t7-a", "list", "-p")).stdout;
    const keys = (doc: string) => parseParseable(doc).records.map((r) => Object.keys(r.fields));
    expect(keys(text)[0]).toEqual(keys(REFERENCE_LIST_P)[0]);
    const lab = parseListDomains(text);
    const ref = parseListDomains(REFERENCE_LIST_P);
    expect(lab.version).toBe(ref.version);
    expect(lab.domains.map((d) => [d.name, d.state, d.flags])).toEqual([
      ["primary", "active", "-n-cv-"],
      ["ldg1", "active", "-n----"],
    ]);
    expect(ref.domains[1]).toMatchObject({ name: "host1", cons: "5000", ncpu: 1 });
  });

  it("list -l -p and list-bindings -p give the domain's vnets and IO", async () => {
    const t = await busyLab();
    for (const argv of [["list", "-l", "-p", "ldg1"], ["list-bindings", "-p", "ldg1"]]) {
      const [ldg1] = parseListDomains((await t.ldm("t7-a", ...argv)).stdout).domains;
      expect(ldg1!.vnets.map((v) => [v.name, v.vswitch, v.serviceDomain, v.pvid])).toEqual([["vnet0", "primary-vsw0", "primary", 1]]);
      expect(ldg1!.io.map((io) => io.alias)).toEqual([`${NET0}.VF0`]);
    }
  });

  it("list-services -p gives switches with vids and disk services with volumes", async () => {
    const t = await busyLab();
    const services = parseListServices((await t.ldm("t7-a", "list-services", "-p")).stdout);
    expect(services.vsws.map((s) => [s.name, s.domain, s.netDev, s.pvid])).toEqual([["primary-vsw0", "primary", "net0", 1]]);
    expect(services.vdss[0]!.volumes.map((v) => [v.name, v.dev])).toEqual([["ldg1-disk0", "/dev/zvol/dsk/rpool/ldg1-disk0"]]);
  });

  it("create-vf output gives the new VF names", async () => {
    const t = testLab();
    expect(parseCreatedVfs((await t.ldm("t7-a", "create-vf", "-n", "2", NET0)).stdout)).toEqual([`${NET0}.VF0`, `${NET0}.VF1`]);
  });

  it("ipmpstat human and -P outputs parse like the reference sample", async () => {
    const t = await busyLab();
    for (const argv of [["create-ip", "net0"], ["create-ip", "net1"], ["create-ipmp", "ipmp0"], ["add-ipmp", "-i", "net1", "-i", "net0", "ipmp0"], ["set-ifprop", "-p", "standby=on", "-m", "ip", "net0"]]) {
      await t.guest("ldg1", "ipadm", ...argv);
    }
    const human = parseIpmpstat((await t.guest("ldg1", "ipmpstat", "-i")).stdout);
    expect(human).toEqual(parseIpmpstat(REFERENCE_IPMPSTAT_I));
    const fields = ["interface", "active", "group", "flags", "link", "probe", "state"];
    expect(parseIpmpstat((await t.guest("ldg1", "ipmpstat", "-P", "-o", fields.join(","), "-i")).stdout, fields)).toEqual(human);
    const groups = parseIpmpstat((await t.guest("ldg1", "ipmpstat", "-g")).stdout);
    expect(groups).toEqual([{ group: "ipmp0", groupname: "ipmp0", state: "ok", fdt: "--", interfaces: "net1 (net0)" }]);
  });
});
