import { describe, expect, it } from "vitest";
import { DEFAULT_LAB_FILE, Lab, loadLabDefinitionFile } from "../../src/lab";
import { NET0, NET2, type TestLab, fcIbLab, testLab } from "./helpers";

async function prepare(t: TestLab, options: { name?: boolean; targetVf?: boolean } = {}): Promise<void> {
  await t.ldm("t7-a", "create-vf", ...(options.name === false ? [] : ["name=ldg1-app"]), NET0);
  t.settle();
  await t.ldm("t7-a", "add-io", `${NET0}.VF0`, "ldg1");
  await t.ldm("t7-a", "add-vnet", "vnet0", "primary-vsw0", "ldg1");
  if (options.targetVf !== false) await t.ldm("t7-b", "create-vf", "name=ldg1-app", NET2);
  t.settle();
}

/** A lab whose sleeps wait until the test lets them pass, to look at a migration in flight. */
function steppedLab() {
  const clock = { now: 1_700_000_000_000 };
  const waiting: (() => void)[] = [];
  const lab = Lab.fromDefinition(loadLabDefinitionFile(DEFAULT_LAB_FILE), {
    now: () => clock.now,
    sleep: (ms) =>
      new Promise<void>((resolve) =>
        waiting.push(() => {
          clock.now += ms;
          resolve();
        }),
      ),
  });
  const t: TestLab = {
    lab,
    clock,
    ldm: (m, ...a) => lab.runLdm(m, a),
    guest: (d, ...a) => lab.runGuest(d, a),
    snapshot: () => lab.store.read((s) => JSON.stringify({ ...s, journal: [] })),
    settle: () => void (clock.now += 60_000),
  };
  const step = async (n = 1) => {
    for (let i = 0; i < n; i++) {
      while (!waiting.length) await new Promise((r) => setImmediate(r));
      waiting.shift()!();
    }
    await new Promise((r) => setImmediate(r));
  };
  return { t, step };
}

describe("migrate-domain: success", () => {
  it("dry run passes without change, then the domain moves with its VF swapped by name", async () => {
    const t = testLab();
    await prepare(t);
    const before = t.snapshot();
    expect(await t.ldm("t7-a", "migrate-domain", "-n", "-c", "ldg1", "root@t7-b")).toEqual({ exitCode: 0, stdout: "", stderr: "" });
    expect(t.snapshot()).toBe(before);
    expect(t.lab.mutatingCount("t7-a")).toBe(3);

    expect(await t.ldm("t7-a", "migrate", "-c", "ldg1", "root@t7-b.lab")).toEqual({ exitCode: 0, stdout: "", stderr: "" });
    expect((await t.ldm("t7-a", "list", "-p", "ldg1")).stderr).toBe("LDom ldg1 does not exist\n");
    expect((await t.ldm("t7-a", "list-io", "-p", `${NET0}.VF0`)).stdout).toContain("|domain=|type=VF|bus=pci_0|name=ldg1-app");
    expect((await t.ldm("t7-b", "list-io", "-p", `${NET2}.VF0`)).stdout).toContain("|domain=ldg1|type=VF|bus=pci_1|name=ldg1-app");
    const listed = (await t.ldm("t7-b", "list", "-p", "ldg1")).stdout;
    expect(listed).toContain("DOMAIN|name=ldg1|state=active|flags=-n----|");
    expect((await t.ldm("t7-b", "list", "-o", "network", "-p", "ldg1")).stdout).toContain("VNET|name=vnet0|dev=network@0|service=primary-vsw0@primary|");
    expect(t.lab.guestDomains()).toEqual([{ machine: "t7-b", domain: "ldg1" }]);
    expect(t.lab.journal().at(-1)).toMatchObject({ kind: "ldm", machine: "t7-a", argv: ["migrate", "-c", "ldg1", "root@t7-b.lab"], exitCode: 0 });
  });

  it("accepts -p with a password file on the source and a new name on the target", async () => {
    const t = testLab();
    await prepare(t);
    t.lab.store.update((s) => void (s.machines["t7-a"]!.files["/var/tmp/pw"] = { type: "file", content: "secret\n" }));
    expect((await t.ldm("t7-a", "migrate-domain", "-p", "/var/tmp/pw", "ldg1", "root@t7-b:ldg1-new")).exitCode).toBe(0);
    expect((await t.ldm("t7-b", "list-io", "-p", `${NET2}.VF0`)).stdout).toContain("|domain=ldg1-new|");
    expect(t.lab.guestDomains()).toEqual([{ machine: "t7-b", domain: "ldg1-new" }]);
  });

  it("shows flags s/t and progress in list -o status while it runs, then finishes", async () => {
    const { t, step } = steppedLab();
    await prepare(t);
    const running = t.ldm("t7-a", "migrate-domain", "-c", "ldg1", "t7-b");
    await step(5);
    const src = (await t.ldm("t7-a", "list", "-p", "ldg1")).stdout;
    expect(src).toContain("flags=-n---s");
    expect((await t.ldm("t7-b", "list", "-p", "ldg1")).stdout).toContain("DOMAIN|name=ldg1|state=bound|flags=-t---t|");
    const status = (await t.ldm("t7-a", "list", "-o", "status", "ldg1")).stdout.split("\n");
    expect(status.slice(0, 5)).toEqual(["NAME", "ldg1", "", "STATUS", "    OPERATION    PROGRESS    TARGET"]);
    expect(status[5]).toMatch(/^ {4}migration {4}25% {9}t7-b$/);
    expect((await t.ldm("t7-b", "list", "-o", "status", "-p", "ldg1")).stdout).toContain("STATUS|op=migration|progress=25|error=no|source=t7-a");
    // The source VF left the domain when the migration started.
    expect((await t.ldm("t7-a", "list-io", "-p", `${NET0}.VF0`)).stdout).toContain("|domain=|");
    // A second command on the migrating domain is refused meanwhile.
    expect((await t.ldm("t7-a", "rm-vnet", "vnet0", "ldg1")).stderr).toBe("A migration of LDom ldg1 is in progress\n");
    await step(15);
    expect((await running).exitCode).toBe(0);
    expect((await t.ldm("t7-b", "list", "-p", "ldg1")).stdout).toContain("flags=-n----");
  });

  it("cancel-operation migration rolls back: the domain keeps running on the source with its VF", async () => {
    const { t, step } = steppedLab();
    await prepare(t);
    const before = t.snapshot();
    const running = t.ldm("t7-a", "migrate-domain", "-c", "ldg1", "t7-b");
    await step(3);
    expect(await t.ldm("t7-a", "cancel-operation", "migration", "ldg1")).toEqual({ exitCode: 0, stdout: "", stderr: "" });
    await step(1);
    expect(await running).toEqual({ exitCode: 1, stdout: "", stderr: "Migration of LDom ldg1 was cancelled\nDomain Migration of LDom ldg1 failed\n" });
    const after = JSON.parse(t.snapshot());
    const domain = after.machines["t7-a"].domains.find((d: { name: string }) => d.name === "ldg1");
    expect(domain.migrationError).toBe(undefined);
    expect(t.snapshot()).toBe(before.replace(/"migrationCounter":0/, '"migrationCounter":1'));
    expect((await t.ldm("t7-a", "cancel-operation", "migration", "ldg1")).stderr).toBe("No migration of LDom ldg1 is in progress\n");
  });
});

describe("migrate-domain: a migration whose ldm process is gone", () => {
  it("is rolled back by cancel-operation itself", async () => {
    const { t } = steppedLab();
    await prepare(t);
    const before = t.snapshot();
    void t.ldm("t7-a", "migrate-domain", "-c", "ldg1", "t7-b"); // never let its transfer end
    await new Promise((r) => setImmediate(r));
    expect((await t.ldm("t7-a", "list", "-p", "ldg1")).stdout).toContain("flags=-n---s");
    expect((await t.ldm("t7-a", "cancel-operation", "migration", "ldg1")).exitCode).toBe(0);
    expect(t.snapshot()).toBe(before.replace(/"migrationCounter":0/, '"migrationCounter":1'));
    expect((await t.ldm("t7-b", "list", "ldg1")).stderr).toBe("LDom ldg1 does not exist\n");
  });
});

describe("migrate-domain: refusals name the reason, fail with the trailer, change nothing", () => {
  const trailer = "Domain Migration of LDom ldg1 failed";
  const cases: [string, (t: TestLab) => Promise<void>, string[], string][] = [
    ["unnamed VF", (t) => prepare(t, { name: false }), ["-c", "ldg1", "t7-b"], `Virtual function ${NET0}.VF0 has no user-assigned name; set one with ldm set-io name=<name> ${NET0}.VF0`],
    ["target lacks the same-named VF", (t) => prepare(t, { targetVf: false }), ["-c", "ldg1", "t7-b"], `No virtual function named ldg1-app (for ${NET0}.VF0) exists on the target machine`],
    [
      "target VF assigned",
      async (t) => {
        await prepare(t);
        await t.ldm("t7-b", "add-domain", "other");
        await t.ldm("t7-b", "add-io", `${NET2}.VF0`, "other");
      },
      ["-c", "ldg1", "t7-b"],
      `Virtual function ldg1-app (${NET2}.VF0) on the target machine is attached to LDom other`,
    ],
    [
      "target VF INV",
      async (t) => {
        await prepare(t, { targetVf: false });
        await t.ldm("t7-b", "create-vf", "name=ldg1-app", NET2);
      },
      ["-c", "ldg1", "t7-b"],
      `Virtual function ldg1-app (${NET2}.VF0) on the target machine is not ready (status INV)`,
    ],
    [
      "target lacks the vswitch",
      async (t) => {
        await prepare(t);
        await t.ldm("t7-a", "add-vsw", "net-dev=net1", "backup-vsw1", "primary");
        await t.ldm("t7-a", "add-vnet", "vnet1", "backup-vsw1", "ldg1");
      },
      ["-c", "ldg1", "t7-b"],
      "Virtual switch backup-vsw1 (used by vnet1) does not exist on the target machine",
    ],
    [
      "a domain owning a bus (direct I/O)",
      async (t) => {
        await prepare(t);
        t.lab.store.update((s) => void (s.machines["t7-a"]!.buses[1]!.domain = "ldg1"));
      },
      ["-c", "ldg1", "t7-b"],
      "LDom ldg1 owns bus pci_1; a domain with physical I/O devices cannot be migrated",
    ],
    [
      "a target in delayed reconfiguration",
      async (t) => {
        await prepare(t);
        await t.ldm("t7-b", "start-reconf", "primary");
      },
      ["-c", "ldg1", "t7-b"],
      "The control domain of the target machine is in a delayed reconfiguration",
    ],
    ["an invalid target domain name", prepare, ["-c", "ldg1", "t7-b:bad name"], "Invalid target domain name bad name"],
    ["unknown target host", prepare, ["-c", "ldg1", "root@nowhere"], "Failed to establish connection with ldmd(1m) on target: nowhere"],
    ["the source machine itself", prepare, ["-c", "ldg1", "t7-a.lab"], "Migration to the same system is not permitted"],
    ["neither -p nor -c", prepare, ["ldg1", "t7-b"], "Target Password: no password could be read (use -p filename or -c)"],
    ["a missing password file", prepare, ["-p", "/var/tmp/none", "ldg1", "t7-b"], "Unable to read password file /var/tmp/none"],
    [
      "a target domain of that name",
      async (t) => {
        await prepare(t);
        await t.ldm("t7-b", "add-domain", "ldg1");
      },
      ["-c", "ldg1", "t7-b"],
      "LDom ldg1 already exists on the target machine",
    ],
    [
      "a vdisk volume missing on the target",
      async (t) => {
        await prepare(t);
        t.lab.store.update((s) => void (s.machines["t7-b"]!.vdiskServices[0]!.volumes = []));
      },
      ["-c", "ldg1", "t7-b"],
      "Virtual disk volume ldg1-disk0@primary-vds0 (used by vdisk0) does not exist on the target machine",
    ],
  ];
  for (const [what, setup, argv, reason] of cases) {
    it(what, async () => {
      const t = testLab();
      await setup(t);
      const before = t.snapshot();
      for (const dry of [true, false]) {
        const r = await t.ldm("t7-a", "migrate-domain", ...(dry ? ["-n"] : []), ...argv);
        expect(r).toEqual({ exitCode: 1, stdout: "", stderr: `${reason}\n${trailer}\n` });
        expect(t.snapshot()).toBe(before);
      }
    });
  }

  it("refuses an unknown domain and the control domain", async () => {
    const t = testLab();
    expect((await t.ldm("t7-a", "migrate", "-c", "nosuch", "t7-b")).stderr).toBe("LDom nosuch does not exist\n");
    expect((await t.ldm("t7-a", "migrate", "-c", "primary", "t7-b")).stderr).toBe("LDom primary is the control domain and cannot be migrated\nDomain Migration of LDom primary failed\n");
  });

  it("refuses a domain with a Fibre Channel VF and one with an InfiniBand VF", async () => {
    const t = fcIbLab();
    const before = t.snapshot();
    expect((await t.ldm("fc-a", "migrate", "-c", "fcg1", "fc-b")).stderr).toBe("Virtual function /SYS/MB/PCIE2/IOVFC.PF0.VF0 is of class FIBRECHANNEL; only Ethernet virtual functions can be migrated\nDomain Migration of LDom fcg1 failed\n");
    expect((await t.ldm("fc-a", "migrate", "-n", "-c", "ibg1", "fc-b")).stderr).toBe("Virtual function /SYS/MB/PCIE4/IOVIB.PF0.VF0 is of class INFINIBAND; only Ethernet virtual functions can be migrated\nDomain Migration of LDom ibg1 failed\n");
    expect(t.snapshot()).toBe(before);
  });

  it("refuses while primary is in delayed reconfiguration", async () => {
    const t = testLab();
    await prepare(t);
    await t.ldm("t7-a", "start-reconf", "primary");
    const r = await t.ldm("t7-a", "migrate", "-c", "ldg1", "t7-b");
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("The control domain is in a delayed reconfiguration\nDomain Migration of LDom ldg1 failed\n");
  });

  it("refuses a usage error (missing target)", async () => {
    const t = testLab();
    const r = await t.ldm("t7-a", "migrate-domain", "ldg1");
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("ldm migrate-domain [-f] [-n] -c source-ldom target-host[:target-ldom]");
  });
});
