/**
 * The migration run over the lab's ssh2 server: success with post-verify, a second run that
 * verifies instead of migrating twice, cancel, a failing migration, a target lost mid-way, and
 * a guest without access (unverified unless accepted).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MigrationControl } from "../../src/engine/migration";
import type { Inventory } from "../../src/model";
import { checkOf, defaultLabJson, prepare, startMigrationLab } from "./support";
import { LAB_VARIANTS } from "../engine/support/lab-variants";

let stateDir: string;
beforeAll(() => {
  stateDir = mkdtempSync(join(tmpdir(), "ldoms-migration-run-"));
});
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

const migrations = (lab: { lab: { journal(): readonly { argv: readonly string[] }[] } }) => lab.lab.journal().filter((j) => j.argv[0] === "migrate-domain");

describe.each(LAB_VARIANTS)("ldoms migrate over SSH ($name lab)", ({ variants }) => {
  it("migrates with progress, proves the result, and a second run verifies without migrating again", async () => {
    const lab = await startMigrationLab({ stateDir, json: defaultLabJson(variants) });
    try {
      await prepare(lab);
      const progress: number[] = [];
      const report = await lab.migrate({ onEvent: (e) => void (e.type === "progress" && progress.push(e.percent)) });
      expect(report.outcome).toBe("migrated");
      expect(report.preflight.map((c) => `${c.rule}:${c.status}`)).toEqual(["1:passed", "2:passed", "3:passed", "4:passed", "5:passed", "6:passed"]);
      expect(report.run).toMatchObject({ commandLine: "'ldm' 'migrate-domain' '-c' 'ldg1' 't7-b.example.net'", exitStatus: 0, lastProgress: 100 });
      expect(progress.length).toBeGreaterThanOrEqual(3);
      expect(progress.at(-1)).toBe(100);
      expect(progress.some((p) => p > 0 && p < 100)).toBe(true);
      expect(report.postVerify.map((c) => [c.id, c.status, c.message])).toEqual([
        ["post/domain-active-on-target", "passed", "ldg1 is active on t7-b"],
        ["post/domain-gone-from-source", "passed", "ldg1 is no longer on t7-a"],
        ["post/target-vf-assigned/ldg1-app", "passed", "VF ldg1-app (/SYS/MB/NET2/IOVNET.PF0.VF0) is assigned to ldg1 on t7-b"],
        ["post/source-vf-released/ldg1-app", "passed", "VF ldg1-app (/SYS/MB/NET0/IOVNET.PF0.VF0) on t7-a is unassigned and keeps its name"],
        ["post/vnet-bound/vnet0", "passed", "vnet vnet0 is bound to virtual switch primary-vsw0 on t7-b"],
        ["post/guest-ipmp-on-vf", "passed", "IPMP group ipmp0: net1 (VF ldg1-app) active, net0 (vnet vnet0) standby, both up on t7-b"],
      ]);
      expect(report.mutatingCommands).toEqual({ "t7-a": 1, "t7-b": 0 });
      expect(migrations(lab)).toHaveLength(1);

      const journal = lab.journalLength();
      const again = await lab.migrate();
      expect(again.outcome).toBe("already-migrated");
      expect(again.summary).toBe("ldg1 had already migrated to t7-b; nothing was migrated again, and every check of the result passed.");
      expect(again.postVerify.every((c) => c.status === "passed")).toBe(true);
      expect(lab.journalLength()).toBe(journal);
      expect(migrations(lab)).toHaveLength(1);
      // Both locks were released.
      expect((await lab.lab.runLdm("t7-a", ["list"])).exitCode).toBe(0);
      const files = lab.lab.store.read((s) => Object.keys(s.machines["t7-a"]!.files ?? {}).concat(Object.keys(s.machines["t7-b"]!.files ?? {})));
      expect(files.filter((f) => f.includes("ldoms.lock"))).toEqual([]);
    } finally {
      await lab.close();
    }
  });
});

describe("ldoms migrate over SSH", () => {
  it("cancels a running migration on request; the domain keeps running on the source with its VF", async () => {
    const lab = await startMigrationLab({ stateDir });
    try {
      await prepare(lab);
      const control = new MigrationControl();
      let answer: string | undefined;
      const report = await lab.migrate({
        control,
        onEvent: (e) => {
          if (e.type === "progress" && e.percent > 0 && answer === undefined) {
            answer = "pending";
            void control.cancel().then((a) => (answer = a));
          }
        },
      });
      expect(answer).toBe("cancel requested: 'ldm' 'cancel-operation' 'migration' 'ldg1'");
      expect(report.outcome).toBe("cancelled");
      expect(report.summary).toMatch(/^Cancelled: .*\. ldg1 is still on t7-a \(active\)\.$/);
      expect(report.run?.cancelRequested).toBe(true);
      expect((await lab.ldm("t7-a", "list", "-p", "ldg1")).stdout).toMatch(/name=ldg1\|state=active/);
      expect((await lab.ldm("t7-b", "list", "-p", "ldg1")).exitCode).not.toBe(0);
      expect((await lab.ldm("t7-a", "list-io", "-l", "-p")).stdout).toMatch(/alias=\/SYS\/MB\/NET0\/IOVNET\.PF0\.VF0\|status=[^|]*\|domain=ldg1/);
    } finally {
      await lab.close();
    }
  });

  it("Ctrl-C before the migration starts stops at the next phase, with nothing changed and the locks released", async () => {
    const lab = await startMigrationLab({ stateDir });
    try {
      await prepare(lab);
      const journal = lab.journalLength();
      const control = new MigrationControl();
      const report = await lab.migrate({ control, onEvent: (e) => void (e.type === "check" && e.check.rule === 6 && control.interrupt()) });
      expect([report.outcome, report.summary]).toEqual(["interrupted", "Interrupted before the migration started; nothing was migrated: ldg1 stays on t7-a."]);
      expect(lab.journalLength()).toBe(journal);
      const files = lab.lab.store.read((s) => [...Object.keys(s.machines["t7-a"]!.files ?? {}), ...Object.keys(s.machines["t7-b"]!.files ?? {})]);
      expect(files.filter((f) => f.includes("ldoms.lock"))).toEqual([]);
    } finally {
      await lab.close();
    }
  });

  it("when the connection drops while ldm migrates (outcome unknown), it re-reads and proves where the domain is", async () => {
    let armed = false;
    const lab = await startMigrationLab({
      stateDir,
      cut: (info) => (armed && info.hostId === "t7-a" && /'migrate-domain' '-c'/.test(info.commandLine) ? "after" : undefined),
    });
    try {
      await prepare(lab);
      armed = true;
      const report = await lab.migrate();
      expect(report.run).toMatchObject({ exitStatus: null, stderr: "the connection to t7-a was lost while ldm migrate-domain ran (outcome unknown)" });
      expect(report.outcome).toBe("migrated");
      expect(report.postVerify.every((c) => c.status === "passed")).toBe(true);
      expect(migrations(lab)).toHaveLength(1);
    } finally {
      await lab.close();
    }
  });

  it("a failed migration leaves the source domain running and says so", async () => {
    const lab = await startMigrationLab({ stateDir });
    try {
      await prepare(lab);
      lab.lab.faults.failNth(1, "Domain Migration of LDom ldg1 failed", { machine: "t7-a" });
      const report = await lab.migrate();
      expect(report.outcome).toBe("migration-failed");
      expect(report.summary).toBe("The migration failed: Domain Migration of LDom ldg1 failed. ldg1 is still on t7-a (active).");
      expect(report.postVerify).toEqual([]);
      expect((await lab.ldm("t7-a", "list", "-p", "ldg1")).stdout).toMatch(/state=active/);
    } finally {
      await lab.close();
    }
  });

  it("stops with nothing migrated when the target becomes unreachable after the preflight", async () => {
    let armed = false;
    let dryRunSeen = false;
    const lab = await startMigrationLab({
      stateDir,
      cut: (info) => {
        if (armed && info.hostId === "t7-a" && info.commandLine.includes("'migrate-domain' '-n'")) dryRunSeen = true;
        return dryRunSeen && info.hostId === "t7-b" ? "before" : undefined;
      },
    });
    try {
      await prepare(lab);
      armed = true;
      const journal = lab.journalLength();
      const report = await lab.migrate();
      expect(report.outcome).toBe("unreachable");
      expect(report.summary).toMatch(/^a host became unreachable after the preflight: .*t7-b.* Nothing was migrated: ldg1 still runs on t7-a\. Run ldoms migrate ldg1-to-b again once the host is reachable\. The lock on t7-b could not be released; once it is reachable: ldoms force-unlock t7-b [0-9a-f]+$/);
      expect(checkOf(report, 6).status).toBe("passed");
      expect(report.run).toBeUndefined();
      expect(lab.journalLength()).toBe(journal);
      expect((await lab.ldm("t7-a", "list", "-p", "ldg1")).stdout).toMatch(/state=active/);
    } finally {
      await lab.close();
    }
  });

  it("without guest access, rule 3 is unverified and needs --accept-unverified", async () => {
    const lab = await startMigrationLab({ stateDir });
    try {
      await prepare(lab);
      const { ["guest/ldg1"]: _guest, ...hosts } = lab.inventory.hosts;
      const inventory: Inventory = { hosts };
      const refused = await lab.migrate({ inventory });
      expect(refused.outcome).toBe("preflight-failed");
      expect(checkOf(refused, 3)).toMatchObject({
        status: "unverified",
        message: "no guest access for ldg1: IPMP group(s) ipmp0 could not be checked inside the guest",
      });
      expect(refused.summary).toBe("Rule 3 could not be verified; nothing was changed. Verify it by hand and pass --accept-unverified to proceed.");
      expect(migrations(lab)).toHaveLength(0);

      const accepted = await lab.migrate({ inventory, acceptUnverified: true });
      expect(accepted.outcome).toBe("migrated");
      expect(accepted.postVerify.find((c) => c.id === "post/guest-ipmp-on-vf")?.status).toBe("unverified");
    } finally {
      await lab.close();
    }
  });

  it("passes a password file by path (-p FILE), never a password", async () => {
    const lab = await startMigrationLab({ stateDir });
    try {
      await prepare(lab);
      const document = { ...lab.document, migrations: lab.document.migrations.map((m) => ({ ...m, auth: { kind: "password-file" as const, path: "/var/tmp/ldm-target.pw" }, targetUser: "root" })) };
      const missing = await lab.migrate({ document });
      expect(missing.outcome).toBe("dry-run-refused");
      expect(checkOf(missing, 6).message).toBe(
        "ldm migrate-domain -n refused (exit status 1): Unable to read password file /var/tmp/ldm-target.pw / Domain Migration of LDom ldg1 failed",
      );
      lab.lab.store.update((s) => void (s.machines["t7-a"]!.files!["/var/tmp/ldm-target.pw"] = { type: "file", content: "secret\n" } as never));
      const report = await lab.migrate({ document });
      expect(report.outcome).toBe("migrated");
      expect(report.run?.commandLine).toBe("'ldm' 'migrate-domain' '-p' '/var/tmp/ldm-target.pw' 'ldg1' 'root@t7-b.example.net'");
      expect(JSON.stringify(report)).not.toContain("secret");
    } finally {
      await lab.close();
    }
  });
});
