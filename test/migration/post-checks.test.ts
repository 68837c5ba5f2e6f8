/**
 * The post-migration checks as a pure function: plain observed hosts in, checks out. Each case
 * asserts the whole list (ids, statuses, messages, fixes), so a changed word shows here.
 */
import { describe, expect, it } from "vitest";
import type { DesiredVnet, MigrationPlan } from "../../src/model";
import type { ObservedDomain, ObservedHost, ObservedVf } from "../../src/engine/observed-state";
import { guestIpmpCheck, postChecks, type PostCheckInput } from "../../src/engine/migration/post-checks";

const migration: MigrationPlan = {
  id: "move-ldg1",
  domain: "ldg1",
  sourceHost: "t7-a",
  targetHost: "t7-b",
  targetAddress: "t7-b.example",
  auth: { kind: "certificate" },
  migrate: false,
  targetVfs: [{ name: "ldg1-app", pf: "/SYS/MB/NET0/IOVNET.PF0" }],
  requiredVswitches: ["primary-vsw0"],
  blockingVfs: [],
};

const vnets: DesiredVnet[] = [{ ifName: "vnet0", vswitch: "primary-vsw0", properties: {} }];

function host(domains: readonly ObservedDomain[], vfs: readonly ObservedVf[], vswitches: readonly string[] = ["primary-vsw0"]): ObservedHost {
  return { buses: [], pfs: [], vfs, domains, vswitches };
}

const vf = (alias: string, domain?: string): ObservedVf => ({ alias, pf: alias.replace(/\.VF\d+$/, ""), name: "ldg1-app", ...(domain ? { domain } : {}), class: "NETWORK", properties: {} });
const ldg1 = (state: string, vswitch = "primary-vsw0"): ObservedDomain => ({ name: "ldg1", state, vnets: [{ ifName: "vnet0", vswitch, properties: {} }] });

/** Migrated as intended: ldg1 active on t7-b with its VF, the source VF free and still named. */
const migrated: PostCheckInput = {
  migration,
  vnets,
  source: host([], [vf("/SYS/MB/NET0/IOVNET.PF0.VF0")]),
  target: host([ldg1("active")], [vf("/SYS/MB/NET0/IOVNET.PF0.VF1", "ldg1")]),
  sourceState: "active",
};

describe("postChecks", () => {
  it("passes every check of a migration that arrived", () => {
    expect(postChecks(migrated)).toEqual([
      { id: "post/domain-active-on-target", status: "passed", message: "ldg1 is active on t7-b" },
      { id: "post/domain-gone-from-source", status: "passed", message: "ldg1 is no longer on t7-a" },
      { id: "post/target-vf-assigned/ldg1-app", status: "passed", message: "VF ldg1-app (/SYS/MB/NET0/IOVNET.PF0.VF1) is assigned to ldg1 on t7-b" },
      { id: "post/source-vf-released/ldg1-app", status: "passed", message: "VF ldg1-app (/SYS/MB/NET0/IOVNET.PF0.VF0) on t7-a is unassigned and keeps its name" },
      { id: "post/vnet-bound/vnet0", status: "passed", message: "vnet vnet0 is bound to virtual switch primary-vsw0 on t7-b" },
    ]);
  });

  it("expects a domain that was bound to arrive bound, and an unknown source state to mean active", () => {
    const bound = { ...migrated, sourceState: "bound", target: host([ldg1("bound")], migrated.target.vfs) };
    expect(postChecks(bound)[0]).toEqual({ id: "post/domain-active-on-target", status: "passed", message: "ldg1 is bound on t7-b" });
    const { sourceState: _, ...unknown } = { ...migrated, target: bound.target };
    expect(postChecks(unknown)[0]).toEqual({ id: "post/domain-active-on-target", status: "failed", message: "ldg1 is bound on t7-b, not active", fix: "check ldm list on t7-b" });
  });

  it("fails every check, with its fix, when nothing moved", () => {
    const nothingMoved: PostCheckInput = {
      ...migrated,
      source: host([ldg1("active")], [vf("/SYS/MB/NET0/IOVNET.PF0.VF0", "ldg1")]),
      target: host([], [], []),
    };
    expect(postChecks(nothingMoved)).toEqual([
      { id: "post/domain-active-on-target", status: "failed", message: "ldg1 is not on t7-b", fix: "check ldm list on t7-b" },
      { id: "post/domain-gone-from-source", status: "failed", message: "ldg1 is still on t7-a (active)", fix: "check ldm list on t7-a" },
      { id: "post/target-vf-assigned/ldg1-app", status: "failed", message: "t7-b has no VF named ldg1-app", fix: "assign it: ldm add-io VF ldg1 on t7-b" },
      { id: "post/source-vf-released/ldg1-app", status: "failed", message: "VF ldg1-app (/SYS/MB/NET0/IOVNET.PF0.VF0) on t7-a is still assigned to ldg1", fix: "check ldm list-io -l on t7-a" },
      { id: "post/vnet-bound/vnet0", status: "failed", message: "vnet vnet0 is missing from ldg1 on t7-b", fix: "check ldm list -o network ldg1 on t7-b" },
    ]);
  });

  it("names a target VF left unassigned, a source VF gone, and a vnet on the wrong switch", () => {
    const half: PostCheckInput = {
      ...migrated,
      source: host([], []),
      target: host([ldg1("active", "other-vsw")], [vf("/SYS/MB/NET0/IOVNET.PF0.VF1")]),
    };
    expect(postChecks(half).filter((c) => c.status === "failed")).toEqual([
      { id: "post/target-vf-assigned/ldg1-app", status: "failed", message: "VF ldg1-app (/SYS/MB/NET0/IOVNET.PF0.VF1) on t7-b is unassigned", fix: "assign it: ldm add-io /SYS/MB/NET0/IOVNET.PF0.VF1 ldg1 on t7-b" },
      { id: "post/source-vf-released/ldg1-app", status: "failed", message: "t7-a has no VF named ldg1-app any more", fix: "check ldm list-io -l on t7-a" },
      { id: "post/vnet-bound/vnet0", status: "failed", message: "vnet vnet0 is on switch other-vsw on t7-b, expected primary-vsw0", fix: "check ldm list -o network ldg1 on t7-b" },
    ]);
  });

  it("fails a vnet on the right switch name when the target has no such switch, and names another domain's VF", () => {
    const input: PostCheckInput = { ...migrated, target: host([ldg1("active", "")], [vf("/SYS/MB/NET0/IOVNET.PF0.VF1", "ldg2")], []) };
    expect(postChecks(input).filter((c) => c.status === "failed")).toEqual([
      { id: "post/target-vf-assigned/ldg1-app", status: "failed", message: "VF ldg1-app (/SYS/MB/NET0/IOVNET.PF0.VF1) on t7-b is assigned to ldg2", fix: "assign it: ldm add-io /SYS/MB/NET0/IOVNET.PF0.VF1 ldg1 on t7-b" },
      { id: "post/vnet-bound/vnet0", status: "failed", message: "vnet vnet0 is on switch (none) on t7-b, expected primary-vsw0", fix: "check ldm list -o network ldg1 on t7-b" },
    ]);
    const noSwitch: PostCheckInput = { ...migrated, target: host(migrated.target.domains, migrated.target.vfs, []) };
    expect(postChecks(noSwitch).at(-1)).toEqual({ id: "post/vnet-bound/vnet0", status: "failed", message: "vnet vnet0 is on switch primary-vsw0 on t7-b, expected primary-vsw0", fix: "check ldm list -o network ldg1 on t7-b" });
  });

  it("has no VF or vnet checks when the migration declares none", () => {
    expect(postChecks({ ...migrated, migration: { ...migration, targetVfs: [] }, vnets: [] }).map((c) => c.id)).toEqual(["post/domain-active-on-target", "post/domain-gone-from-source"]);
  });
});

describe("guestIpmpCheck", () => {
  it("is unverified without guest access, with what to check by hand", () => {
    expect(guestIpmpCheck(migration, { kind: "no-access" })).toEqual({
      id: "post/guest-ipmp-on-vf",
      status: "unverified",
      message: "no guest access for ldg1: whether IPMP is back on the VF was not checked",
      fix: "check in the guest: ipmpstat -i (the VF's link active, the vnet's standby)",
    });
  });

  it("passes with the groups back on the VF, on the target", () => {
    expect(guestIpmpCheck(migration, { kind: "on-vf", groups: ["IPMP group ipmp0: VF net0 active, vnet net1 standby, both up"] })).toEqual({
      id: "post/guest-ipmp-on-vf",
      status: "passed",
      message: "IPMP group ipmp0: VF net0 active, vnet net1 standby, both up on t7-b",
    });
  });

  it("fails with the last problem seen", () => {
    expect(guestIpmpCheck(migration, { kind: "problem", message: "IPMP group ipmp0: net0 is not active" })).toEqual({
      id: "post/guest-ipmp-on-vf",
      status: "failed",
      message: "IPMP group ipmp0: net0 is not active",
      fix: "check in the guest: ipmpstat -i (each group's VF link active and up, its vnet standby); a VF link that stays down: the cabling and switch port of its PF on t7-b; a vnet not standby: ipadm set-ifprop -p standby=on -m ip <vnet link>",
    });
  });
});
