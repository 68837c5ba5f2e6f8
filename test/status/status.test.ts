/**
 * `ldoms status` on the labs, in-process: the MigrationGroup example on the pair lab (before and
 * after apply, after `migrate ldg1 --to t7-b`, a domain on two hosts, a host or guest that cannot
 * be reached) and the classic SriovMigration example on the default lab.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Lab } from "../../src/lab/lab";
import { loadLabDefinition } from "../../src/lab/definition";
import { LabExecutor, newLabExecCounters } from "../../src/lab-serving/executor";
import { startLabServer } from "../../src/lab-serving/ssh-server/start-lab-server";
import { LdomsError, type PlanDocument } from "../../src/model";
import { readStatus, statusReport, type DomainStatus, type StatusReport } from "../../src/engine/status";
import { examplePlan } from "../../test-kit/example-plan";
import { defaultLabJson } from "../migration/support";
import { GroupCli, groupExamplePlan, pairLabJson } from "../mobility/support";
import { labConnect, labInventory } from "./support";

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function domain(report: StatusReport, name: string): DomainStatus {
  const found = report.domains.find((d) => d.domain === name);
  if (!found) throw new Error(`no ${name} in ${report.domains.map((d) => d.domain).join(", ")}`);
  return found;
}

const VF0 = "/SYS/MB/NET2/IOVNET.PF0.VF0";
const VF1 = "/SYS/MB/NET2/IOVNET.PF0.VF1";

/** The group example on the pair lab, with an inventory naming the lab's hosts and guests. */
function pair(): { lab: Lab; status: GroupCli; group: GroupCli } {
  const lab = Lab.fromDefinition(loadLabDefinition(pairLabJson(), "pair lab"));
  const document = groupExamplePlan();
  const connect = labConnect(lab);
  const status = new GroupCli(document, labInventory(lab), connect);
  const group = new GroupCli(document, labInventory(lab), connect);
  cleanups.push(() => status.remove(), () => group.remove());
  return { lab, status, group };
}

describe("ldoms status on a MigrationGroup (pair lab)", () => {
  it("before apply: each domain where the lab has it, its VFs missing on both hosts, and why it cannot migrate", async () => {
    const { status } = pair();
    const { code, report } = await status.statusJson();
    expect(code).toBe(0);
    expect(report.stack).toBe("prod-pair");
    expect(report.hosts).toEqual([{ id: "t7-a", read: true }, { id: "t7-b", read: true }]);
    expect(report.domains.map((d) => d.domain)).toEqual(["ldg1", "ldg2"]);
    const ldg1 = domain(report, "ldg1");
    expect(ldg1).toMatchObject({ kind: "mobile", group: "pair", hosts: ["t7-a", "t7-b"], placement: "on", host: "t7-a", state: "active", unread: [] });
    expect(ldg1.vfs).toEqual([{ name: "ldg1-app", hosts: [{ host: "t7-a", read: true, present: false }, { host: "t7-b", read: true, present: false }] }]);
    expect(ldg1.migrate).toEqual([{ target: "t7-b", migration: "ldg1-to-t7-b", status: "failed", rule: 1, message: "t7-a has no VF named ldg1-app for ldg1" }]);
    // The guest is reachable, but its vnet is not there yet.
    expect(ldg1.guest).toMatchObject({ status: "problems", guest: "guest/ldg1" });
    expect(ldg1.guest.message).toContain("vnet vnet0 is not in domain ldg1");
    expect(domain(report, "ldg2")).toMatchObject({ placement: "on", host: "t7-b", migrate: [{ target: "t7-a", status: "failed", rule: 1 }] });

    const text = await status.status();
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^ldg1 +mobile \(pair\) +t7-a +active +ldg1-app @t7-a: missing +PROBLEM: ipmp0: .* +t7-b: NO \(rule 1\): t7-a has no VF named ldg1-app for ldg1$/m);
    expect(text.stdout).toMatch(/^ +ldg1-app @t7-b: missing$/m);
    expect(text.stdout).toContain("no lock taken, no dry run");
  });

  it("after apply: VFs assigned where each domain runs and ready on the other host, guest IPMP ok, migration ok; one read per host and guest", async () => {
    const { lab, status, group } = pair();
    const applied = await group.apply();
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    const counters = newLabExecCounters();
    const counted = (target: { id: string }) => new LabExecutor(lab, target.id, { counters });
    const { code, report } = await status.statusJson(counted);
    expect(code).toBe(0);
    // Two hosts and two guests, each read with one exec over one connection.
    expect(counters).toMatchObject({ connections: 4, execs: 4 });
    expect(domain(report, "ldg1")).toEqual({
      domain: "ldg1",
      kind: "mobile",
      group: "pair",
      hosts: ["t7-a", "t7-b"],
      placement: "on",
      host: "t7-a",
      state: "active",
      foundOn: [{ host: "t7-a", state: "active" }],
      unread: [],
      vfs: [
        {
          name: "ldg1-app",
          hosts: [
            { host: "t7-a", read: true, present: true, pseudonym: VF0, assignedTo: "ldg1" },
            { host: "t7-b", read: true, present: true, pseudonym: VF0, assignedTo: null },
          ],
        },
      ],
      guest: { status: "ok", guest: "guest/ldg1", message: "ipmp0 ok", groups: [{ name: "ipmp0", ok: true, message: expect.stringMatching(/active, .* standby, both up$/) }] },
      migrate: [{ target: "t7-b", migration: "ldg1-to-t7-b", status: "ok", message: "rules 1-5 pass (dry run not run)" }],
    });
    expect(domain(report, "ldg2").vfs[0]?.hosts).toEqual([
      { host: "t7-a", read: true, present: true, pseudonym: VF1, assignedTo: null },
      { host: "t7-b", read: true, present: true, pseudonym: VF1, assignedTo: "ldg2" },
    ]);
    const text = await status.status({}, counted);
    expect(text.stdout).toMatch(new RegExp(`^ldg1 +mobile \\(pair\\) +t7-a +active +ldg1-app @t7-a: ${VF0.replace(/\./g, "\\.")} -> ldg1 +ipmp0 ok +t7-b: ok$`, "m"));
    expect(text.stdout).toContain(`ldg1-app @t7-b: ${VF0} unassigned`);
  });

  it("after migrate ldg1 --to t7-b: ldg1 on t7-b, its VF assignment moved, and it could move back", async () => {
    const { status, group } = pair();
    expect((await group.apply()).code).toBe(0);
    const moved = await group.migrate("ldg1", "t7-b");
    expect(moved.code, moved.stdout + moved.stderr).toBe(0);
    const { code, report } = await status.statusJson();
    expect(code).toBe(0);
    const ldg1 = domain(report, "ldg1");
    expect(ldg1).toMatchObject({ placement: "on", host: "t7-b", state: "active", foundOn: [{ host: "t7-b", state: "active" }] });
    expect(ldg1.vfs[0]?.hosts).toEqual([
      { host: "t7-a", read: true, present: true, pseudonym: VF0, assignedTo: null },
      { host: "t7-b", read: true, present: true, pseudonym: VF0, assignedTo: "ldg1" },
    ]);
    expect(ldg1.guest.status).toBe("ok");
    expect(ldg1.migrate).toEqual([{ target: "t7-a", migration: "ldg1-to-t7-a", status: "ok", message: "rules 1-5 pass (dry run not run)" }]);
  }, 60_000);

  it("a domain on two hosts: reported on both with each state, no migration evaluated", async () => {
    const { lab, status, group } = pair();
    expect((await group.apply()).code).toBe(0);
    const created = await lab.runLdm("t7-a", ["add-domain", "ldg2"]);
    expect(created.exitCode, created.stderr).toBe(0);
    const { code, report } = await status.statusJson();
    expect(code).toBe(0);
    const ldg2 = domain(report, "ldg2");
    expect(ldg2).toMatchObject({ placement: "several", foundOn: [{ host: "t7-a", state: "inactive" }, { host: "t7-b", state: "active" }], migrate: [] });
    expect(ldg2).not.toHaveProperty("host");
    // The guest is the copy that runs (on t7-b): its IPMP state is read against that host.
    expect(ldg2.guest.status).toBe("ok");
    const text = await status.status();
    expect(text.stdout).toMatch(/^ldg2 +mobile \(pair\) +on t7-a and t7-b +inactive on t7-a +.*- \(not on one host\)$/m);
    expect(text.stdout).toMatch(/^ +active on t7-b/m);
  });

  it("a domain on no host: on none", async () => {
    const { lab, status } = pair();
    expect((await lab.runLdm("t7-b", ["stop-domain", "ldg2"])).exitCode).toBe(0);
    expect((await lab.runLdm("t7-b", ["unbind-domain", "ldg2"])).exitCode).toBe(0);
    const removed = await lab.runLdm("t7-b", ["remove-domain", "ldg2"]);
    expect(removed.exitCode, removed.stderr).toBe(0);
    const { code, report } = await status.statusJson();
    expect(code).toBe(0);
    expect(domain(report, "ldg2")).toMatchObject({ placement: "none", foundOn: [], unread: [], migrate: [] });
    expect((await status.status()).stdout).toMatch(/^ldg2 +mobile \(pair\) +on none +- /m);
  });

  it("a host that cannot be reached: exit 1, the rest shown, its cells not read", async () => {
    const { lab, status, group } = pair();
    expect((await group.apply()).code).toBe(0);
    const down = labConnect(lab, new Set(["t7-b"]));
    const { code, report } = await status.statusJson(down);
    expect(code).toBe(1);
    expect(report.hosts[0]).toEqual({ id: "t7-a", read: true });
    expect(report.hosts[1]).toMatchObject({ id: "t7-b", read: false, error: expect.stringContaining("t7-b") });
    const ldg1 = domain(report, "ldg1");
    expect(ldg1).toMatchObject({ placement: "on", host: "t7-a", unread: ["t7-b"] });
    expect(ldg1.vfs[0]?.hosts).toEqual([{ host: "t7-a", read: true, present: true, pseudonym: VF0, assignedTo: "ldg1" }, { host: "t7-b", read: false }]);
    expect(ldg1.migrate).toEqual([{ target: "t7-b", migration: "ldg1-to-t7-b", status: "unknown", message: "t7-b could not be read" }]);
    expect(domain(report, "ldg2")).toMatchObject({ placement: "unknown", unread: ["t7-b"], migrate: [] });

    const text = await status.status({}, down);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^ldg1 +mobile \(pair\) +t7-a +active /m);
    expect(text.stdout).toContain("ldg1-app @t7-b: not read");
    expect(text.stdout).toMatch(/^Hosts: t7-a read; 1 could not be read:\n {2}t7-b: .*ECONNREFUSED/m);
    expect(text.stdout + text.stderr).not.toMatch(/\n\s+at /);
  });

  it("a host missing from the inventory is reported as not read (exit 1); the other is shown", async () => {
    const { lab } = pair();
    const inventory = labInventory(lab);
    delete inventory.hosts["t7-b"];
    const status = new GroupCli(groupExamplePlan(), inventory, labConnect(lab));
    cleanups.push(() => status.remove());
    const { code, report } = await status.statusJson();
    expect(code).toBe(1);
    expect(report.hosts[1]).toMatchObject({ id: "t7-b", read: false, error: expect.stringContaining("not in") });
    expect(domain(report, "ldg1")).toMatchObject({ placement: "on", host: "t7-a" });
  });

  it("guests: no access without an inventory entry (migration unverified), not reachable when the guest refuses", async () => {
    const { lab, group } = pair();
    expect((await group.apply()).code).toBe(0);
    const noGuests = new GroupCli(groupExamplePlan(), { hosts: { "t7-a": labInventory(lab).hosts["t7-a"], "t7-b": labInventory(lab).hosts["t7-b"] } }, labConnect(lab));
    cleanups.push(() => noGuests.remove());
    const blind = await noGuests.statusJson();
    expect(blind.code).toBe(0);
    expect(domain(blind.report, "ldg1").guest).toMatchObject({ status: "no-access", groups: [] });
    expect(domain(blind.report, "ldg1").migrate).toEqual([{ target: "t7-b", migration: "ldg1-to-t7-b", status: "unverified", rule: 3, message: expect.stringContaining("no guest access for ldg1") }]);
    expect((await noGuests.status()).stdout).toMatch(/^ldg1 .* no access +t7-b: unverified \(rule 3\)/m);

    const status = new GroupCli(groupExamplePlan(), labInventory(lab), labConnect(lab, new Set(["guest/ldg1"])));
    cleanups.push(() => status.remove());
    const refused = await status.statusJson();
    // A guest is not a host: the run still counts as complete.
    expect(refused.code).toBe(0);
    expect(domain(refused.report, "ldg1").guest).toMatchObject({ status: "not-reachable", guest: "guest/ldg1", message: expect.stringContaining("ECONNREFUSED") });
    expect(domain(refused.report, "ldg2").guest.status).toBe("ok");
    expect((await status.status()).stdout).toMatch(/^ldg1 .* not reachable: /m);
  });

  it("over SSH (the lab's ssh2 server and the CLI's transport): the same report, hosts and guests read", async () => {
    const lab = Lab.fromDefinition(loadLabDefinition(pairLabJson(), "pair lab"));
    const stateDir = mkdtempSync(join(tmpdir(), "ldoms-status-ssh-"));
    const server = await startLabServer({ lab, stateDir });
    cleanups.push(async () => { await server.close(); rmSync(stateDir, { recursive: true, force: true }); });
    const group = new GroupCli(groupExamplePlan(), server.inventory);
    const status = new GroupCli(groupExamplePlan(), server.inventory);
    cleanups.push(() => group.remove(), () => status.remove());
    expect((await group.apply()).code).toBe(0);
    const { code, report } = await status.statusJson();
    expect(code).toBe(0);
    expect(report.hosts.every((h) => h.read)).toBe(true);
    expect(domain(report, "ldg1")).toMatchObject({ placement: "on", host: "t7-a", guest: { status: "ok", guest: "guest/ldg1" }, migrate: [{ target: "t7-b", status: "ok" }] });
    expect(domain(report, "ldg2")).toMatchObject({ placement: "on", host: "t7-b", guest: { status: "ok" }, migrate: [{ target: "t7-a", status: "ok" }] });
  }, 60_000);

  it("a plan document that cannot be read is an error for the CLI edge (exit 1, no stack)", async () => {
    const { lab } = pair();
    const status = new GroupCli(groupExamplePlan(), labInventory(lab), labConnect(lab));
    cleanups.push(() => status.remove());
    const error = await status.status({ planDocument: `${status.dir}/missing.plan.json` }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LdomsError);
    expect((error as LdomsError).exitCode).toBe(1);
  });
});

describe("ldoms status on the classic example (default lab)", () => {
  function classic(document: PlanDocument = examplePlan()): { lab: Lab; status: GroupCli } {
    const lab = Lab.fromDefinition(loadLabDefinition(defaultLabJson(), "default lab"));
    const status = new GroupCli(document, labInventory(lab), labConnect(lab));
    cleanups.push(() => status.remove());
    return { lab, status };
  }

  it("an SriovMigration's domain: source and target VFs, the migration's preflight, then done after it migrated", async () => {
    const { lab, status } = classic();
    const before = await status.statusJson();
    expect(before.code).toBe(0);
    expect(domain(before.report, "ldg1")).toMatchObject({
      kind: "migration",
      migrations: ["ldg1-to-b"],
      hosts: ["t7-a", "t7-b"],
      placement: "on",
      host: "t7-a",
      vfs: [{ name: "ldg1-app", hosts: [{ host: "t7-a", read: true, present: false }, { host: "t7-b", read: true, present: false }] }],
      migrate: [{ target: "t7-b", migration: "ldg1-to-b", status: "failed", rule: 1 }],
    });

    const group = new GroupCli(examplePlan(), labInventory(lab), labConnect(lab));
    cleanups.push(() => group.remove());
    expect((await group.apply()).code).toBe(0);
    const ready = await status.statusJson();
    expect(domain(ready.report, "ldg1").vfs[0]?.hosts).toEqual([
      { host: "t7-a", read: true, present: true, pseudonym: "/SYS/MB/NET0/IOVNET.PF0.VF0", assignedTo: "ldg1" },
      { host: "t7-b", read: true, present: true, pseudonym: "/SYS/MB/NET2/IOVNET.PF0.VF0", assignedTo: null },
    ]);
    expect(domain(ready.report, "ldg1").guest.status).toBe("ok");
    expect(domain(ready.report, "ldg1").migrate).toEqual([{ target: "t7-b", migration: "ldg1-to-b", status: "ok", message: "rules 1-5 pass (dry run not run)" }]);

    const moved = await status.migrateDeclared("ldg1-to-b", labConnect(lab));
    expect(moved.code, moved.stdout + moved.stderr).toBe(0);
    const after = await status.statusJson();
    expect(domain(after.report, "ldg1")).toMatchObject({ placement: "on", host: "t7-b", migrate: [{ target: "t7-b", migration: "ldg1-to-b", status: "done" }] });
    expect(domain(after.report, "ldg1").vfs[0]?.hosts.map((h) => ("assignedTo" in h ? h.assignedTo : "?"))).toEqual([null, "ldg1"]);
    expect((await status.status()).stdout).toMatch(/^ldg1 +migration \(ldg1-to-b\) +t7-b +active .* done: on t7-b$/m);
  }, 60_000);

  it("a fixed domain (no migration declared): its one host, no migration target", async () => {
    const { status } = classic({ ...examplePlan(), migrations: [] });
    const { code, report } = await status.statusJson();
    expect(code).toBe(0);
    expect(report.domains).toHaveLength(1);
    expect(domain(report, "ldg1")).toMatchObject({ kind: "fixed", hosts: ["t7-a"], placement: "on", host: "t7-a", state: "active", migrate: [] });
    expect(domain(report, "ldg1")).not.toHaveProperty("migrations");
    expect((await status.status()).stdout).toMatch(/^ldg1 +fixed +t7-a +active .* - \(fixed\)$/m);
  });
});

describe("the status report (pure)", () => {
  it("is assembled from reads alone: an unread host and no guest read", () => {
    const report = statusReport(examplePlan(), { hosts: new Map([["t7-a", { error: "boom" }]]), guests: new Map() });
    expect(report.hosts).toEqual([{ id: "t7-a", read: false, error: "boom" }, { id: "t7-b", read: false, error: "not read" }]);
    expect(domain(report, "ldg1")).toMatchObject({ placement: "unknown", unread: ["t7-a", "t7-b"], migrate: [], guest: { status: "no-access" } });
  });

  it("a guest read while its domain runs on no host: its IPMP state is unknown, not guessed", () => {
    const empty = { buses: [], pfs: [], vfs: [], domains: [], vswitches: [] };
    const observation = { links: [], interfaces: [], members: [], groups: [] };
    const report = statusReport(examplePlan(), {
      hosts: new Map([["t7-a", { observed: empty }], ["t7-b", { observed: empty }]]),
      guests: new Map([["ldg1", { kind: "observed", id: "guest/ldg1", observation }]]),
    });
    expect(domain(report, "ldg1")).toMatchObject({ placement: "none", foundOn: [], migrate: [], guest: { status: "unknown", guest: "guest/ldg1", groups: [] } });
  });

  it("readStatus reads nothing twice and changes nothing", async () => {
    const lab = Lab.fromDefinition(loadLabDefinition(pairLabJson(), "pair lab"));
    const before = lab.mutatingCount();
    const counters = newLabExecCounters();
    await readStatus(groupExamplePlan(), { connect: (t) => new LabExecutor(lab, t.id, { counters }) });
    // No inventory: the example's guests have no declared access, so only the hosts are read.
    expect(counters).toMatchObject({ connections: 2, execs: 2 });
    expect(lab.mutatingCount()).toBe(before);
  });
});
