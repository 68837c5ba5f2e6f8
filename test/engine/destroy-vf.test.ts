/**
 * The destroy-vf step (built only by the Terraform provider): applied through the same engine
 * path as every step (lock, guard, re-read proof), refused before any change when ldm would
 * refuse it (assigned, or not the last VF created on its PF), and never read from a plan document.
 */
import { describe, expect, it } from "vitest";
import { applyHosts, engineHosts, evaluateHost, findVfByName, type EngineHost } from "../../src/engine";
import { readHost } from "../../src/engine/observe";
import { HostSession } from "../../src/engine/host-session";
import type { HostPlan } from "../../src/model";
import { validatePlanDocument } from "../../src/model/load-plan-document";
import { destroyVfStep } from "../../src/synth";
import { examplePlan } from "../../test-kit/example-plan";
import { exampleLabJson, inProcessLab, type InProcessLab } from "./support/engine-lab";

const PF2 = "/SYS/MB/NET2/IOVNET.PF0";

/** t7-b with only the destroy of `name` to do. */
function destroyOn(name: string): EngineHost {
  const [host] = engineHosts(examplePlan(), { hostIds: ["t7-b"] });
  const plan: HostPlan = { ...host!.plan, steps: [destroyVfStep(name)], guests: [] };
  return { ...host!, plan };
}

async function observe(lab: InProcessLab) {
  const session = new HostSession(destroyOn("x").target, lab.connect());
  try {
    return (await readHost(session)).observed;
  } finally {
    await session.close();
  }
}

async function labWithVfs(...names: string[]): Promise<InProcessLab> {
  const lab = inProcessLab(exampleLabJson({ invSettleMs: 0 }));
  for (const name of names) expect((await lab.ldm("t7-b", "create-vf", `name=${name}`, PF2)).exitCode).toBe(0);
  return lab;
}

describe("destroy-vf step", () => {
  it("destroys the last, unassigned VF, proves it gone, and sends nothing the second time", async () => {
    const lab = await labWithVfs("spare-0", "spare-1");
    const plan = evaluateHost(destroyOn("spare-1").plan, await observe(lab), false);
    expect(plan.problems).toEqual([]);
    expect(plan.actions.map((a) => `${a.symbol} ${a.summary} | ldm ${a.argv.join(" ")}`)).toEqual([`- destroy VF "spare-1" | ldm destroy-vf ${PF2}.VF1`]);

    const first = await applyHosts([destroyOn("spare-1")], { connect: lab.connect() });
    expect(first.hosts[0]?.status, first.hosts[0]?.error?.message).toBe("applied");
    const after = await observe(lab);
    expect(findVfByName(after, "spare-1")).toBeUndefined();
    expect(findVfByName(after, "spare-0")?.alias).toBe(`${PF2}.VF0`);

    expect(first.hosts[0]?.mutatingCommands).toBe(1);
    const second = await applyHosts([destroyOn("spare-1")], { connect: lab.connect() });
    expect(second.hosts[0]?.status).toBe("unchanged");
    expect(second.hosts[0]?.mutatingCommands).toBe(0);
  });

  it("a VF that is not the last on its PF: refused before any change, naming the last one", async () => {
    const lab = await labWithVfs("spare-0", "spare-1");
    const run = await applyHosts([destroyOn("spare-0")], { connect: lab.connect() });
    expect(run.hosts[0]?.status).not.toBe("applied");
    expect(run.hosts[0]?.mutatingCommands ?? 0).toBe(0);
    const text = run.hosts[0]?.problems?.join("\n") ?? run.hosts[0]?.error?.message ?? "";
    expect(text).toContain(`ldm destroys only the last VF created on a PF, and on ${PF2} that is ${PF2}.VF1 ("spare-1"), not ${PF2}.VF0`);
    expect(findVfByName(await observe(lab), "spare-0")).toBeDefined();
  });

  it("an assigned VF: refused with the remove-io command", async () => {
    const lab = await labWithVfs("spare-0");
    expect((await lab.ldm("t7-b", "add-domain", "ldg9")).exitCode).toBe(0);
    expect((await lab.ldm("t7-b", "add-io", `${PF2}.VF0`, "ldg9")).exitCode).toBe(0);
    const plan = evaluateHost(destroyOn("spare-0").plan, await observe(lab), true);
    expect(plan.problems.join("\n")).toContain(`VF "spare-0" (${PF2}.VF0) is assigned to domain ldg9: remove it from the domain first (ldm remove-io ${PF2}.VF0 ldg9)`);
  });

  it("a plan document holding a destroy-vf step is refused when read", () => {
    const doc = examplePlan();
    const withDestroy = { ...doc, hosts: doc.hosts.map((h) => (h.id === "t7-b" ? { ...h, steps: [...h.steps, destroyVfStep("ldg1-app")] } : h)) };
    expect(() => validatePlanDocument(JSON.parse(JSON.stringify(withDestroy)), "plan.json")).toThrow(/destroy-vf step \(destroy VF "ldg1-app"\) is not accepted in a plan document: ldoms apply never destroys/);
  });
});
