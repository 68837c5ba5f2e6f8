/**
 * A guest with two SR-IOV Ethernet VFs, each paired with its own vnet in its own IPMP group on
 * its own network (fixtures/two-pairs.ts), migrated by its SriovMigration: in-process and over
 * the lab's ssh2 server, a refusal when one target VF is missing, and a post-verify that names
 * the group left on its vnet. Each VF is told apart in the guest by MAC: the lab gives the VFs'
 * datalinks in the opposite order of the vnets', so pairing links by position would fail.
 */
import { describe, expect, it } from "vitest";
import { Lab } from "../../src/lab/lab";
import { loadLabDefinition } from "../../src/lab/definition";
import { LabExecutor } from "../../src/lab-serving/executor";
import { engineHosts, migrationAwareness, planHosts, type ConnectHost } from "../../src/engine";
import { sshConnect } from "../../src/cli/engine-input";
import { runMigration, type MigrateOptions, type MigrationReport } from "../../src/engine/migration";
import { setPfLinkDown } from "../../src/lab/guest/faults";
import type { Inventory, PlanDocument } from "../../src/model";
import { startMigrationLab } from "./support";
import { LAB_VARIANTS, withLabVariants } from "../engine/support/lab-variants";
import { NET0_PF, PAIRS, twoNetworksLabJson, twoPairsPlan } from "./fixtures/two-pairs";

function inProcess(): { lab: Lab; document: PlanDocument; migrate(overrides?: Partial<MigrateOptions>): Promise<MigrationReport> } {
  const lab = Lab.fromDefinition(loadLabDefinition(twoNetworksLabJson(), "two-networks lab"));
  const document = twoPairsPlan();
  return {
    lab,
    document,
    migrate: (overrides = {}) =>
      runMigration({
        connect: (target) => new LabExecutor(lab, target.id),
        document,
        migrationId: "ldg1-to-b",
        pollIntervalMs: 100,
        guestSettleMs: 3000,
        invTimeoutMs: 10_000,
        ...overrides,
      }),
  };
}

/** `-p` rows of dladm/ipmpstat: fields split on unescaped `:`, `\:` unescaped. */
function parseable(text: string): string[][] {
  return text.trim().split("\n").filter(Boolean).map((line) => line.split(/(?<!\\):/).map((f) => f.replace(/\\:/g, ":")));
}

const sameMac = (a: string, b: string) => a.split(":").map((o) => parseInt(o, 16)).join(":") === b.split(":").map((o) => parseInt(o, 16)).join(":");

/**
 * Read from the lab directly, not through the engine: per group, its active and inactive
 * interfaces (ipmpstat -g), the link whose MAC (dladm show-phys -m) is the VF's MAC on
 * `machine`, and the link over the vnet's device; MACs and vnet ids from the lab's state.
 */
async function groupsInGuest(lab: Lab, machine: string) {
  const guest = async (...argv: string[]) => (await lab.runGuest("ldg1", argv)).stdout;
  const macs = parseable(await guest("dladm", "show-phys", "-m", "-p", "-o", "link,address"));
  const devices = parseable(await guest("dladm", "show-phys", "-p", "-o", "link,device"));
  const groups = new Map(parseable(await guest("ipmpstat", "-P", "-o", "group,interfaces", "-g")).map(([g, interfaces]) => [g!, interfaces!]));
  const host = lab.store.read((s) => structuredClone(s.machines[machine]!));
  const domain = host.domains.find((d) => d.name === "ldg1");
  return PAIRS.map((pair) => {
    const vfMac = host.pfs.flatMap((pf) => pf.vfs).find((vf) => vf.name === pair.vf && vf.domain === "ldg1")?.mac ?? "(no VF)";
    const vnetId = domain?.vnets.find((v) => v.name === pair.vnet)?.id ?? "(no vnet)";
    return {
      group: pair.group,
      interfaces: groups.get(pair.group),
      vfLink: macs.filter(([, mac]) => sameMac(mac!, vfMac)).map(([link]) => link),
      vnetLink: devices.filter(([, device]) => device === `vnet${vnetId}`).map(([link]) => link),
    };
  });
}

/** Each group's active interface is its own VF's link (by MAC), its vnet's link the standby. */
function expectEachGroupOnItsVf(groups: Awaited<ReturnType<typeof groupsInGuest>>): void {
  for (const g of groups) {
    expect(g.vfLink, g.group).toHaveLength(1);
    expect(g.vnetLink, g.group).toHaveLength(1);
    expect(g.interfaces, g.group).toBe(`${g.vfLink[0]} (${g.vnetLink[0]})`);
  }
  // Four distinct links: no VF or vnet serves two groups.
  expect(new Set(groups.flatMap((g) => [...g.vfLink, ...g.vnetLink])).size).toBe(4);
}

function describePair(g: { group: string; vfLink: string[]; vnetLink: string[] }): string {
  const pair = PAIRS.find((p) => p.group === g.group)!;
  return `IPMP group ${pair.group}: ${g.vfLink[0]} (VF ${pair.vf}) active, ${g.vnetLink[0]} (vnet ${pair.vnet}) standby, both up`;
}

const migrations = (lab: Lab) => lab.journal().filter((j) => j.argv[0] === "migrate-domain" && !j.argv.includes("-n"));

async function expectNoChangesPlanned(document: PlanDocument, connect: ConnectHost, inventory?: Inventory): Promise<void> {
  const hosts = engineHosts(document, inventory ? { inventory } : {});
  const run = await planHosts(hosts, { connect, migrations: migrationAwareness(document.migrations, hosts) });
  expect(run.hosts.map((h) => [h.id, h.actions.map((a) => a.summary), h.problems, h.error?.message])).toEqual([
    ["t7-a", [], [], undefined],
    ["t7-b", [], [], undefined],
  ]);
}

describe("a guest with two VF/vnet pairs on two networks", () => {
  it("migrates in-process with --apply: every pair checked before, both groups back on their own VFs after, nothing left to plan", async () => {
    const { lab, document, migrate } = inProcess();
    const report = await migrate({ apply: true });
    expect([report.outcome, report.summary]).toEqual(["migrated", expect.stringMatching(/^ldg1 migrated from t7-a to t7-b in [\d.]+ s; every check of the result passed\.$/)]);
    expect(report.preflight.map((c) => `${c.rule}:${c.status}`)).toEqual(["1:passed", "2:passed", "3:passed", "4:passed", "5:passed", "6:passed"]);

    // Before the migration the pairs were on t7-a; the links are the guest's own and do not move.
    const after = await groupsInGuest(lab, "t7-b");
    expectEachGroupOnItsVf(after);
    // The VF links come in the opposite order of the vnet links (the lab's PF order), so only MACs pair them right.
    expect(after.map((g) => [g.group, g.vfLink[0], g.vnetLink[0]])).toEqual([
      ["ipmp-app", "net3", "net0"],
      ["ipmp-db", "net2", "net1"],
    ]);
    const byRule = new Map(report.preflight.map((c) => [c.rule, c.message]));
    expect(byRule.get(1)).toBe("domain ldg1 is active on t7-a; its Ethernet VF(s) carry user-assigned names: ldg1-db (/SYS/MB/NET0/IOVNET.PF0.VF0), ldg1-app (/SYS/MB/NET2/IOVNET.PF0.VF0)");
    expect(byRule.get(3)).toBe(after.map(describePair).join("; "));
    expect(byRule.get(4)).toBe("VF ldg1-app and vnet vnet0 are on network ipmp-app-net (VLAN 100); VF ldg1-db and vnet vnet1 are on network ipmp-db-net (VLAN 200)");
    expect(byRule.get(5)).toBe(
      "VF ldg1-app (/SYS/MB/NET2/IOVNET.PF0.VF0) is unassigned and ready on t7-b; VF ldg1-db (/SYS/MB/NET0/IOVNET.PF0.VF0) is unassigned and ready on t7-b; virtual switch(es) primary-vsw0, primary-vsw1 exist on t7-b (virtual disk back ends are checked by the dry run)",
    );

    expect(report.postVerify.map((c) => [c.id, c.status, c.message])).toEqual([
      ["post/domain-active-on-target", "passed", "ldg1 is active on t7-b"],
      ["post/domain-gone-from-source", "passed", "ldg1 is no longer on t7-a"],
      ["post/target-vf-assigned/ldg1-app", "passed", "VF ldg1-app (/SYS/MB/NET2/IOVNET.PF0.VF0) is assigned to ldg1 on t7-b"],
      ["post/source-vf-released/ldg1-app", "passed", "VF ldg1-app (/SYS/MB/NET2/IOVNET.PF0.VF0) on t7-a is unassigned and keeps its name"],
      ["post/target-vf-assigned/ldg1-db", "passed", "VF ldg1-db (/SYS/MB/NET0/IOVNET.PF0.VF0) is assigned to ldg1 on t7-b"],
      ["post/source-vf-released/ldg1-db", "passed", "VF ldg1-db (/SYS/MB/NET0/IOVNET.PF0.VF0) on t7-a is unassigned and keeps its name"],
      ["post/vnet-bound/vnet0", "passed", "vnet vnet0 is bound to virtual switch primary-vsw0 on t7-b"],
      ["post/vnet-bound/vnet1", "passed", "vnet vnet1 is bound to virtual switch primary-vsw1 on t7-b"],
      ["post/guest-ipmp-on-vf", "passed", `${after.map(describePair).join("; ")} on t7-b`],
    ]);
    expect(migrations(lab)).toHaveLength(1);
    await expectNoChangesPlanned(document, (target) => new LabExecutor(lab, target.id));
  }, 60_000);

  it("refuses when one of the two target VFs is missing on t7-b, naming it; nothing migrates", async () => {
    const { lab, migrate } = inProcess();
    expect((await migrate({ apply: true, dryRun: true })).outcome).toBe("dry-run-passed");
    expect(await lab.runLdm("t7-b", ["destroy-vf", `${NET0_PF}.VF0`])).toMatchObject({ exitCode: 0 });

    const report = await migrate();
    expect(report.outcome).toBe("not-prepared");
    expect(report.missingPreparation).toEqual([expect.stringMatching(/^t7-b: \+ create VF "ldg1-db" on \/SYS\/MB\/NET0\/IOVNET\.PF0/)]);
    const rule5 = report.preflight.find((c) => c.rule === 5);
    expect(rule5).toMatchObject({ status: "failed", message: "t7-b has no VF named ldg1-db", fix: "run ldoms apply (it creates VF ldg1-db on /SYS/MB/NET0/IOVNET.PF0 of t7-b)" });
    expect(report.preflight.filter((c) => c.status !== "passed").map((c) => c.rule)).toEqual([5]);
    expect(migrations(lab)).toHaveLength(0);
    expect(report.run).toBeUndefined();
    expect((await lab.runLdm("t7-a", ["list", "-p", "ldg1"])).stdout).toMatch(/\|name=ldg1\|state=active/);
    // Both groups still run on their VFs on t7-a.
    expectEachGroupOnItsVf(await groupsInGuest(lab, "t7-a"));
  }, 60_000);

  it("a VF removed from the domain by hand is named for its own group, not matched to the other pair's datalink", async () => {
    const { lab, migrate } = inProcess();
    expect((await migrate({ apply: true, dryRun: true })).outcome).toBe("dry-run-passed");
    expect(await lab.runLdm("t7-a", ["remove-io", `${NET0_PF}.VF0`, "ldg1"])).toMatchObject({ exitCode: 0 });

    const report = await migrate({ dryRun: true });
    expect(report.outcome).toBe("not-prepared");
    expect(report.preflight.find((c) => c.rule === 3)).toMatchObject({ status: "failed", message: "IPMP group ipmp-db: VF ldg1-db is not assigned to domain ldg1" });
    expect(migrations(lab)).toHaveLength(0);
  }, 60_000);

  it("refuses when one group already runs on its vnet before the migration, naming that group; nothing migrates", async () => {
    const { lab, migrate } = inProcess();
    expect((await migrate({ apply: true, dryRun: true })).outcome).toBe("dry-run-passed");
    setPfLinkDown(lab.store, "t7-a", NET0_PF, true);

    const report = await migrate();
    expect(report.outcome).toBe("preflight-failed");
    const db = (await groupsInGuest(lab, "t7-a")).find((g) => g.group === "ipmp-db")!;
    expect(report.preflight.filter((c) => c.status !== "passed").map((c) => [c.rule, c.message])).toEqual([
      [3, `IPMP group ipmp-db: ${db.vfLink[0]} (VF ldg1-db) is not up (link down, state failed); IPMP group ipmp-db: the group runs on ${db.vnetLink[0]} (vnet vnet1), not on VF ldg1-db`],
    ]);
    expect(migrations(lab)).toHaveLength(0);
  }, 60_000);

  it("post-verify names the group left on its vnet when its target VF's link stays down", async () => {
    const { lab, migrate } = inProcess();
    expect((await migrate({ apply: true, dryRun: true })).outcome).toBe("dry-run-passed");
    // ldg1-db's target PF on t7-b has no carrier: after the migration its VF's link stays down.
    setPfLinkDown(lab.store, "t7-b", NET0_PF, true);

    const report = await migrate({ guestSettleMs: 1000 });
    expect(report.outcome).toBe("verify-failed");
    expect(migrations(lab)).toHaveLength(1);
    const failed = report.postVerify.filter((c) => c.status !== "passed");
    const groups = await groupsInGuest(lab, "t7-b");
    const db = groups.find((g) => g.group === "ipmp-db")!;
    const app = groups.find((g) => g.group === "ipmp-app")!;
    // The db group runs on its vnet, its VF failed; the app group is back on its VF.
    expect(db.interfaces).toBe(`${db.vnetLink[0]} [${db.vfLink[0]}]`);
    expect(app.interfaces).toBe(`${app.vfLink[0]} (${app.vnetLink[0]})`);
    expect(failed.map((c) => [c.id, c.status, c.message])).toEqual([
      [
        "post/guest-ipmp-on-vf",
        "failed",
        `IPMP group ipmp-db: ${db.vfLink[0]} (VF ldg1-db) is not up (link down, state failed); IPMP group ipmp-db: the group runs on ${db.vnetLink[0]} (vnet vnet1), not on VF ldg1-db`,
      ],
    ]);
    expect(report.summary).toContain("ipmp-db");
    expect(failed[0]?.fix).toContain("a VF link that stays down: the cabling and switch port of its PF on t7-b");

    // With the carrier back, the group fails back to its VF: a second run verifies, migrating nothing.
    setPfLinkDown(lab.store, "t7-b", NET0_PF, false);
    const again = await migrate();
    expect(again.outcome).toBe("already-migrated");
    expect(again.postVerify.every((c) => c.status === "passed")).toBe(true);
    expectEachGroupOnItsVf(await groupsInGuest(lab, "t7-b"));
    expect(migrations(lab)).toHaveLength(1);
  }, 60_000);
});

describe.each(LAB_VARIANTS)("a guest with two VF/vnet pairs, over SSH (the lab's ssh2 server, $name lab)", ({ variants }) => {
    it("migrates with both groups back on their own VFs", async () => {
      const lab = await startMigrationLab({ json: withLabVariants(twoNetworksLabJson(), variants), document: twoPairsPlan() });
      try {
        const report = await lab.migrate({ apply: true });
        expect(report.outcome).toBe("migrated");
        expect(report.preflight.every((c) => c.status === "passed")).toBe(true);
        const after = await groupsInGuest(lab.lab, "t7-b");
        expectEachGroupOnItsVf(after);
        expect(report.postVerify.every((c) => c.status === "passed")).toBe(true);
        expect(report.postVerify.find((c) => c.id === "post/guest-ipmp-on-vf")?.message).toBe(`${after.map(describePair).join("; ")} on t7-b`);
        expect(migrations(lab.lab)).toHaveLength(1);
        await expectNoChangesPlanned(lab.document, sshConnect({}), lab.inventory);
      } finally {
        await lab.close();
      }
    }, 60_000);
});
