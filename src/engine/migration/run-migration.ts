/**
 * `ldoms migrate`: prove, dry-run, migrate, prove again (DESIGN §5).
 *
 * One connection per control domain (and one to the guest, when it has access). Both control
 * domains are locked for the whole run. Order: read both hosts (lock in the same exec); a domain
 * already on the target is verified, never migrated twice; preparation must be converged (or is
 * converged with `apply`); the guest's IPMP group is read (and configured with `apply`); rules
 * 1-5 are checked; `ldm migrate-domain -n` is rule 6; then, unless dry run, a fresh read proves
 * nothing moved meanwhile, `ldm migrate-domain` runs while a second channel polls progress, and
 * the result is proven by a re-read of both hosts and the guest. The phases are in `phases.ts`;
 * this file sets up the run, and always releases the locks and closes the connections.
 */
import { migrateCommand } from "./group-migration";
import { ValidationError, type MigrationPlan, type PlanDocument } from "../../model";
import { migrationTargetOperand } from "../../ldm/migration-argv";
import { engineHosts } from "../inventory-file";
import { HostSession } from "../host-session";
import { newLockInfo } from "../lock";
import type { EngineHost } from "../plan-run";
import { Interrupted, type Ctx } from "./context";
import { guestTarget } from "./guest-access";
import { lockDirOf, release } from "./locked-read";
import type { MigrateOptions } from "./options";
import { runPhases } from "./phases";
import type { MigrationReport } from "./report";

export type { MigrateOptions } from "./options";

/** Finds the migration by id, with the fix when it is not there. */
export function findMigration(document: PlanDocument, id: string): MigrationPlan {
  const migration = document.migrations.find((m) => m.id === id);
  if (!migration) {
    const group = document.groups?.find((g) => g.domains.some((d) => d.name === id));
    if (group) {
      const hosts = group.hosts.map((h) => h.id);
      throw new ValidationError(`${id} is a mobile domain of group ${group.id}; name the host to move it to: ldoms migrate ${id} --to HOST (one of ${hosts.join(", ")})`);
    }
    const ids = document.migrations.map((m) => m.id);
    throw new ValidationError(`no migration ${id} in stack ${document.stack}; ${ids.length ? `migrations: ${ids.join(", ")}` : "declare one with SriovMigration"}`);
  }
  return migration;
}

/** Runs one migration of the plan document to its outcome; the report says what happened. */
export async function runMigration(options: MigrateOptions): Promise<MigrationReport> {
  const ctx = newContext(options, findMigration(options.document, options.migrationId));
  const m = ctx.migration;
  try {
    const finish = await runPhases(ctx);
    ctx.report.outcome = finish.outcome;
    ctx.report.summary = finish.summary;
  } catch (error) {
    if (!(error instanceof Interrupted)) throw error;
    ctx.report.outcome = "interrupted";
    ctx.report.summary = `Interrupted before the migration started; nothing was migrated: ${error.domainOn === undefined ? `${m.domain} stays on ${m.sourceHost}` : `${m.domain} is on ${error.domainOn}`}.`;
  } finally {
    for (const session of [...ctx.held]) await release(ctx, session);
    await Promise.all([ctx.source.close(), ctx.target.close(), ctx.guest?.session.close()]);
  }
  for (const [host, lockId] of ctx.locksLeft) {
    ctx.report.summary += ` The lock on ${host} could not be released; once it is reachable: ldoms force-unlock ${host} ${lockId}`;
  }
  ctx.report.mutatingCommands = {
    [m.sourceHost]: ctx.source.counters.mutatingExecs + (ctx.applyMutating[m.sourceHost] ?? 0),
    [m.targetHost]: ctx.target.counters.mutatingExecs + (ctx.applyMutating[m.targetHost] ?? 0),
  };
  return ctx.report as MigrationReport;
}

/** The run's context: both hosts (and the guest) with a session each, the lock, an empty report. */
function newContext(options: MigrateOptions, migration: MigrationPlan): Ctx {
  const hosts = engineHosts(options.document, { ...(options.inventory ? { inventory: options.inventory } : {}), hostIds: [migration.sourceHost, migration.targetHost] });
  const pick = (id: string, role: string): EngineHost => {
    const host = hosts.find((h) => h.target.id === id);
    if (!host) throw new ValidationError(`migration ${migration.id}: ${role} host ${id} is not a host of stack ${options.document.stack}`);
    return host;
  };
  const sourceHost = pick(migration.sourceHost, "source");
  const targetHost = pick(migration.targetHost, "target");
  const guestPlan = guestTarget(options.document, migration.sourceHost, migration.domain, options.inventory);
  const session = (target: EngineHost["target"]) => new HostSession(target, options.connect, options.commandTimeoutMs);
  return {
    options,
    migration,
    sourceHost,
    targetHost,
    source: session(sourceHost.target),
    target: session(targetHost.target),
    ...(guestPlan ? { guest: { session: session(guestPlan.target), plan: guestPlan } } : {}),
    lock: newLockInfo(migrateCommand(migration)),
    lockDir: lockDirOf(options.lockDir),
    held: new Set(),
    locksLeft: new Map(),
    applyMutating: {},
    report: emptyReport(migration),
  };
}

function emptyReport(migration: MigrationPlan): Ctx["report"] {
  return {
    migration: migration.id,
    domain: migration.domain,
    source: migration.sourceHost,
    target: migration.targetHost,
    targetOperand: migrationTargetOperand(migration),
    outcome: "preflight-failed",
    summary: "",
    missingPreparation: [],
    applied: [],
    guestActions: [],
    preflight: [],
    postVerify: [],
    mutatingCommands: {},
  };
}
