/**
 * The parts of resource `ldoms_placement` that need no host: schema, the planned state of a
 * move or of no move, import ids, configuration checks, and the diagnostics of a failed
 * preflight and of a migration report that did not succeed.
 */
import { describe, expect, it } from "vitest";
import { UNKNOWN } from "../../src/provider/dynamic-value";
import { PLACEMENT_RESOURCE, RESOURCES, schemaMessage } from "../../src/provider/schema";
import {
  hostOfGroupProblem, migrationFailure, parsePlacementImportId, planPlacementChange, preflightDiagnostics, preparationDiagnostic, validatePlacementConfig, type PlacementValues,
} from "../../src/provider/placement-plan";
import type { MigrationReport } from "../../src/engine/migration";
import { groupExamplePlan } from "../mobility/support";

const state: PlacementValues = { domain: "ldg1", host: "t7-a", current_host: "t7-a", id: "ldg1" };

describe("ldoms_placement schema", () => {
  it("domain required; host optional and computed (where it runs when unset); current_host and id computed", () => {
    const message = schemaMessage(RESOURCES[PLACEMENT_RESOURCE]!);
    const flags = Object.fromEntries(message.block.attributes.map((a) => [a.name, [a.required && "required", a.optional && "optional", a.computed && "computed"].filter(Boolean)]));
    expect(flags).toEqual({ domain: ["required"], host: ["optional", "computed"], current_host: ["computed"], id: ["computed"] });
  });
});

describe("ldoms_placement plan", () => {
  it("a configured host other than where the domain runs is a move, shown on host and current_host", () => {
    const plan = planPlacementChange(state, state, "t7-b", "t7-a");
    expect(plan).toEqual({ planned: { domain: "ldg1", host: "t7-b", current_host: "t7-b", id: "ldg1" }, requiresReplace: [], move: { from: "t7-a", to: "t7-b" } });
  });

  it("host unset follows the domain: where it runs now, no move, even after a move by other means", () => {
    expect(planPlacementChange(state, state, null, "t7-a")).toEqual({ planned: state, requiresReplace: [] });
    const moved = { ...state, host: "t7-b", current_host: "t7-b" };
    expect(planPlacementChange(moved, moved, null, "t7-b")).toEqual({ planned: moved, requiresReplace: [] });
  });

  it("the configured host where it runs already is no move; a new placement is planned from where it runs", () => {
    expect(planPlacementChange(state, state, "t7-a", "t7-a").move).toBeUndefined();
    expect(planPlacementChange(null, { domain: "ldg2", host: null, current_host: null, id: null }, "t7-a", "t7-b")).toMatchObject({ planned: { host: "t7-a", current_host: "t7-a", id: "ldg2" }, move: { from: "t7-b", to: "t7-a" } });
  });

  it("another domain replaces the resource (no move for it); forgetting it plans nothing", () => {
    const plan = planPlacementChange(state, { ...state, domain: "ldg2" }, null, "t7-a");
    expect(plan).toEqual({ planned: { domain: "ldg2", host: UNKNOWN, current_host: UNKNOWN, id: "ldg2" }, requiresReplace: ["domain"] });
    expect(planPlacementChange(state, null, null, "t7-a")).toEqual({ planned: null, requiresReplace: [] });
  });

  it("a host outside the group is named with the group's hosts; bad names and import ids are refused", () => {
    const group = groupExamplePlan().groups![0]!;
    expect(hostOfGroupProblem(group, "ldg1", "t7-b")).toBeUndefined();
    expect(hostOfGroupProblem(group, "ldg1", "t7-c")?.summary).toBe("host t7-c is not a host of group pair (t7-a, t7-b)");
    expect(validatePlacementConfig({ domain: "", host: "a b", current_host: null, id: null }).map((d) => d.summary)).toEqual([
      "domain is empty: give the name of a mobile domain of a MigrationGroup",
      'host "a b" is not a valid name: letters, digits and _ + . : - (not first), at most 64 characters',
    ]);
    expect(parsePlacementImportId("ldg1")).toBe("ldg1");
    expect(() => parsePlacementImportId("t7-a/ldg1")).toThrow('import id "t7-a/ldg1" is not a domain name');
  });
});

describe("ldoms_placement diagnostics", () => {
  const move = { from: "t7-b", to: "t7-a" };

  it("one error per failed or unverified preflight rule, with its fix, on host; passed rules say nothing", () => {
    const diagnostics = preflightDiagnostics("ldg2", move, [
      { id: "preflight/1-domain-and-vf-names", rule: 1, status: "passed", message: "ok" },
      { id: "preflight/3-guest-ipmp", rule: 3, status: "unverified", message: "no guest access for ldg2", fix: "give the GuestDomain access" },
      { id: "preflight/5-target-ready", rule: 5, status: "failed", message: "t7-a has no VF named ldg2-app", fix: "run ldoms apply" },
    ]);
    expect(diagnostics.map((d) => d.summary)).toEqual([
      "ldg2 cannot move from t7-b to t7-a: preflight rule 3 could not be verified: no guest access for ldg2",
      "ldg2 cannot move from t7-b to t7-a: preflight rule 5 fails: t7-a has no VF named ldg2-app",
    ]);
    expect(diagnostics[1]?.detail).toContain("Fix: run ldoms apply\nNothing will be changed; ldg2 stays on t7-b.");
    expect(diagnostics[1]?.attribute).toEqual({ steps: [{ attribute_name: "host" }] });
  });

  it("the preparation the move lacks: one error listing each line, with ldoms apply as the fix; none when converged", () => {
    expect(preparationDiagnostic("ldg2", move, [])).toEqual([]);
    const [diagnostic] = preparationDiagnostic("ldg2", move, ['t7-a: + create VF "ldg2-app" on /SYS/MB/NET2/IOVNET.PF0 (pvid=100)']);
    expect(diagnostic?.summary).toBe("ldg2 cannot move from t7-b to t7-a: its preparation is not converged (1 change(s) missing)");
    expect(diagnostic?.detail).toBe('- t7-a: + create VF "ldg2-app" on /SYS/MB/NET2/IOVNET.PF0 (pvid=100)\nFix: run ldoms apply (or apply the resources that declare these objects), then plan again. Nothing will be changed; ldg2 stays on t7-b.');
  });

  it("a migration that did not succeed: its outcome and summary, then each check that did not pass", () => {
    const report = {
      domain: "ldg2",
      target: "t7-a",
      outcome: "dry-run-refused",
      summary: "ldm refused the dry run; nothing was changed: ldg2 stays on t7-b.",
      preflight: [
        { id: "preflight/5-target-ready", rule: 5, status: "passed", message: "ready" },
        { id: "preflight/6-dry-run", rule: 6, status: "failed", message: "ldm migrate-domain -n refused (exit status 1): no vds", fix: "correct what ldm names" },
      ],
      postVerify: [],
      missingPreparation: [],
    } as unknown as MigrationReport;
    const diagnostic = migrationFailure(report);
    expect(diagnostic.summary).toBe("ldg2 was not moved to t7-a (dry-run-refused): ldm refused the dry run; nothing was changed: ldg2 stays on t7-b.");
    expect(diagnostic.detail).toBe("- rule 6 fails: ldm migrate-domain -n refused (exit status 1): no vds\nFix: correct what ldm names");
  });
});
