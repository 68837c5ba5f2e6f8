/**
 * Steps `ldm` refuses as things are (a VF mtu change while its domain runs, a vnet id change)
 * are precondition problems on their host, --allow-disruptive or not: apply refuses before the
 * first change on any host, so no host is left half changed, and the fix named is the one that
 * works (stop the domain), never --allow-disruptive.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Construct } from "constructs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runApply } from "../../src/cli/commands/apply";
import { runPlan, type CommandIo } from "../../src/cli/commands/plan";
import { ControlDomain, EthernetVf, GuestDomain, IpmpGroup, Network, SriovMigration, Vnet } from "../../src/constructs";
import { evaluateHost, type ObservedHost } from "../../src/engine";
import type { PlanDocument } from "../../src/model";
import { synthesizePlan } from "../../src/synth";
import { examplePlan } from "../../test-kit/example-plan";
import { inProcessLab, type InProcessLab } from "./support/engine-lab";
import { Capture } from "../support/capture";

const PF0 = "/SYS/MB/NET0/IOVNET.PF0";

/** The example with VF and vnet properties of choice. */
function planWith(vf: { mtu?: number } = {}, vnet: { networkId?: number } = {}): PlanDocument {
  const root = new Construct(undefined as unknown as Construct, "");
  const stack = new Construct(root, "prod-move");
  const net = new Network(stack, "app-net", { vlan: 100 });
  const source = new ControlDomain(stack, "t7-a", { address: "t7-a.example.net", user: "ldmops", hostKey: "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" });
  const target = new ControlDomain(stack, "t7-b", { address: "t7-b.example.net", user: "ldmops", hostKey: "SHA256:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB" });
  const ldg1 = new GuestDomain(source, "ldg1");
  const ef = new EthernetVf(ldg1, "vf0", { pf: PF0, name: "ldg1-app", network: net, pvid: 100, ...vf });
  const vn = new Vnet(ldg1, "vnet0", { vswitch: "primary-vsw0", network: net, pvid: 100, ...vnet });
  new IpmpGroup(ldg1, "ipmp0", { active: ef, standby: vn });
  new SriovMigration(stack, "ldg1-to-b", { domain: ldg1, target, targetPf: "/SYS/MB/NET2/IOVNET.PF0" });
  return synthesizePlan(stack, "prod-move");
}

function observedA(state: string, vfProps: Record<string, string>, vnetProps: Record<string, string> = { pvid: "100" }): ObservedHost {
  return {
    buses: [{ bus: "pci_0", alias: "/SYS/PM0/CMP0/PEX", domain: "primary", iov: true }],
    pfs: [{ alias: PF0, bus: "pci_0", domain: "primary", class: "NETWORK", maxVfs: 7 }],
    vfs: [{ alias: `${PF0}.VF0`, pf: PF0, name: "ldg1-app", domain: "ldg1", class: "NETWORK", properties: { pvid: "100", ...vfProps } }],
    domains: [
      { name: "primary", state: "active", vnets: [] },
      { name: "ldg1", state, vnets: [{ ifName: "vnet0", vswitch: "primary-vsw0", properties: vnetProps }] },
    ],
    vswitches: ["primary-vsw0"],
  };
}

describe("steps ldm refuses are problems whatever --allow-disruptive says", () => {
  const hostA = (doc: PlanDocument) => doc.hosts.find((h) => h.id === "t7-a")!;

  it("a VF mtu change while its domain is active: refused with the fix, not --allow-disruptive", () => {
    const plan = hostA(planWith({ mtu: 9000 }));
    for (const allow of [false, true]) {
      const evaluated = evaluateHost(plan, observedA("active", { mtu: "1500" }), allow);
      expect(evaluated.actions.map((a) => `${a.symbol} ${a.stepId}`)).toEqual(["! vf/ldg1-app/set/mtu"]);
      expect(evaluated.problems).toEqual([
        'step vf/ldg1-app/set/mtu (set mtu=9000 on VF "ldg1-app") cannot run: ldm refuses it while domain ldg1 is active (the domain must be inactive or bound): stop it (ldm stop-domain ldg1), run apply again, then start it (ldm start-domain ldg1)',
      ]);
      expect(evaluated.actions[0]!.refusal).toMatch(/^ldm refuses it while domain ldg1 is active/);
    }
  });

  it("the same change with the domain bound is an ordinary update", () => {
    const evaluated = evaluateHost(hostA(planWith({ mtu: 9000 })), observedA("bound", { mtu: "1500" }), false);
    expect(evaluated.actions.map((a) => `${a.symbol} ${a.stepId}`)).toEqual(["~ vf/ldg1-app/set/mtu"]);
    expect(evaluated.problems).toEqual([]);
  });

  it("a vnet id change is refused in any domain state (set-vnet has no id=)", () => {
    const plan = hostA(planWith({}, { networkId: 3 }));
    for (const state of ["active", "bound"]) {
      const evaluated = evaluateHost(plan, observedA(state, {}, { pvid: "100", id: "0" }), true);
      expect(evaluated.problems).toEqual([
        'step vnet/ldg1/vnet0/set/id (set id=3 on vnet "vnet0" of domain ldg1) cannot run: ldm set-vnet cannot change a vnet\'s id (only add-vnet sets it): remove the vnet and add it again with its id (ldm rm-vnet vnet0 ldg1, then run apply again), or drop id from the Vnet',
      ]);
    }
  });
});


describe("apply refuses before any change on any host", () => {
  let dir: string;
  let env: InProcessLab;
  let out: Capture;
  const io = (): CommandIo => ({ stdout: out, stderr: new Capture(), cwd: dir, connect: env.connect(), env: {} });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "ldoms-refusals-"));
    env = inProcessLab();
    out = new Capture();
    const converged = join(dir, "converged.json");
    writeFileSync(converged, JSON.stringify(examplePlan()));
    expect(await runApply(undefined, { planDocument: converged, autoApprove: true, invTimeout: 10_000 }, io())).toBe(0);
    out.text = "";
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("an mtu change on t7-a (ldg1 active) stops apply --allow-disruptive before t7-b's change", async () => {
    const planDocument = join(dir, "mtu.json");
    writeFileSync(planDocument, JSON.stringify(planWith({ mtu: 9000 })));
    const before = env.lab.mutatingCount();
    expect(await runApply(undefined, { planDocument, autoApprove: true, allowDisruptive: true }, io())).toBe(1);
    // t7-b's own step (mtu on its unassigned VF) is fine, but nothing ran there either.
    expect(env.lab.mutatingCount()).toBe(before);
    expect(out.text).toContain('t7-a: FAILED before any change');
    expect(out.text).toContain("ldm refuses it while domain ldg1 is active (the domain must be inactive or bound): stop it (ldm stop-domain ldg1)");
    expect(out.text).not.toContain("--allow-disruptive");

    out.text = "";
    expect(await runPlan({ planDocument }, io())).toBe(1);
    expect(out.text).toContain('  ! set mtu=9000 on VF "ldg1-app"\n');
    expect(out.text).toContain("      refused: ldm refuses it while domain ldg1 is active");
    expect(out.text).not.toContain("--allow-disruptive");
  });
});
