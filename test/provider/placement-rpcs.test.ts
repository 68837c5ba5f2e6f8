/**
 * Resource `ldoms_placement` RPCs as plain calls (no gRPC, no terraform) against the pair lab's
 * SSH server: a move that passes at plan time but whose target changed before apply fails with
 * the migration report's summary, what preparation it lacks and the failing rule (nothing moves,
 * the state stays), and a placement that is forgotten moves nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeDynamicValue, encodeDynamicValue, type TerraformValue } from "../../src/provider/dynamic-value";
import type { SshLab } from "../engine/support/ssh-lab";
import { startPairLab, type PairLab } from "./pair-lab";

const TYPE = "ldoms_placement";
const placement = (v: Record<string, TerraformValue>): Record<string, TerraformValue> => ({ domain: "ldg1", host: null, current_host: null, id: null, ...v });

describe("ldoms_placement RPCs against the pair lab", () => {
  let pair: PairLab;
  let lab: SshLab;

  beforeAll(async () => {
    pair = await startPairLab("ldoms-provider-placement-rpcs-");
    ({ lab } = pair);
  }, 60_000);

  afterAll(async () => {
    await pair?.close();
  });

  const provider = () => pair.provider();
  const domainsOn = async (machine: string) => [...(await lab.lab.runLdm(machine, ["list", "-p"])).stdout.matchAll(/^DOMAIN\|name=(ldg\d)\|/gm)].map((m) => m[1]);

  it("a refresh of the placement and the domain's VFs on both hosts connects once to each host, shared by every resource", async () => {
    const before = structuredClone(lab.server.stats.perHost);
    const p = provider();
    const vf = (host: string) => ({ host, name: "ldg1-app", pf: "/SYS/MB/NET2/IOVNET.PF0", domain: "ldg1", pvid: null, vid: null, mtu: null, mac_addr: null, alt_mac_addrs: null, pseudonym: null, id: `${host}/ldg1-app` });
    const reads = await Promise.all([
      p.readResource({ type_name: TYPE, current_state: encodeDynamicValue(placement({ id: "ldg1" })) }),
      p.readResource({ type_name: "ldoms_vf", current_state: encodeDynamicValue(vf("t7-a")) }),
      p.readResource({ type_name: "ldoms_vf", current_state: encodeDynamicValue(vf("t7-b")) }),
    ]);
    expect(reads.map((r) => r.diagnostics)).toEqual([[], [], []]);
    expect(decodeDynamicValue(reads[0]?.new_state)).toMatchObject({ host: "t7-a", current_host: "t7-a" });
    const connections = (host: string) => (lab.server.stats.perHost[host]?.connections ?? 0) - (before[host]?.connections ?? 0);
    expect([connections("t7-a"), connections("t7-b")]).toEqual([1, 1]);
  });

  it("a target VF renamed between plan and apply: the migration's summary and failing rule, nothing moved, the prior state kept", async () => {
    const p = provider();
    const read = await p.readResource({ type_name: TYPE, current_state: encodeDynamicValue(placement({ id: "ldg1" })) });
    expect(read.diagnostics).toEqual([]);
    const prior = decodeDynamicValue(read.new_state);
    expect(prior).toEqual({ domain: "ldg1", host: "t7-a", current_host: "t7-a", id: "ldg1" });

    const config = placement({ host: "t7-b" });
    const plan = await p.planResourceChange({ type_name: TYPE, prior_state: read.new_state, proposed_new_state: encodeDynamicValue({ ...(prior as object), host: "t7-b" }), config: encodeDynamicValue(config) });
    expect(plan.diagnostics).toEqual([]);
    expect(decodeDynamicValue(plan.planned_state)).toEqual({ domain: "ldg1", host: "t7-b", current_host: "t7-b", id: "ldg1" });

    const records = (await lab.lab.runLdm("t7-b", ["list-io", "-l", "-p"])).stdout.split(/\n(?=\|dev=)/);
    const alias = /alias=([^|]+)/.exec(records.find((r) => r.includes("|name=ldg1-app")) ?? "")?.[1] as string;
    expect((await lab.lab.runLdm("t7-b", ["set-io", "name=stolen", alias])).exitCode).toBe(0);
    const mutations = lab.lab.mutatingCount();

    const applied = await p.applyResourceChange({ type_name: TYPE, prior_state: read.new_state, planned_state: plan.planned_state, config: encodeDynamicValue(config) });
    expect(applied.diagnostics).toHaveLength(1);
    const [diagnostic] = applied.diagnostics;
    // The migration finds the group's preparation undone first (the VF is to be named again), and still reports every rule.
    expect(diagnostic?.summary).toBe("ldg1 was not moved to t7-b (not-prepared): The preparation is not converged (1 change(s) missing); nothing was changed. Run ldoms apply, or ldoms migrate ldg1 --to t7-b --apply.");
    expect(diagnostic?.detail).toMatch(/^- not prepared: t7-b: .*ldg1-app/m);
    expect(diagnostic?.detail).toContain("- rule 5 fails: t7-b has no VF named ldg1-app");
    expect(diagnostic?.detail).toContain("Fix: give the target VF the same user-assigned name");
    expect(decodeDynamicValue(applied.new_state)).toEqual(prior);
    expect(lab.lab.mutatingCount()).toBe(mutations);
    expect(await domainsOn("t7-a")).toContain("ldg1");
    expect((await lab.lab.runLdm("t7-b", ["set-io", "name=ldg1-app", alias])).exitCode).toBe(0);
  }, 60_000);

  it("forgetting a placement plans and applies nothing on the hosts", async () => {
    const p = provider();
    const prior = encodeDynamicValue({ domain: "ldg2", host: "t7-b", current_host: "t7-b", id: "ldg2" });
    const mutations = lab.lab.mutatingCount();
    const plan = await p.planResourceChange({ type_name: TYPE, prior_state: prior, proposed_new_state: encodeDynamicValue(null), config: encodeDynamicValue(null) });
    expect(plan.diagnostics).toEqual([]);
    expect(decodeDynamicValue(plan.planned_state)).toBeNull();
    const applied = await p.applyResourceChange({ type_name: TYPE, prior_state: prior, planned_state: plan.planned_state, config: encodeDynamicValue(null) });
    expect(applied.diagnostics).toEqual([]);
    expect(decodeDynamicValue(applied.new_state)).toBeNull();
    expect(lab.lab.mutatingCount()).toBe(mutations);
    expect(await domainsOn("t7-b")).toContain("ldg2");
  }, 60_000);
});
