/**
 * The checks that prove a migration's result (DESIGN §5): where the domain and its VFs are now,
 * the vnets' switches on the target, and (from a guest reading) the IPMP group back on the VF.
 * Pure: no I/O. Reading the hosts and polling the guest is `post-verify.ts`'s job.
 */
import type { DesiredVnet, MigrationPlan } from "../../model";
import type { Check } from "../check";
import { findDomain, findVfByName, type ObservedHost } from "../observed-state";

export interface PostCheckInput {
  readonly migration: MigrationPlan;
  /** The vnets the plan declares on the domain (on the source host). */
  readonly vnets: readonly DesiredVnet[];
  /** Both control domains as read after the migration. */
  readonly source: ObservedHost;
  readonly target: ObservedHost;
  /** State of the domain on the source at the preflight read; absent when it was not there. */
  readonly sourceState?: string;
}

/** Where the domain is, where each target VF is, and each vnet's switch: one check each. */
export function postChecks(input: PostCheckInput): Check[] {
  return [domainOnTarget(input), domainGoneFromSource(input), ...input.migration.targetVfs.flatMap((wanted) => vfChecks(input, wanted.name)), ...input.vnets.map((vnet) => vnetCheck(input, vnet))];
}

function domainOnTarget({ migration: m, target, sourceState }: PostCheckInput): Check {
  const id = "post/domain-active-on-target";
  const arrived = findDomain(target, m.domain);
  // A bound domain migrates as bound; otherwise (active, or not seen before) it must run.
  const expected = sourceState === "bound" ? "bound" : "active";
  if (arrived?.state === expected) return { id, status: "passed", message: `${m.domain} is ${expected} on ${m.targetHost}` };
  return {
    id,
    status: "failed",
    message: arrived ? `${m.domain} is ${arrived.state} on ${m.targetHost}, not ${expected}` : `${m.domain} is not on ${m.targetHost}`,
    fix: `check ldm list on ${m.targetHost}`,
  };
}

function domainGoneFromSource({ migration: m, source }: PostCheckInput): Check {
  const id = "post/domain-gone-from-source";
  const left = findDomain(source, m.domain);
  if (!left) return { id, status: "passed", message: `${m.domain} is no longer on ${m.sourceHost}` };
  return { id, status: "failed", message: `${m.domain} is still on ${m.sourceHost} (${left.state})`, fix: `check ldm list on ${m.sourceHost}` };
}

/** The VF of this name is assigned to the domain on the target, and free (still named) on the source. */
function vfChecks({ migration: m, source, target }: PostCheckInput, name: string): Check[] {
  const vf = findVfByName(target, name);
  const assigned: Check =
    vf?.domain === m.domain
      ? { id: `post/target-vf-assigned/${name}`, status: "passed", message: `VF ${name} (${vf.alias}) is assigned to ${m.domain} on ${m.targetHost}` }
      : {
          id: `post/target-vf-assigned/${name}`,
          status: "failed",
          message: vf ? `VF ${name} (${vf.alias}) on ${m.targetHost} is ${vf.domain ? `assigned to ${vf.domain}` : "unassigned"}` : `${m.targetHost} has no VF named ${name}`,
          fix: `assign it: ldm add-io ${vf?.alias ?? "VF"} ${m.domain} on ${m.targetHost}`,
        };
  const old = findVfByName(source, name);
  const released: Check =
    old && !old.domain
      ? { id: `post/source-vf-released/${name}`, status: "passed", message: `VF ${name} (${old.alias}) on ${m.sourceHost} is unassigned and keeps its name` }
      : {
          id: `post/source-vf-released/${name}`,
          status: "failed",
          message: old ? `VF ${name} (${old.alias}) on ${m.sourceHost} is still assigned to ${old.domain}` : `${m.sourceHost} has no VF named ${name} any more`,
          fix: `check ldm list-io -l on ${m.sourceHost}`,
        };
  return [assigned, released];
}

function vnetCheck({ migration: m, target }: PostCheckInput, vnet: DesiredVnet): Check {
  const id = `post/vnet-bound/${vnet.ifName}`;
  const observed = findDomain(target, m.domain)?.vnets.find((v) => v.ifName === vnet.ifName);
  if (observed?.vswitch === vnet.vswitch && target.vswitches.includes(vnet.vswitch)) {
    return { id, status: "passed", message: `vnet ${vnet.ifName} is bound to virtual switch ${vnet.vswitch} on ${m.targetHost}` };
  }
  return {
    id,
    status: "failed",
    message: observed ? `vnet ${vnet.ifName} is on switch ${observed.vswitch || "(none)"} on ${m.targetHost}, expected ${vnet.vswitch}` : `vnet ${vnet.ifName} is missing from ${m.domain} on ${m.targetHost}`,
    fix: `check ldm list -o network ${m.domain} on ${m.targetHost}`,
  };
}

/** What the guest showed after the migration: no access, its groups back on the VF, or the last problem. */
export type GuestAfterMigration =
  | { readonly kind: "no-access" }
  | { readonly kind: "on-vf"; readonly groups: readonly string[] }
  | { readonly kind: "problem"; readonly message: string };

/** The guest's IPMP check (`post/guest-ipmp-on-vf`) from what the guest showed. */
export function guestIpmpCheck(m: MigrationPlan, guest: GuestAfterMigration): Check {
  const id = "post/guest-ipmp-on-vf";
  switch (guest.kind) {
    case "no-access":
      return { id, status: "unverified", message: `no guest access for ${m.domain}: whether IPMP is back on the VF was not checked`, fix: `check in the guest: ipmpstat -i (the VF's link active, the vnet's standby)` };
    case "on-vf":
      return { id, status: "passed", message: `${guest.groups.join("; ")} on ${m.targetHost}` };
    case "problem":
      return {
        id,
        status: "failed",
        message: guest.message,
        fix: `check in the guest: ipmpstat -i (each group's VF link active and up, its vnet standby); a VF link that stays down: the cabling and switch port of its PF on ${m.targetHost}; a vnet not standby: ipadm set-ifprop -p standby=on -m ip <vnet link>`,
      };
  }
}
