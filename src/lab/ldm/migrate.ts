/**
 * `ldm migrate-domain` / `migrate` (ref §5): argument parsing, the pre-migration checks of
 * DESIGN §5 and ref §5.3, and the three state steps the Lab runs around the transfer (start,
 * finish, roll back). Each step is one short store update; the transfer itself holds no lock.
 */
import {
  LDM_ERRORS,
  LDM_NAME_PATTERN,
  MIGRATION_DRY_RUN_CHECKS_VFS,
  MIGRATION_REASONS,
  MIGRATION_VF_SWAP,
  NAME_MAX_LENGTH,
  migrationFailedTrailer,
} from "../../ldm/assumptions";
import type { DomainState, LabState, MachineState } from "../state";
import { parseArgs } from "./args";
import { describeResources, fitsFree, freeResources } from "./capacity";
import { LdmFailure, fail } from "./failure";
import { allVfs, domainNamed, isInv, vfAlias } from "./lookup";

export interface MigrateArgs {
  readonly dryRun: boolean;
  readonly passwordFile?: string;
  readonly certificate: boolean;
  readonly domain: string;
  readonly host: string;
  readonly targetName: string;
}

export function parseMigrateArgs(argv: readonly string[]): MigrateArgs {
  const args = parseArgs("migrate-domain", argv, { flags: ["-f", "-n", "-c"], valued: ["-p"], minOperands: 2, maxOperands: 2 });
  const [domain, target] = args.operands as [string, string];
  const at = target.lastIndexOf("@");
  const hostPart = at >= 0 ? target.slice(at + 1) : target;
  const colon = hostPart.indexOf(":");
  const host = colon >= 0 ? hostPart.slice(0, colon) : hostPart;
  const targetName = colon >= 0 ? hostPart.slice(colon + 1) : domain;
  if (!host || !targetName) fail(...[`Invalid target ${target}`]);
  return { dryRun: args.flags.has("-n"), passwordFile: args.values.get("-p"), certificate: args.flags.has("-c"), domain, host, targetName };
}

/** The lab machine a target host names: its lab name or one of its addresses. */
export function resolveTarget(state: LabState, host: string): MachineState | undefined {
  return Object.values(state.machines).find((m) => m.name === host || m.addresses.includes(host));
}

export interface VfSwap {
  /** Pseudonym of the source VF. */
  readonly source: string;
  readonly name: string;
  /** Pseudonym of the same-named VF on the target. */
  readonly target: string;
}

export interface MigrationPlan {
  readonly source: MachineState;
  readonly target: MachineState;
  readonly domain: DomainState;
  readonly swaps: readonly VfSwap[];
}

function refuse(domain: string, reason: string): never {
  throw new LdmFailure([reason, migrationFailedTrailer(domain)]);
}

/** Every check, before any change; a refusal names the reason then the generic trailer. */
export function checkMigration(state: LabState, source: MachineState, args: MigrateArgs, now: number): MigrationPlan {
  const domain = domainNamed(source, args.domain);
  if (!domain) fail(LDM_ERRORS.unknownDomain(args.domain));
  const name = domain.name;
  if (domain.control) refuse(name, MIGRATION_REASONS.controlDomain(name));
  if (domain.migration) refuse(name, LDM_ERRORS.migrationInProgress(name));
  if (source.domains.some((d) => d.control && d.delayedReconfig)) refuse(name, MIGRATION_REASONS.delayedReconfig());
  // Direct I/O (a bus) blocks migration of a bound or active domain (ref §5.2 [V]).
  const ownedBus = source.buses.find((b) => b.domain === name);
  if (ownedBus && domain.state !== "inactive") refuse(name, MIGRATION_REASONS.rootDomain(name, ownedBus.name));
  if (!LDM_NAME_PATTERN.test(args.targetName) || args.targetName.length > NAME_MAX_LENGTH) refuse(name, MIGRATION_REASONS.invalidTargetName(args.targetName));
  if (!args.certificate) {
    if (args.passwordFile === undefined) refuse(name, MIGRATION_REASONS.noAuthentication());
    const file = source.files[args.passwordFile];
    if (!file || file.type !== "file") refuse(name, MIGRATION_REASONS.passwordFile(args.passwordFile));
  }
  const target = resolveTarget(state, args.host);
  if (!target) refuse(name, MIGRATION_REASONS.unknownTarget(args.host));
  if (target === source) refuse(name, MIGRATION_REASONS.sameMachine());
  if (domainNamed(target, args.targetName)) refuse(name, MIGRATION_REASONS.targetDomainExists(args.targetName));
  if (target.domains.some((d) => d.control && d.delayedReconfig)) refuse(name, MIGRATION_REASONS.targetDelayedReconfig());

  const vfs = allVfs(source).filter((r) => r.vf.domain === name);
  for (const r of vfs) if (r.pf.class !== "NETWORK") refuse(name, MIGRATION_REASONS.nonEthernetVf(vfAlias(r.pf, r.vf), r.pf.class));
  const checkVfNames = !args.dryRun || MIGRATION_DRY_RUN_CHECKS_VFS;
  if (checkVfNames) for (const r of vfs) if (!r.vf.name) refuse(name, MIGRATION_REASONS.unnamedVf(vfAlias(r.pf, r.vf)));
  const targetVfs = allVfs(target);
  const swaps: VfSwap[] = [];
  for (const r of checkVfNames ? vfs : []) {
    const alias = vfAlias(r.pf, r.vf);
    const vfName = r.vf.name!;
    const t = targetVfs.find((x) => x.vf.name === vfName);
    if (!t) refuse(name, MIGRATION_REASONS.targetLacksVf(vfName, alias));
    const tAlias = vfAlias(t.pf, t.vf);
    if (t.pf.class !== "NETWORK") refuse(name, MIGRATION_REASONS.targetVfNotEthernet(vfName, tAlias));
    if (t.vf.domain) refuse(name, MIGRATION_REASONS.targetVfAssigned(vfName, tAlias, t.vf.domain));
    if (isInv(t.vf.invUntil, now) || isInv(t.pf.invUntil, now)) refuse(name, MIGRATION_REASONS.targetVfNotReady(vfName, tAlias));
    swaps.push({ source: alias, name: vfName, target: tAlias });
  }
  for (const v of domain.vnets) {
    if (!target.vswitches.some((s) => s.name === v.vswitch)) refuse(name, MIGRATION_REASONS.targetLacksVswitch(v.vswitch, v.name));
  }
  for (const d of domain.vdisks) {
    const [vol, svc] = d.volume.split("@");
    const vds = target.vdiskServices.find((s) => s.name === svc);
    if (!vds?.volumes.some((x) => x.name === vol)) refuse(name, MIGRATION_REASONS.targetLacksVolume(d.volume, d.name));
  }
  // A bound or active domain arrives bound: its vCPUs and memory must be free on the target.
  const need = { vcpus: domain.ncpu, memoryBytes: domain.memory };
  if (domain.state !== "inactive" && !fitsFree(target, need)) {
    refuse(name, MIGRATION_REASONS.targetLacksCapacity(name, describeResources(need), describeResources(freeResources(target))));
  }
  return { source, target, domain, swaps };
}

function vfByAlias(machine: MachineState, alias: string) {
  return allVfs(machine).find((r) => vfAlias(r.pf, r.vf) === alias);
}

export interface StartedMigration {
  readonly id: string;
  readonly sourceMachine: string;
  readonly targetMachine: string;
  readonly domain: string;
  readonly targetName: string;
  readonly swaps: readonly VfSwap[];
}

/** Marks both ends (flags s/t), removes the source VFs from the domain, adds the target placeholder. */
export function startMigration(state: LabState, plan: MigrationPlan, args: MigrateArgs, now: number): StartedMigration {
  const id = `migration-${++state.migrationCounter}`;
  const durationMs = state.options.migrationMs;
  const d = plan.domain;
  d.migration = { id, role: "source", peer: plan.target.name, startedAt: now, durationMs, swaps: plan.swaps.map((x) => ({ ...x })) };
  d.migrationError = undefined;
  if (MIGRATION_VF_SWAP.removeSourceVfAt === "start") for (const s of plan.swaps) vfByAlias(plan.source, s.source)!.vf.domain = undefined;
  plan.target.domains.push({
    name: args.targetName,
    state: "bound",
    ncpu: d.ncpu,
    memory: d.memory,
    control: false,
    vnets: d.vnets.map((v) => ({ ...v, altMacs: [...v.altMacs], vid: [...v.vid] })),
    vdisks: d.vdisks.map((v) => ({ ...v })),
    guestModel: false,
    delayedReconfig: false,
    migration: { id, role: "target", peer: plan.source.name, startedAt: now, durationMs },
    mac: d.mac,
  });
  return { id, sourceMachine: plan.source.name, targetMachine: plan.target.name, domain: d.name, targetName: args.targetName, swaps: plan.swaps };
}

/** The migration is no longer running on the source: `cancel-operation migration` rolled it back. */
export function isCancelled(state: LabState, m: StartedMigration): boolean {
  const d = domainNamed(state.machines[m.sourceMachine]!, m.domain);
  return !d || d.migration?.id !== m.id;
}

/** What a roll-back needs to know about a migration. */
export type MigrationRef = Pick<StartedMigration, "id" | "sourceMachine" | "targetMachine" | "domain" | "swaps">;

/** The migration a source domain is running, as recorded in the state. */
export function migrationRefOf(source: MachineState, d: DomainState): MigrationRef | undefined {
  const m = d.migration;
  if (m?.role !== "source") return undefined;
  return { id: m.id, sourceMachine: source.name, targetMachine: m.peer, domain: d.name, swaps: m.swaps ?? [] };
}

/** Undo: the source domain gets its VFs back (if MIGRATION_VF_SWAP.restoreOnFailure), the target placeholder goes. */
export function rollBackMigration(state: LabState, m: MigrationRef, markError: boolean): void {
  const source = state.machines[m.sourceMachine]!;
  const target = state.machines[m.targetMachine]!;
  const d = domainNamed(source, m.domain);
  if (d?.migration?.id === m.id) {
    d.migration = undefined;
    d.migrationError = markError || undefined;
    for (const s of MIGRATION_VF_SWAP.restoreOnFailure ? m.swaps : []) {
      const r = vfByAlias(source, s.source);
      if (r && !r.vf.domain) r.vf.domain = d.name;
    }
  }
  const placeholder = target.domains.findIndex((x) => x.migration?.id === m.id);
  if (placeholder >= 0) target.domains.splice(placeholder, 1);
}

/** Completes the move, or returns the reason it cannot (then the caller rolls back). */
export function finishMigration(state: LabState, m: StartedMigration, now: number): string | undefined {
  const source = state.machines[m.sourceMachine]!;
  const target = state.machines[m.targetMachine]!;
  const d = domainNamed(source, m.domain);
  const arrived = target.domains.find((x) => x.migration?.id === m.id);
  if (!d || !arrived) return MIGRATION_REASONS.cancelled(m.domain);
  for (const s of m.swaps) {
    const t = vfByAlias(target, s.target);
    if (!t || t.vf.name !== s.name) return MIGRATION_REASONS.targetLacksVf(s.name, s.source);
    if (t.vf.domain) return MIGRATION_REASONS.targetVfAssigned(s.name, s.target, t.vf.domain);
    if (isInv(t.vf.invUntil, now)) return MIGRATION_REASONS.targetVfNotReady(s.name, s.target);
  }
  for (const s of m.swaps) {
    const r = vfByAlias(source, s.source);
    if (r?.vf.domain === d.name) r.vf.domain = undefined; // still assigned when MIGRATION_VF_SWAP removes it at the end
  }
  source.domains.splice(source.domains.indexOf(d), 1);
  arrived.state = d.state;
  arrived.migration = undefined;
  arrived.startedAt = d.startedAt;
  arrived.guestModel = d.guestModel;
  let port = 5000;
  while (target.domains.some((x) => x.console === port)) port++;
  arrived.console = d.state === "inactive" ? undefined : port;
  for (const s of m.swaps) vfByAlias(target, s.target)!.vf.domain = arrived.name;
  if (d.guestModel && m.targetName !== m.domain && state.guests[m.domain]) {
    state.guests[m.targetName] = { ...state.guests[m.domain]!, domain: m.targetName };
    delete state.guests[m.domain];
  }
  return undefined;
}
