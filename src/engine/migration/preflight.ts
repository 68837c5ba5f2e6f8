/**
 * The preflight rules of DESIGN §5 (1-5), evaluated on what was read from both control domains
 * and the guest. Pure: no I/O. Each rule gives one check: passed, failed (reason and fix), or
 * unverified (it could not be observed). Rule 6 (the dry run) is run by the migration itself;
 * `dryRunCheck` turns its result into the check.
 */
import { migrateCommand } from "./group-migration";
import type { DesiredDomain, DesiredIpmpGroup, HostPlan, MigrationPlan, NetworkRef } from "../../model";
import { findDomain, findVfByName, type ObservedHost, type ObservedVf } from "../observed-state";
import { describeGroup, groupRunsElsewhere, ipmpProblems, mapGroupLinks, type GuestObservation } from "./guest-ipmp";
import type { MigrationCheck } from "./report";

export type GuestView =
  | { readonly kind: "no-access"; readonly script: string }
  | { readonly kind: "observed"; readonly id: string; readonly observation: GuestObservation }
  | { readonly kind: "unreadable"; readonly id: string; readonly message: string };

export interface PreflightInput {
  readonly migration: MigrationPlan;
  readonly sourcePlan: HostPlan;
  readonly targetPlan: HostPlan;
  readonly source: ObservedHost;
  readonly target: ObservedHost;
  readonly guest: GuestView;
}

const CLASS_LABEL: Record<string, string> = { FIBRECHANNEL: "Fibre Channel", INFINIBAND: "InfiniBand", NETWORK: "Ethernet" };

function check(id: string, rule: number, problems: readonly { message: string; fix: string }[], passed: string): MigrationCheck {
  if (!problems.length) return { id, rule, status: "passed", message: passed };
  return {
    id,
    rule,
    status: "failed",
    message: problems.map((p) => p.message).join("; "),
    fix: [...new Set(problems.map((p) => p.fix))].join("; "),
  };
}

export function desiredDomainOf(plan: HostPlan, domain: string): DesiredDomain | undefined {
  return plan.desired.domains.find((d) => d.name === domain);
}

function vfsOfDomain(host: ObservedHost, domain: string): ObservedVf[] {
  return host.vfs.filter((vf) => vf.domain === domain);
}

function isEthernet(vf: ObservedVf): boolean {
  return vf.class === undefined || vf.class === "NETWORK";
}

/** Rule 1: the domain is on the source, active or bound, every Ethernet VF of it named. */
function ruleDomainAndNames(input: PreflightInput): MigrationCheck {
  const { migration: m, source } = input;
  const domain = findDomain(source, m.domain);
  if (!domain) {
    return check("preflight/1-domain-and-vf-names", 1, [{ message: `domain ${m.domain} does not exist on ${m.sourceHost}`, fix: `check the domain name and the source host of migration ${m.id}` }], "");
  }
  const problems: { message: string; fix: string }[] = [];
  if (domain.state !== "active" && domain.state !== "bound") {
    problems.push({ message: `domain ${m.domain} is ${domain.state || "in an unknown state"} on ${m.sourceHost}`, fix: `bind and start it (ldm bind ${m.domain}; ldm start ${m.domain}), or migrate it cold by other means` });
  }
  const ethernet = vfsOfDomain(source, m.domain).filter(isEthernet);
  for (const vf of ethernet.filter((v) => !v.name)) {
    problems.push({
      message: `VF ${vf.alias} assigned to ${m.domain} has no user-assigned name`,
      fix: `name it on ${m.sourceHost} (ldm set-io name=NAME ${vf.alias}), declare it as an EthernetVf with that name, and give the target a VF of the same name`,
    });
  }
  for (const wanted of m.targetVfs) {
    const vf = findVfByName(source, wanted.name);
    if (vf?.domain === m.domain) continue;
    problems.push({
      message: vf ? `VF ${wanted.name} (${vf.alias}) is ${vf.domain ? `assigned to ${vf.domain}` : "not assigned"}, not to ${m.domain}` : `${m.sourceHost} has no VF named ${wanted.name} for ${m.domain}`,
      fix: `run ldoms apply (it creates, names and assigns the declared VF)`,
    });
  }
  const named = ethernet.filter((v) => v.name).map((v) => `${v.name} (${v.alias})`);
  return check("preflight/1-domain-and-vf-names", 1, problems, `domain ${m.domain} is ${domain.state} on ${m.sourceHost}; its Ethernet VF(s) carry user-assigned names: ${named.join(", ") || "none"}`);
}

/** Rule 2: no Fibre Channel or InfiniBand VF on the domain (observed or declared). */
function ruleNoOtherVfs(input: PreflightInput): MigrationCheck {
  const { migration: m, source } = input;
  const problems: { message: string; fix: string }[] = [];
  for (const vf of vfsOfDomain(source, m.domain).filter((v) => !isEthernet(v))) {
    problems.push({
      message: `${CLASS_LABEL[vf.class ?? ""] ?? vf.class} VF ${vf.alias} is assigned to ${m.domain}: a domain with a Fibre Channel or InfiniBand VF cannot be migrated`,
      fix: `remove it first (ldm remove-io ${vf.alias} ${m.domain}) if the domain can run without it, or do not migrate this domain`,
    });
  }
  for (const vf of m.blockingVfs) {
    if (problems.some((p) => p.message.includes(vf.device))) continue;
    problems.push({
      message: `${CLASS_LABEL[vf.class]} VF ${vf.device} is declared on ${m.domain}: a domain with a Fibre Channel or InfiniBand VF cannot be migrated`,
      fix: `remove the declaration and the device, or do not migrate this domain`,
    });
  }
  return check("preflight/2-no-fc-ib-vf", 2, problems, `no Fibre Channel or InfiniBand VF is assigned to ${m.domain}`);
}

/** Rule 3: the guest pairs each VF (active) with a vnet (standby) in one IPMP group, both up. */
function ruleGuestIpmp(input: PreflightInput): MigrationCheck {
  const { migration: m } = input;
  const id = "preflight/3-guest-ipmp";
  const desired = desiredDomainOf(input.sourcePlan, m.domain);
  const groups = desired?.ipmpGroups ?? [];
  const declaredVfs = desired?.vfs ?? [];
  const unpaired = declaredVfs.filter((vf) => !groups.some((g) => g.activeVf === vf.name));
  if (!groups.length || unpaired.length) {
    return check(id, 3, [{
      message: groups.length ? `VF(s) ${unpaired.map((v) => v.name).join(", ")} of ${m.domain} are in no declared IPMP group` : `no IPMP group is declared for ${m.domain}`,
      fix: `declare an IpmpGroup pairing each EthernetVf (active) with a Vnet (standby) of ${m.domain}`,
    }], "");
  }
  const guest = input.guest;
  if (guest.kind === "no-access") {
    return {
      id,
      rule: 3,
      status: "unverified",
      message: `no guest access for ${m.domain}: IPMP group(s) ${groups.map((g) => g.name).join(", ")} could not be checked inside the guest`,
      fix: `give the GuestDomain access (or an inventory entry guest/${m.domain}); or run scripts/guest-${m.domain}.sh in the guest, check ipmpstat -i, and pass --accept-unverified`,
    };
  }
  if (guest.kind === "unreadable") {
    return { id, rule: 3, status: "unverified", message: `guest ${m.domain} could not be read: ${guest.message}`, fix: `check the guest access (${guest.id}), or verify by hand with ipmpstat -i and pass --accept-unverified` };
  }
  const problems = groupProblems(input, groups, guest.observation, input.source);
  const passed = problems.passed.join("; ");
  return check(id, 3, problems.failed.map((message) => ({
    message,
    fix: `configure it: ${migrateCommand(m)} --apply (or run scripts/guest-${m.domain}.sh in the guest)`,
  })), passed);
}

function groupProblems(input: PreflightInput, groups: readonly DesiredIpmpGroup[], guest: GuestObservation, host: ObservedHost): { failed: string[]; passed: string[] } {
  const m = input.migration;
  const domain = findDomain(host, m.domain);
  const failed: string[] = [];
  const passed: string[] = [];
  if (!domain) return { failed: [`domain ${m.domain} was not found`], passed };
  for (const group of groups) {
    const links = mapGroupLinks(guest, domain, vfsOfDomain(host, m.domain), group);
    if ("problem" in links) {
      failed.push(`IPMP group ${group.name}: ${links.problem}`);
      continue;
    }
    const problems = ipmpProblems(guest, group, links);
    const elsewhere = problems.length ? groupRunsElsewhere(guest, group, links) : undefined;
    if (elsewhere) problems.push(elsewhere);
    if (problems.length) failed.push(...problems.map((p) => `IPMP group ${group.name}: ${p}`));
    else passed.push(`${describeGroup(group, links)}, both up`);
  }
  return { failed, passed };
}

function networkLabel(n: NetworkRef | undefined): string {
  if (!n) return "no declared network";
  return n.vlan === undefined ? `network ${n.name} (untagged)` : `network ${n.name} (VLAN ${n.vlan})`;
}

function sameNetwork(a: NetworkRef | undefined, b: NetworkRef | undefined): boolean {
  return a !== undefined && b !== undefined && a.name === b.name && a.vlan === b.vlan;
}

/** Rule 4: VF and vnet of each group reach the same network: declared, and VLANs as observed. */
function ruleSameNetwork(input: PreflightInput): MigrationCheck {
  const { migration: m, source } = input;
  const desired = desiredDomainOf(input.sourcePlan, m.domain);
  const problems: { message: string; fix: string }[] = [];
  const passed: string[] = [];
  for (const group of desired?.ipmpGroups ?? []) {
    const vf = desired!.vfs.find((v) => v.name === group.activeVf);
    const vnet = desired!.vnets.find((v) => v.ifName === group.standbyVnet);
    if (!vf || !vnet) continue;
    if (!sameNetwork(vf.network, vnet.network)) {
      problems.push({
        message: `VF ${vf.name} is on ${networkLabel(vf.network)} but vnet ${vnet.ifName} is on ${networkLabel(vnet.network)}`,
        fix: `declare both on the same Network (IpmpGroup ${group.name} needs VF and vnet on one L2 network)`,
      });
      continue;
    }
    const observedVf = findVfByName(source, vf.name);
    const observedVnet = findDomain(source, m.domain)?.vnets.find((v) => v.ifName === vnet.ifName);
    const vfPvid = observedVf?.properties["pvid"];
    const vnetPvid = observedVnet?.properties["pvid"];
    if (vfPvid !== undefined && vnetPvid !== undefined && vfPvid !== vnetPvid) {
      problems.push({
        message: `VF ${vf.name} has pvid=${vfPvid} but vnet ${vnet.ifName} has pvid=${vnetPvid} on ${m.sourceHost}`,
        fix: `run ldoms apply to set the declared VLAN on both`,
      });
      continue;
    }
    passed.push(`VF ${vf.name} and vnet ${vnet.ifName} are on ${networkLabel(vf.network)}`);
  }
  return check("preflight/4-same-network", 4, problems, passed.join("; ") || "no IPMP pair to check");
}

type Problem = { message: string; fix: string };
type TargetVf = MigrationPlan["targetVfs"][number];

/** Rule 5: same-named VFs on the target, unassigned, not INV, same network; same-named vswitches. */
function ruleTarget(input: PreflightInput): MigrationCheck {
  const { migration: m, target } = input;
  const problems: Problem[] = [];
  const passed: string[] = [];
  const desired = desiredDomainOf(input.sourcePlan, m.domain);
  for (const wanted of m.targetVfs) {
    const ready = targetVfReadiness(input, wanted, desired);
    if (typeof ready === "string") passed.push(ready);
    else problems.push(ready);
  }
  const missingSwitches = m.requiredVswitches.filter((s) => !target.vswitches.includes(s));
  for (const s of missingSwitches) {
    const users = desired?.vnets.filter((v) => v.vswitch === s).map((v) => v.ifName) ?? [];
    problems.push({
      message: `${m.targetHost} has no virtual switch ${s} (used by vnet ${users.join(", ") || "?"} of ${m.domain})`,
      fix: `create it on ${m.targetHost} (ldm add-vsw net-dev=NETDEV ${s} primary) on the same network`,
    });
  }
  if (m.requiredVswitches.length && !missingSwitches.length) passed.push(`virtual switch(es) ${m.requiredVswitches.join(", ")} exist on ${m.targetHost}`);
  return check("preflight/5-target-ready", 5, problems, `${passed.join("; ")} (virtual disk back ends are checked by the dry run)`);
}

/** One target VF of rule 5: what is wrong with it (the first problem found), or what passed. */
function targetVfReadiness(input: PreflightInput, wanted: TargetVf, desired: DesiredDomain | undefined): Problem | string {
  const { migration: m, target, source } = input;
  const vf = findVfByName(target, wanted.name);
  if (!vf) return missingTargetVf(input, wanted);
  if (!isEthernet(vf)) return { message: `VF ${wanted.name} on ${m.targetHost} (${vf.alias}) is not an Ethernet VF`, fix: `name an Ethernet VF ${wanted.name} on ${m.targetHost}` };
  if (vf.domain) {
    return {
      message: `VF ${wanted.name} on ${m.targetHost} (${vf.alias}) is already assigned to domain ${vf.domain}`,
      fix: `free it (ldm remove-io ${vf.alias} ${vf.domain} on ${m.targetHost}) or declare another target VF name`,
    };
  }
  if (vf.status === "INV") {
    return {
      message: `VF ${wanted.name} on ${m.targetHost} (${vf.alias}) is in status INV (the root domain is still probing it)`,
      fix: `wait until ldm list-io on ${m.targetHost} no longer shows INV (Oracle documents about 45 s after create-vf) and run again`,
    };
  }
  const sourceVf = desired?.vfs.find((v) => v.name === wanted.name);
  const targetDeclared = input.targetPlan.desired.unassignedVfs.find((v) => v.name === wanted.name);
  if (sourceVf?.network && targetDeclared?.network && !sameNetwork(sourceVf.network, targetDeclared.network)) {
    return {
      message: `VF ${wanted.name} is on ${networkLabel(sourceVf.network)} on ${m.sourceHost} but on ${networkLabel(targetDeclared.network)} on ${m.targetHost}`,
      fix: `put the target VF on a PF cabled to the same network`,
    };
  }
  const sourcePvid = findVfByName(source, wanted.name)?.properties["pvid"];
  if (sourcePvid !== undefined && vf.properties["pvid"] !== sourcePvid) {
    return {
      message: `VF ${wanted.name} has pvid=${sourcePvid} on ${m.sourceHost} but pvid=${vf.properties["pvid"] ?? "(none)"} on ${m.targetHost}`,
      fix: `run ldoms apply to set the declared VLAN on the target VF`,
    };
  }
  return `VF ${wanted.name} (${vf.alias}) is unassigned and ready on ${m.targetHost}`;
}

/** No VF of that name on the target: say so, naming a VF on the declared PF that carries another name. */
function missingTargetVf({ migration: m, target, targetPlan }: PreflightInput, wanted: TargetVf): Problem {
  const onPf = target.vfs.filter((v) => (wanted.vf ? v.alias === wanted.vf : wanted.pf ? v.pf === wanted.pf : false));
  const named = onPf.filter((v) => v.name && v.name !== wanted.name);
  if (named.length) {
    // A VF the target's plan declares (another domain's, or one kept ready for another mobile
    // domain) is not free to rename: only an undeclared, unassigned one is offered.
    const declared = declaredVfNames(targetPlan);
    const free = named.find((v) => !v.domain && !declared.has(v.name as string));
    return {
      message: `${m.targetHost} has no VF named ${wanted.name}; the VF on ${wanted.vf ?? wanted.pf} is named differently (${named.map((v) => `${v.alias} is named ${v.name}`).join(", ")})`,
      fix: free
        ? `give the target VF the same user-assigned name (ldm set-io name=${wanted.name} ${free.alias} on ${m.targetHost}) if nothing else uses it, or run ldoms apply to create one`
        : `run ldoms apply to create VF ${wanted.name} on ${wanted.pf ?? wanted.vf ?? "the declared PF"} of ${m.targetHost} (the VFs there are declared or assigned: do not rename them)`,
    };
  }
  return { message: `${m.targetHost} has no VF named ${wanted.name}`, fix: `run ldoms apply (it creates VF ${wanted.name} on ${wanted.pf ?? wanted.vf ?? "the declared PF"} of ${m.targetHost})` };
}

function declaredVfNames(plan: HostPlan): Set<string> {
  return new Set([...plan.desired.domains.flatMap((d) => d.vfs), ...plan.desired.unassignedVfs].map((vf) => vf.name));
}

export function preflightChecks(input: PreflightInput): MigrationCheck[] {
  return [ruleDomainAndNames(input), ruleNoOtherVfs(input), ruleGuestIpmp(input), ruleSameNetwork(input), ruleTarget(input)];
}

/** Rule 6 from the dry run's result: `ldm migrate-domain -n` on the source accepted the migration. */
export function dryRunCheck(sourceHost: string, exitStatus: number | null, output: string): MigrationCheck {
  if (exitStatus === 0) return { id: "preflight/6-dry-run", rule: 6, status: "passed", message: `ldm migrate-domain -n succeeded on ${sourceHost}` };
  return {
    id: "preflight/6-dry-run",
    rule: 6,
    status: "failed",
    message: `ldm migrate-domain -n refused (exit status ${exitStatus}): ${output.split("\n").join(" / ") || "(no output)"}`,
    fix: "correct what ldm names (on the target: virtual disk volumes, firmware, ldmd reachability and certificates) and run again",
  };
}

/** Rule 3 after the migration: the group is back on the VF, on the target. */
export function postGuestProblems(input: PreflightInput, groups: readonly DesiredIpmpGroup[], guest: GuestObservation): { failed: string[]; passed: string[] } {
  return groupProblems(input, groups, guest, input.target);
}
