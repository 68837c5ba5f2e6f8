/**
 * One lab scenario per rule of the migration contract, through the lab's ssh2 server: each
 * asserts the reported reason and that nothing changed on either machine (the lab journal of
 * mutating commands, and the devices as listed).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlanDocument } from "../../src/model";
import { examplePlan } from "../../test-kit/example-plan";
import { checkOf, defaultLabJson, prepare, startMigrationLab, type LabJson, type MigrationLab } from "./support";

let stateDir: string;
beforeAll(() => {
  stateDir = mkdtempSync(join(tmpdir(), "ldoms-migration-rules-"));
});
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function ldmOk(lab: MigrationLab, machine: string, ...argv: string[]): Promise<void> {
  const r = await lab.ldm(machine, ...argv);
  if (r.exitCode !== 0) throw new Error(`ldm ${argv.join(" ")} on ${machine}: ${r.stderr}`);
}

/** Devices and domains of both machines, as `ldm` lists them (no uptimes). */
async function snapshot(lab: MigrationLab): Promise<string> {
  const parts: string[] = [];
  for (const m of ["t7-a", "t7-b"]) {
    parts.push((await lab.ldm(m, "list-io", "-l", "-p")).stdout);
    parts.push((await lab.ldm(m, "list", "-o", "network,physio", "-p")).stdout);
  }
  return parts.join("\n").replace(/\|(uptime|util|norm_util)=[^|\n]*/g, "");
}

/**
 * The lab's clock: the wall clock until `hold()`, then still. An INV window (create-vf,
 * destroy-vf) is lab time: holding it keeps a device INV or not for the whole comparison,
 * however long a loaded machine takes over it.
 */
function labClock() {
  let held: number | undefined;
  return { now: () => held ?? Date.now(), hold: () => void (held = Date.now()) };
}

/** Prepares (unless told not to), perturbs, runs migrate, and proves nothing changed. */
async function scenario(
  setup: { json?: LabJson; document?: PlanDocument; prepared?: boolean },
  perturb: (lab: MigrationLab) => Promise<void>,
) {
  const clock = labClock();
  const lab = await startMigrationLab({ stateDir, now: clock.now, ...(setup.json ? { json: setup.json } : {}), ...(setup.document ? { document: setup.document } : {}) });
  try {
    if (setup.prepared !== false) await prepare(lab);
    await perturb(lab);
    // Nothing may change from here on, and lab time does not pass: preflight never waits on it.
    clock.hold();
    const journal = lab.journalLength();
    const before = await snapshot(lab);
    const report = await lab.migrate();
    expect(lab.journalLength()).toBe(journal);
    expect(await snapshot(lab)).toBe(before);
    expect(report.run).toBeUndefined();
    expect(report.mutatingCommands).toEqual({ "t7-a": 0, "t7-b": 0 });
    expect((await lab.ldm("t7-a", "list", "-p", "ldg1")).stdout).toMatch(/name=ldg1\|state=active/);
    return report;
  } finally {
    await lab.close();
  }
}

describe("preflight rules, each refusing before anything moves", () => {
  it("rule 1: a VF of the domain without a user-assigned name", async () => {
    const report = await scenario({}, async (lab) => {
      await ldmOk(lab, "t7-a", "create-vf", "/SYS/MB/NET2/IOVNET.PF0");
      await sleep(500);
      await ldmOk(lab, "t7-a", "add-io", "/SYS/MB/NET2/IOVNET.PF0.VF0", "ldg1");
    });
    expect(report.outcome).toBe("preflight-failed");
    expect(checkOf(report, 1)).toMatchObject({
      status: "failed",
      message: "VF /SYS/MB/NET2/IOVNET.PF0.VF0 assigned to ldg1 has no user-assigned name",
      fix: "name it on t7-a (ldm set-io name=NAME /SYS/MB/NET2/IOVNET.PF0.VF0), declare it as an EthernetVf with that name, and give the target a VF of the same name",
    });
  });

  it("rule 2: a Fibre Channel VF assigned to the domain", async () => {
    const json = defaultLabJson();
    json.machines[0]!.slots.push({ alias: "/SYS/MB/PCIE2", bus: "pci_1", dev: "pci@301/pci@1/pci@0/pci@2", status: "OCC" });
    json.machines[0]!.pfs.push({ alias: "/SYS/MB/PCIE2/IOVFC.PF0", maxvfs: 8, network: "san-a", vfs: [{ domain: "ldg1", portWwn: "10:00:00:14:4f:fc:f4:7c", nodeWwn: "20:00:00:14:4f:fc:f4:7c" }] });
    const report = await scenario({ json }, async () => undefined);
    expect(report.outcome).toBe("preflight-failed");
    expect(checkOf(report, 2)).toMatchObject({
      status: "failed",
      message: "Fibre Channel VF /SYS/MB/PCIE2/IOVFC.PF0.VF0 is assigned to ldg1: a domain with a Fibre Channel or InfiniBand VF cannot be migrated",
    });
  });

  it("rule 2: an InfiniBand VF assigned to the domain", async () => {
    const json = defaultLabJson();
    json.machines[0]!.slots.push({ alias: "/SYS/MB/PCIE4", bus: "pci_1", dev: "pci@301/pci@1/pci@0/pci@6", status: "OCC" });
    json.machines[0]!.pfs.push({ alias: "/SYS/MB/PCIE4/IOVIB.PF0", maxvfs: 4, network: "ib-a", vfs: [{ domain: "ldg1" }] });
    const report = await scenario({ json }, async () => undefined);
    expect(checkOf(report, 2)).toMatchObject({
      status: "failed",
      message: "InfiniBand VF /SYS/MB/PCIE4/IOVIB.PF0.VF0 is assigned to ldg1: a domain with a Fibre Channel or InfiniBand VF cannot be migrated",
    });
  });

  it("rule 3: no IPMP group in the guest", async () => {
    const report = await scenario({}, async (lab) => {
      for (const argv of [["ipadm", "remove-ipmp", "-i", "net0", "-i", "net1", "ipmp0"], ["ipadm", "delete-ipmp", "ipmp0"]]) {
        const r = await lab.lab.runGuest("ldg1", argv);
        expect(r.exitCode).toBe(0);
      }
    });
    expect(report.outcome).toBe("preflight-failed");
    expect(checkOf(report, 3)).toMatchObject({
      status: "failed",
      message: "IPMP group ipmp0: the guest has no IPMP group ipmp0",
      fix: "configure it: ldoms migrate ldg1-to-b --apply (or run scripts/guest-ldg1.sh in the guest)",
    });
  });

  it("rule 4: VF and vnet declared on different networks", async () => {
    const document = examplePlan() as unknown as { hosts: { desired: { domains: { vnets: { network?: object }[] }[] } }[] };
    document.hosts[0]!.desired.domains[0]!.vnets[0]!.network = { name: "backup-net", vlan: 200 };
    const report = await scenario({ document: document as unknown as PlanDocument }, async () => undefined);
    expect(checkOf(report, 4)).toMatchObject({
      status: "failed",
      message: "VF ldg1-app is on network app-net (VLAN 100) but vnet vnet0 is on network backup-net (VLAN 200)",
    });
  });

  it("rule 5: the target VF is missing", async () => {
    const report = await scenario({}, async (lab) => {
      await ldmOk(lab, "t7-b", "destroy-vf", "/SYS/MB/NET2/IOVNET.PF0.VF0");
    });
    expect(report.outcome).toBe("not-prepared");
    expect(report.missingPreparation).toEqual(['t7-b: + create VF "ldg1-app" on /SYS/MB/NET2/IOVNET.PF0 (pvid=100)']);
    expect(checkOf(report, 5)).toMatchObject({ status: "failed", message: "t7-b has no VF named ldg1-app" });
  });

  it("rule 5: the target VF carries another name", async () => {
    const report = await scenario({}, async (lab) => {
      await ldmOk(lab, "t7-b", "set-io", "name=ldg1-spare", "/SYS/MB/NET2/IOVNET.PF0.VF0");
    });
    expect(checkOf(report, 5)).toMatchObject({
      status: "failed",
      message: "t7-b has no VF named ldg1-app; the VF on /SYS/MB/NET2/IOVNET.PF0 is named differently (/SYS/MB/NET2/IOVNET.PF0.VF0 is named ldg1-spare)",
      fix: "give the target VF the same user-assigned name (ldm set-io name=ldg1-app /SYS/MB/NET2/IOVNET.PF0.VF0 on t7-b) if nothing else uses it, or run ldoms apply to create one",
    });
  });

  it("rule 5: the VF on the target PF is one the target's plan declares: no rename is offered", async () => {
    const document = examplePlan() as unknown as { hosts: { id: string; desired: { unassignedVfs: { name: string }[] } }[] };
    const target = document.hosts.find((h) => h.id === "t7-b")!;
    target.desired.unassignedVfs.push({ ...target.desired.unassignedVfs[0]!, name: "ldg2-app" });
    const report = await scenario({ document: document as unknown as PlanDocument }, async (lab) => {
      await ldmOk(lab, "t7-b", "set-io", "name=ldg2-app", "/SYS/MB/NET2/IOVNET.PF0.VF0");
    });
    expect(checkOf(report, 5)).toMatchObject({
      status: "failed",
      fix: "run ldoms apply to create VF ldg1-app on /SYS/MB/NET2/IOVNET.PF0 of t7-b (the VFs there are declared or assigned: do not rename them)",
    });
  });

  it("rule 5: the target VF is already assigned", async () => {
    const report = await scenario({}, async (lab) => {
      await ldmOk(lab, "t7-b", "add-io", "/SYS/MB/NET2/IOVNET.PF0.VF0", "primary");
    });
    expect(checkOf(report, 5)).toMatchObject({
      status: "failed",
      message: "VF ldg1-app on t7-b (/SYS/MB/NET2/IOVNET.PF0.VF0) is already assigned to domain primary",
    });
  });

  it("rule 5: the target VF is INV", async () => {
    const report = await scenario({}, async (lab) => {
      await ldmOk(lab, "t7-b", "set-io", "name=ldg1-spare", "/SYS/MB/NET2/IOVNET.PF0.VF0");
      lab.lab.faults.keepInvLonger(60_000);
      await ldmOk(lab, "t7-b", "create-vf", "name=ldg1-app", "pvid=100", "/SYS/MB/NET0/IOVNET.PF0");
    });
    expect(report.missingPreparation).toEqual([]);
    expect(checkOf(report, 5)).toMatchObject({
      status: "failed",
      message: "VF ldg1-app on t7-b (/SYS/MB/NET0/IOVNET.PF0.VF0) is in status INV (the root domain is still probing it)",
    });
  });

  it("rule 5: the target lacks the virtual switch", async () => {
    const report = await scenario({}, async (lab) => {
      await ldmOk(lab, "t7-b", "remove-vswitch", "primary-vsw0");
    });
    expect(checkOf(report, 5)).toMatchObject({
      status: "failed",
      message: "t7-b has no virtual switch primary-vsw0 (used by vnet vnet0 of ldg1)",
    });
  });

  it("rule 6: ldm refuses the dry run (the target lacks the disk volume)", async () => {
    const json = defaultLabJson();
    json.machines[1]!.vdiskServices[0].volumes = [];
    const report = await scenario({ json }, async () => undefined);
    expect(report.outcome).toBe("dry-run-refused");
    expect(report.preflight.slice(0, 5).map((c) => c.status)).toEqual(["passed", "passed", "passed", "passed", "passed"]);
    expect(checkOf(report, 6)).toMatchObject({
      status: "failed",
      message:
        "ldm migrate-domain -n refused (exit status 1): Virtual disk volume ldg1-disk0@primary-vds0 (used by vdisk0) does not exist on the target machine / Domain Migration of LDom ldg1 failed",
    });
  });
});
