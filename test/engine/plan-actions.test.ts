import { describe, expect, it } from "vitest";
import { problemText } from "../../src/engine/preconditions";
import { checkPreconditions, evaluateHost, fingerprintObservedHost, describeObservedChanges, planHostActions, stepById, type ObservedHost } from "../../src/engine";
import { examplePlan } from "../../test-kit/example-plan";

const PF0 = "/SYS/MB/NET0/IOVNET.PF0";

function sourceHost(overrides: Partial<ObservedHost> = {}): ObservedHost {
  return {
    buses: [{ bus: "pci_0", alias: "/SYS/PM0/CMP0/PEX", domain: "primary", iov: true }],
    pfs: [{ alias: PF0, bus: "pci_0", domain: "primary", class: "NETWORK", maxVfs: 7 }],
    vfs: [],
    domains: [
      { name: "primary", state: "active", vnets: [] },
      { name: "ldg1", state: "active", vnets: [] },
    ],
    vswitches: ["primary-vsw0"],
    ...overrides,
  };
}

function converged(pvid = "100"): ObservedHost {
  return sourceHost({
    vfs: [{ alias: `${PF0}.VF0`, pf: PF0, name: "ldg1-app", domain: "ldg1", class: "NETWORK", properties: { pvid } }],
    domains: [
      { name: "primary", state: "active", vnets: [] },
      { name: "ldg1", state: "active", vnets: [{ ifName: "vnet0", vswitch: "primary-vsw0", properties: { pvid: "100" } }] },
    ],
  });
}

const hostA = () => examplePlan().hosts.find((h) => h.id === "t7-a")!;

describe("plan actions", () => {
  it("from scratch: create, assign, add vnet; no redundant property steps after a create", () => {
    const { actions, unchanged } = planHostActions(hostA(), sourceHost());
    expect(actions.map((a) => `${a.symbol} ${a.stepId}`)).toEqual([
      "+ vf/ldg1-app/create",
      "~ vf/ldg1-app/assign",
      "+ vnet/ldg1/vnet0/add",
    ]);
    expect(unchanged).toBe(hostA().steps.length - 3);
    expect(actions[0]!.reason).toBe('no VF is named "ldg1-app"');
    expect(actions[1]!.argv).toEqual(["add-io", '<VF "ldg1-app">', "ldg1"]);
  });

  it("converged: no actions", () => {
    expect(planHostActions(hostA(), converged()).actions).toEqual([]);
  });

  it("a pvid that differs gives exactly one update in place, with the reason", () => {
    const { actions } = planHostActions(hostA(), converged("200"));
    expect(actions.map((a) => a.symbol)).toEqual(["~"]);
    expect(actions[0]!.reason).toBe('pvid of VF "ldg1-app" is "200", want "100"');
    expect(actions[0]!.argv).toEqual(["set-io", "pvid=100", `${PF0}.VF0`]);
  });
});

describe("preconditions", () => {
  const problems = (observed: ObservedHost) => {
    const { actions } = planHostActions(hostA(), observed);
    return checkPreconditions(hostA(), observed, actions.map((a) => stepById(hostA(), a.stepId)), { allowDisruptive: false }).map(problemText);
  };

  it("each problem is a failed check with a stable id, what is wrong and what to do", () => {
    const observed = sourceHost({ pfs: [{ alias: "/SYS/MB/NET1/IOVNET.PF0", bus: "pci_0", class: "NETWORK" }] });
    const { actions } = planHostActions(hostA(), observed);
    expect(checkPreconditions(hostA(), observed, actions.map((a) => stepById(hostA(), a.stepId)), { allowDisruptive: false })).toEqual([{
      id: `apply/pf/${PF0}/exists`,
      status: "failed",
      message: `PF ${PF0} does not exist on t7-a`,
      fix: "Ethernet PFs there: /SYS/MB/NET1/IOVNET.PF0",
    }]);
  });

  it("none on a healthy host", () => {
    expect(problems(sourceHost())).toEqual([]);
  });

  it("PF missing", () => {
    expect(problems(sourceHost({ pfs: [{ alias: "/SYS/MB/NET1/IOVNET.PF0", bus: "pci_0", class: "NETWORK" }] }))).toEqual([
      `PF ${PF0} does not exist on t7-a; Ethernet PFs there: /SYS/MB/NET1/IOVNET.PF0`,
    ]);
  });

  it("PF not Ethernet, bus without IOV, no free VF", () => {
    const observed = sourceHost({
      buses: [{ bus: "pci_0", alias: "pci_0", iov: false }],
      pfs: [{ alias: PF0, bus: "pci_0", class: "FIBRECHANNEL", maxVfs: 1 }],
      vfs: [{ alias: `${PF0}.VF0`, pf: PF0, properties: {} }],
    });
    expect(problems(observed)).toEqual([
      `PF ${PF0} on t7-a is of class FIBRECHANNEL, not Ethernet (NETWORK); choose an IOVNET PF`,
      `bus pci_0 of PF ${PF0} on t7-a does not have I/O virtualization enabled; enable it first (ldm start-reconf, ldm set-io iov=on pci_0, reboot the root domain)`,
      `PF ${PF0} on t7-a has no free VF: 1 of 1 exist and this plan creates 1 more; destroy unused VFs or choose another PF`,
    ]);
  });

  it("domain and virtual switch missing", () => {
    const observed = sourceHost({ domains: [{ name: "primary", state: "active", vnets: [] }], vswitches: [] });
    expect(problems(observed)).toEqual([
      'domain ldg1 does not exist on t7-a (VF "ldg1-app" is to be assigned to it); create it first or fix the domain name',
      'domain ldg1 does not exist on t7-a (vnet "vnet0" is to be added to it); create it first or fix the domain name',
      'virtual switch "primary-vsw0" does not exist on t7-a (vnet "vnet0" of ldg1 uses it); create it (ldm add-vsw) or fix the name',
    ]);
  });

  it("VF assigned elsewhere is never taken away", () => {
    const observed = sourceHost({ vfs: [{ alias: `${PF0}.VF0`, pf: PF0, name: "ldg1-app", domain: "ldg2", properties: { pvid: "100" } }] });
    expect(problems(observed)).toContain(
      `VF "ldg1-app" on t7-a is assigned to ldg2, not ldg1; remove it there first (ldm rm-io ${PF0}.VF0 ldg2): this tool never unassigns what it was not told to`,
    );
  });
});

describe("fingerprint and stale description", () => {
  it("changes only with configuration, and names what changed", () => {
    expect(fingerprintObservedHost(converged())).toBe(fingerprintObservedHost(converged()));
    expect(fingerprintObservedHost(converged("100"))).not.toBe(fingerprintObservedHost(converged("200")));
    expect(describeObservedChanges(converged("100"), converged("200"))).toEqual([`VF ${PF0}.VF0 changed: properties.pvid "100" -> "200"`]);
    expect(describeObservedChanges(sourceHost(), converged())).toEqual([`VF ${PF0}.VF0 appeared`, "domain ldg1 changed: vnets differ"]);
  });

  it("evaluateHost reports a step that needs its running domain stopped as a problem, allowed or not (ldm refuses it)", () => {
    const plan = examplePlan().hosts.find((h) => h.id === "t7-a")!;
    const disruptive = { ...plan, steps: plan.steps.map((s) => (s.id === "vf/ldg1-app/set/pvid" ? { ...s, disruption: "needs-domain-stopped" as const, domain: "ldg1" } : s)) };
    const observed = converged("5");
    expect(evaluateHost(disruptive, observed, false).actions.map((a) => a.symbol)).toEqual(["!"]);
    expect(evaluateHost(disruptive, observed, false).problems[0]).toMatch(/^step vf\/ldg1-app\/set\/pvid \(set pvid=100 on VF "ldg1-app"\) cannot run: ldm refuses it while domain ldg1 is active/);
    expect(evaluateHost(disruptive, observed, true).problems).toEqual(evaluateHost(disruptive, observed, false).problems);
  });
});
