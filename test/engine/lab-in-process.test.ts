import { describe, expect, it } from "vitest";
import { applyHosts, engineHosts, planHosts } from "../../src/engine";
import { examplePlan } from "../../test-kit/example-plan";
import { exampleLabJson, inProcessLab } from "./support/engine-lab";
import { LAB_VARIANTS } from "./support/lab-variants";

const PF0 = "/SYS/MB/NET0/IOVNET.PF0";

describe.each(LAB_VARIANTS)("engine against the lab in-process ($name lab)", ({ variants }) => {
  const lab = () => inProcessLab(exampleLabJson({ variants }));

  it("plans from scratch with one connection and one read exec per host", async () => {
    const env = lab();
    const run = await planHosts(engineHosts(examplePlan()), { connect: env.connect() });
    expect(run.hosts.map((h) => h.error?.message)).toEqual([undefined, undefined]);
    expect(run.hosts.map((h) => [h.id, h.actions.map((a) => `${a.symbol} ${a.stepId}`)])).toEqual([
      ["t7-a", ["+ vf/ldg1-app/create", "~ vf/ldg1-app/assign", "+ vnet/ldg1/vnet0/add"]],
      ["t7-b", ["+ vf/ldg1-app/create"]],
    ]);
    expect(run.hosts.map((h) => h.counters)).toEqual([
      { connections: 1, execs: 1, readExecs: 1, mutatingExecs: 0, settleReads: 0 },
      { connections: 1, execs: 1, readExecs: 1, mutatingExecs: 0, settleReads: 0 },
    ]);
    expect(env.lab.mutatingCount()).toBe(0);
  });

  it("converges from scratch, proves it, and a second apply runs zero mutating commands", async () => {
    const env = lab();
    const hosts = engineHosts(examplePlan());
    const first = await applyHosts(hosts, { connect: env.connect() });
    expect(first.hosts.map((h) => [h.id, h.status, h.error?.message])).toEqual([
      ["t7-a", "applied", undefined],
      ["t7-b", "applied", undefined],
    ]);
    expect(first.hosts.map((h) => h.mutatingCommands)).toEqual([3, 1]);
    // t7-a's assign needs the new VF out of INV: its create-vf exec lists the devices, then
    // list-io is polled until the lab's INV ends. Nothing on t7-b needs its new VF, so only the
    // final proof reads it there.
    expect(first.hosts[0]?.counters.settleReads).toBeGreaterThan(0);
    expect(first.hosts[1]?.counters).toEqual({ connections: 1, execs: 3, readExecs: 0, mutatingExecs: 1, settleReads: 0 });
    const journal = (machine: string) => env.lab.journal().filter((j) => j.machine === machine).map((j) => j.argv.join(" "));
    expect(journal("t7-a")).toEqual([`create-vf name=ldg1-app pvid=100 ${PF0}`, `add-io ${PF0}.VF0 ldg1`, "add-vnet pvid=100 vnet0 primary-vsw0 ldg1"]);
    expect(journal("t7-b")).toEqual(["create-vf name=ldg1-app pvid=100 /SYS/MB/NET2/IOVNET.PF0"]);
    expect(env.lab.mutatingCount()).toBe(4);

    const second = await applyHosts(hosts, { connect: env.connect() });
    expect(second.hosts.map((h) => [h.id, h.status, h.mutatingCommands])).toEqual([
      ["t7-a", "unchanged", 0],
      ["t7-b", "unchanged", 0],
    ]);
    expect(env.lab.mutatingCount()).toBe(4);
    const plan = await planHosts(hosts, { connect: env.connect() });
    expect(plan.hosts.flatMap((h) => h.actions)).toEqual([]);
  });

  it("a pvid changed by hand gives exactly one update in place, which apply fixes", async () => {
    const env = lab();
    const hosts = engineHosts(examplePlan());
    await applyHosts(hosts, { connect: env.connect() });
    const manual = await env.ldm("t7-a", "set-io", "pvid=200", `${PF0}.VF0`);
    expect(manual.exitCode).toBe(0);
    const plan = await planHosts(hosts, { connect: env.connect() });
    expect(plan.hosts.flatMap((h) => h.actions.map((a) => `${h.id} ${a.symbol} ${a.summary} because ${a.reason}`))).toEqual([
      't7-a ~ set pvid=100 on VF "ldg1-app" because pvid of VF "ldg1-app" is "200", want "100"',
    ]);
    const before = env.lab.mutatingCount();
    const apply = await applyHosts(hosts, { connect: env.connect() });
    expect(apply.hosts.map((h) => h.mutatingCommands)).toEqual([1, 0]);
    expect(env.lab.mutatingCount()).toBe(before + 1);
  });
});

/** The example's lab with a VF made earlier by an admin (named ldg1-app), on the given variant. */
function labWithAdminVf(vfName: string) {
  const json = exampleLabJson({}) as { options: object; machines: { pfs: { vfs: object[] }[] }[] };
  json.options = { ...json.options, variants: { vfName } };
  json.machines[0]!.pfs[0]!.vfs = [{ name: "ldg1-app", pvid: 100 }];
  return inProcessLab(json);
}

describe("the nowhere variant: VF names in no listing", () => {
  it("plan and apply refuse before any change, naming the assumption; the lab journal shows no command", async () => {
    const env = labWithAdminVf("nowhere");
    const hosts = engineHosts(examplePlan(), { hostIds: ["t7-a"] });
    const plan = await planHosts(hosts, { connect: env.connect() });
    expect(plan.hosts[0]!.actions).toEqual([]);
    expect(plan.hosts[0]!.error?.message).toContain(
      `it lists 1 VF (${PF0}.VF0) but no "name=" field for any of them, and \`ldm list-io -l\` shows no "name = " line either, so VF names cannot be read here and nothing can be planned on this reading.`,
    );
    const apply = await applyHosts(hosts, { connect: env.connect() });
    expect(apply.hosts[0]!.status).toBe("failed");
    expect(apply.hosts[0]!.error?.message).toContain("(LIST_IO_VF_NAME_KEY in src/ldm/assumptions.ts, docs/lab-assumptions.md).");
    expect(env.lab.journal()).toEqual([]);
    expect(env.lab.mutatingCount()).toBe(0);
  });
});

describe("the nowhere variant on a host without VFs yet", () => {
  it("the first create-vf shows that names cannot be read: apply stops, naming the steps that ran", async () => {
    const json = exampleLabJson({}) as { options: object };
    json.options = { ...json.options, variants: { vfName: "nowhere" } };
    const env = inProcessLab(json);
    const run = await applyHosts(engineHosts(examplePlan(), { hostIds: ["t7-b"] }), { connect: env.connect() });
    expect(run.hosts[0]!.status).toBe("failed");
    expect(run.hosts[0]!.error?.message).toMatch(/^t7-b: every step ran \(vf\/ldg1-app\/create\), but the re-read that proves them failed: t7-b: could not read the output of `ldm list-io -l -p`: it lists 1 VF /);
    expect(env.lab.mutatingCount()).toBe(1);
  });
});

describe("the human-only variant: VF names only in the human list-io -l", () => {
  it("the admin's named VF is found there (one more read exec), so plan only assigns it", async () => {
    const env = labWithAdminVf("human-only");
    const run = await planHosts(engineHosts(examplePlan(), { hostIds: ["t7-a"] }), { connect: env.connect() });
    expect(run.hosts[0]!.error).toBeUndefined();
    expect(run.hosts[0]!.actions.map((a) => `${a.symbol} ${a.stepId}`)).toEqual(["~ vf/ldg1-app/assign", "+ vnet/ldg1/vnet0/add"]);
    expect(run.hosts[0]!.counters).toMatchObject({ connections: 1, execs: 2, readExecs: 2 });
  });

  it("converges from scratch, and a second apply changes nothing", async () => {
    const json = exampleLabJson({}) as { options: object };
    json.options = { ...json.options, variants: { vfName: "human-only" } };
    const env = inProcessLab(json);
    const hosts = engineHosts(examplePlan());
    const first = await applyHosts(hosts, { connect: env.connect() });
    expect(first.hosts.map((h) => [h.id, h.status, h.error?.message])).toEqual([["t7-a", "applied", undefined], ["t7-b", "applied", undefined]]);
    const second = await applyHosts(hosts, { connect: env.connect() });
    expect(second.hosts.map((h) => [h.status, h.mutatingCommands])).toEqual([["unchanged", 0], ["unchanged", 0]]);
  });
});
