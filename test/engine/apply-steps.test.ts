/**
 * The pure policies of apply on the example's t7-a plan and the lab's real listings: which steps
 * share an exec, which listings prove them, what create-vf's output teaches, which devices in INV
 * hold a step back, and what a final re-read leaves unproven.
 */
import { describe, expect, it } from "vitest";
import { engineHosts, HostSession, planHostActions, readHost, stepById } from "../../src/engine";
import { formBatch, laterStepsNeed, learnFromOutput, listingsProving, unprovenParts, unsettledDevices, withVf } from "../../src/engine/apply-steps";
import type { Step } from "../../src/model";
import { examplePlan } from "../../test-kit/example-plan";
import { inProcessLab } from "./support/engine-lab";

async function fromScratch() {
  const env = inProcessLab();
  const [host] = engineHosts(examplePlan(), { hostIds: ["t7-a"] });
  const { observed } = await readHost(new HostSession(host!.target, env.connect()));
  const { actions } = planHostActions(host!.plan, observed);
  const steps = actions.map((a) => stepById(host!.plan, a.stepId));
  return { plan: host!.plan, observed, actions, steps };
}

describe("apply's pure policies", () => {
  it("a group ends after create-vf; the next group waits for the VF's pseudonym and INV to clear", async () => {
    const { plan, observed, actions, steps } = await fromScratch();
    expect(steps.map((s) => s.kind)).toEqual(["create-vf", "assign-vf", "add-vnet"]);
    expect(formBatch(plan, actions, 0, observed, new Map()).map((s) => s.kind)).toEqual(["create-vf"]);
    const known = new Map<string, string>();
    let view = observed;
    learnFromOutput(steps[0]!, "Created new vf: /SYS/MB/NET0/IOVNET.PF0.VF0\n", known, (vf) => (view = withVf(view, vf)));
    expect([...known]).toEqual([["ldg1-app", "/SYS/MB/NET0/IOVNET.PF0.VF0"]]);
    // The new VF and its PF are INV: the assign step is held back until they settle.
    expect(unsettledDevices(steps[1]!, view, known)).toEqual(["/SYS/MB/NET0/IOVNET.PF0", "/SYS/MB/NET0/IOVNET.PF0.VF0"]);
    // Once settled, the two remaining steps need nothing from each other: one exec.
    const settled = { ...view, pfs: view.pfs.map((pf) => ({ ...pf, status: "" })), vfs: view.vfs.map((vf) => ({ ...vf, status: "" })) };
    expect(formBatch(plan, actions, 1, settled, known).map((s) => s.kind)).toEqual(["assign-vf", "add-vnet"]);
  });

  it("a create-vf lists the devices after it only when a later step names its VF or its PF", async () => {
    const { steps } = await fromScratch();
    const [create, assign, addVnet] = steps as [Step, Step, Step];
    if (create.kind !== "create-vf") throw new Error("the first step creates the VF");
    expect(laterStepsNeed(create, [assign, addVnet])).toBe(true);
    expect(laterStepsNeed(create, [addVnet])).toBe(false);
    expect(laterStepsNeed(create, [])).toBe(false);
    // Another create-vf on the same PF waits for the PF to leave INV.
    const samePf: Step = { ...create, object: { vf: "other" }, argv: ["create-vf", "name=other", create.pf] };
    expect(laterStepsNeed(create, [samePf])).toBe(true);
    // Only a create-vf leaves something behind that later steps wait for.
    expect(laterStepsNeed(assign, [addVnet, create])).toBe(false);
  });

  it("a create-vf without a printed pseudonym teaches nothing", async () => {
    const { steps } = await fromScratch();
    const known = new Map<string, string>();
    learnFromOutput(steps[0]!, "", known, () => {
      throw new Error("no VF should be added");
    });
    expect(known.size).toBe(0);
  });

  it("the proof reads only the listings that can show the steps' results", async () => {
    const { steps } = await fromScratch();
    expect(listingsProving(steps.slice(0, 1))).toEqual(["list-io"]);
    expect(listingsProving(steps.slice(2))).toEqual(["list-domains"]);
    expect(listingsProving(steps)).toEqual(["list-io", "list-domains"]);
  });

  it("a re-read that shows nothing of the steps leaves every postcondition unproven, and a pseudonym that differs is named", async () => {
    const { observed, steps } = await fromScratch();
    const unmet = unprovenParts(steps, new Map(), observed);
    expect(unmet.length).toBeGreaterThanOrEqual(3);
    expect(unmet[0]).toMatch(/^vf\/ldg1-app\/create: /);
    const withOther = withVf(observed, { alias: "/SYS/MB/NET0/IOVNET.PF0.VF1", pf: "/SYS/MB/NET0/IOVNET.PF0", name: "ldg1-app", status: "", properties: {} });
    expect(unprovenParts([], new Map([["ldg1-app", "/SYS/MB/NET0/IOVNET.PF0.VF0"]]), withOther)).toEqual([
      'VF "ldg1-app" is /SYS/MB/NET0/IOVNET.PF0.VF1, but create-vf printed /SYS/MB/NET0/IOVNET.PF0.VF0',
    ]);
  });
});
