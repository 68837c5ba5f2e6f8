/**
 * The phases of `ldoms migrate`, in order (DESIGN §5): read both hosts → already migrated? →
 * prepare → guest view → preflight → dry run → confirm → fresh read → migrate → post-verify.
 * Each phase either stops the run with an outcome and a summary, or lets it continue; a phase
 * that reads what an earlier one learned finds it in the `RunState`. Until the migration command
 * starts, Ctrl-C stops the run at the next phase boundary (`Interrupted`).
 */
import { migrateCommand } from "./group-migration";
import { MigrationError } from "../../model";
import type { ExecResult } from "../../transport/executor";
import { migrateDomainArgv } from "../../ldm/migration-argv";
import { findDomain, fingerprintObservedHost, type ObservedHost } from "../observed-state";
import { CONTINUE, Interrupted, ldmLine, phase, proceed, stop, unreachableSummary, type Ctx, type Finish, type PhaseResult, type RunState } from "./context";
import { guestView } from "./guest-view";
import { read, readBoth } from "./locked-read";
import { migrate } from "./migrate-progress";
import { failedSummary, postVerify, verified } from "./post-verify";
import { convergePreparation, missingPreparation } from "./prepare";
import { dryRunCheck, preflightChecks, type PreflightInput } from "./preflight";
import type { MigrationRunInfo } from "./report";

type Phase = (ctx: Ctx, state: RunState) => Promise<PhaseResult>;

/** The phases between the first read and the migration command: each may stop the run. */
const BEFORE_MIGRATION: readonly Phase[] = [alreadyMigrated, prepare, readGuest, preflight, dryRun, confirm, freshRead];

/** Runs the phases in order; the first that stops gives the outcome. */
export async function runPhases(ctx: Ctx): Promise<Finish> {
  const hosts = await readHosts(ctx);
  if (hosts.kind === "finish") return hosts;
  const state: RunState = { source: hosts.value[0], target: hosts.value[1], missing: [], guest: { kind: "no-access", script: "" } };
  try {
    for (const next of BEFORE_MIGRATION) {
      const result = await next(ctx, state);
      if (result.kind === "finish") return result;
    }
  } catch (error) {
    // The interrupted run's summary says where the domain is when that is not the source.
    if (error instanceof Interrupted && !findDomain(state.source, ctx.migration.domain)) error.domainOn = findDomain(state.target, ctx.migration.domain) ? ctx.migration.targetHost : `neither ${ctx.migration.sourceHost} nor ${ctx.migration.targetHost}`;
    throw error;
  }
  const ran = await migrateDomain(ctx);
  if (ran.kind === "finish") return ran;
  return verifyMigrated(ctx, state, ran.value);
}

/** Reads (and locks) both control domains. */
async function readHosts(ctx: Ctx): Promise<PhaseResult<[ObservedHost, ObservedHost]>> {
  const m = ctx.migration;
  phase(ctx, `reading ${m.sourceHost} and ${m.targetHost}`);
  try {
    return proceed(await readBoth(ctx));
  } catch (error) {
    if (error instanceof MigrationError) throw error;
    return stop("unreachable", unreachableSummary(ctx, error, "reading the control domains failed", false));
  }
}

/** A domain already on the target (and gone from the source) is verified, never migrated twice. */
async function alreadyMigrated(ctx: Ctx, state: RunState): Promise<PhaseResult> {
  const m = ctx.migration;
  if (findDomain(state.source, m.domain) || !findDomain(state.target, m.domain)) return CONTINUE;
  phase(ctx, `${m.domain} is already on ${m.targetHost}: verifying instead of migrating`);
  await postVerify(ctx, state.source, state.target, undefined);
  if (verified(ctx)) return stop("already-migrated", `${m.domain} had already migrated to ${m.targetHost}; nothing was migrated again, and every check of the result passed.`);
  return stop("verify-failed", `${m.domain} is on ${m.targetHost}, but the result does not check out: ${failedSummary(ctx.report.postVerify)}`);
}

/** Preparation: both hosts converged (zero planned actions, no precondition problems), by `--apply` if asked. */
async function prepare(ctx: Ctx, state: RunState): Promise<PhaseResult> {
  state.missing = await missingPreparation(ctx, state.source, state.target);
  if (state.missing.length && ctx.options.apply) {
    const converged = await convergePreparation(ctx, state);
    if (converged.kind === "finish") return converged;
  }
  ctx.report.missingPreparation = state.missing;
  return CONTINUE;
}

/** Reads the guest's IPMP group (configured first with `--apply`). */
async function readGuest(ctx: Ctx, state: RunState): Promise<PhaseResult> {
  state.sourceState = findDomain(state.source, ctx.migration.domain)?.state;
  state.guest = await guestView(ctx, state.source);
  return CONTINUE;
}

/** Rules 1-5; an unconverged preparation stops here too, after the checks are reported. */
async function preflight(ctx: Ctx, state: RunState): Promise<PhaseResult> {
  const m = ctx.migration;
  const input: PreflightInput = { migration: m, sourcePlan: ctx.sourceHost.plan, targetPlan: ctx.targetHost.plan, source: state.source, target: state.target, guest: state.guest };
  phase(ctx, "preflight: rules 1-5 of the migration contract");
  ctx.report.preflight = preflightChecks(input);
  for (const c of ctx.report.preflight) ctx.options.onEvent?.({ type: "check", check: c });
  if (state.missing.length) {
    return stop("not-prepared", `The preparation is not converged (${state.missing.length} change(s) missing); nothing was changed. Run ldoms apply, or ${migrateCommand(m)} --apply.`);
  }
  const failed = ctx.report.preflight.filter((c) => c.status === "failed");
  const unverified = ctx.report.preflight.filter((c) => c.status === "unverified");
  if (failed.length) {
    const where = findDomain(state.source, m.domain) ? `${m.domain} stays on ${m.sourceHost}` : `${m.domain} is not on ${m.sourceHost} (moved by another run since it was located?); run ${migrateCommand(m)} again, which reads where it runs now`;
    return stop("preflight-failed", `Preflight failed (${failed.map((c) => `rule ${c.rule}`).join(", ")}); nothing was changed: ${where}.`);
  }
  if (unverified.length && !ctx.options.acceptUnverified) {
    return stop("preflight-failed", `Rule ${unverified.map((c) => c.rule).join(", ")} could not be verified; nothing was changed. Verify it by hand and pass --accept-unverified to proceed.`);
  }
  return CONTINUE;
}

/** Rule 6: the dry run, by ldm itself; `--dry-run` stops after it. */
async function dryRun(ctx: Ctx): Promise<PhaseResult> {
  const m = ctx.migration;
  const dryLine = ldmLine(ctx.source, migrateDomainArgv(m, true));
  phase(ctx, "rule 6: dry run (ldm migrate-domain -n)");
  let dry: ExecResult;
  try {
    dry = await ctx.source.exec(dryLine, "read");
  } catch (error) {
    return stop("unreachable", unreachableSummary(ctx, error, `the dry run on ${m.sourceHost} could not complete`, false));
  }
  const dryOutput = `${dry.stdout}${dry.stderr}`.trim();
  ctx.report.dryRun = { commandLine: dryLine, exitStatus: dry.exitStatus, output: dryOutput };
  const check = dryRunCheck(m.sourceHost, dry.exitStatus, dryOutput);
  ctx.report.preflight.push(check);
  ctx.options.onEvent?.({ type: "check", check });
  if (check.status === "failed") return stop("dry-run-refused", `ldm refused the dry run; nothing was changed: ${m.domain} stays on ${m.sourceHost}.`);
  if (ctx.options.dryRun) return stop("dry-run-passed", `Every preflight check and the dry run passed; nothing was changed (--dry-run). Migrate with: ${migrateCommand(m)}`);
  return CONTINUE;
}

/** The user's approval (absent prompt = --auto-approve). */
async function confirm(ctx: Ctx): Promise<PhaseResult> {
  const m = ctx.migration;
  if (ctx.options.confirm && !(await ctx.options.confirm(`Migrate ${m.domain} from ${m.sourceHost} to ${m.targetHost} now?`))) {
    return stop("declined", `Not confirmed; nothing was changed: ${m.domain} stays on ${m.sourceHost}.`);
  }
  return CONTINUE;
}

/** A fresh read of both hosts: nothing may have moved since the preflight. */
async function freshRead(ctx: Ctx, state: RunState): Promise<PhaseResult> {
  const m = ctx.migration;
  try {
    const [source, target] = await readBoth(ctx);
    const changed = [
      fingerprintObservedHost(source) !== fingerprintObservedHost(state.source) ? m.sourceHost : undefined,
      fingerprintObservedHost(target) !== fingerprintObservedHost(state.target) ? m.targetHost : undefined,
    ].filter(Boolean);
    if (changed.length) return stop("preflight-failed", `${changed.join(" and ")} changed since the preflight; nothing was migrated. Run ${migrateCommand(m)} again.`);
  } catch (error) {
    if (error instanceof MigrationError) throw error;
    return stop("unreachable", unreachableSummary(ctx, error, "a host became unreachable after the preflight", false));
  }
  return CONTINUE;
}

/** The migration command; a failure stops the run, unless the domain may have arrived anyway. */
async function migrateDomain(ctx: Ctx): Promise<PhaseResult<MigrationRunInfo>> {
  if (ctx.options.control?.interrupted) throw new Interrupted();
  const runInfo = await migrate(ctx);
  ctx.report.run = runInfo;
  if (runInfo.exitStatus === 0) return proceed(runInfo);
  const m = ctx.migration;
  let after: ObservedHost | undefined;
  try {
    after = await read(ctx, ctx.source);
  } catch {
    after = undefined;
  }
  const stillOnSource = after ? findDomain(after, m.domain) : undefined;
  // The connection dropped while ldm ran (outcome unknown): ldm goes on without its shell, so
  // a domain gone from the source may have arrived; prove it instead of guessing.
  if (runInfo.exitStatus === null && after !== undefined && !stillOnSource) {
    phase(ctx, `the outcome of ldm migrate-domain is unknown (${runInfo.stderr}), and ${m.domain} is no longer on ${m.sourceHost}: verifying`);
    return proceed(runInfo);
  }
  const where = after
    ? stillOnSource
      ? `${m.domain} is still on ${m.sourceHost} (${stillOnSource.state})${runInfo.exitStatus === null ? `; nothing moved: run ${migrateCommand(m)} again` : ""}`
      : `${m.domain} is no longer on ${m.sourceHost}: run ${migrateCommand(m)} again to verify it on ${m.targetHost}`
    : `${m.sourceHost} could not be re-read; run ${migrateCommand(m)} again to find out where ${m.domain} is`;
  const why = runInfo.stderr.trim().split("\n").join(" / ") || `exit status ${runInfo.exitStatus ?? "unknown"}`;
  return stop(runInfo.cancelRequested ? "cancelled" : "migration-failed", `${runInfo.cancelRequested ? "Cancelled" : "The migration failed"}: ${why}. ${where}.`);
}

/** Post-verify: both hosts read again, every check of the result made. */
async function verifyMigrated(ctx: Ctx, state: RunState, runInfo: MigrationRunInfo): Promise<Finish> {
  const m = ctx.migration;
  phase(ctx, "post-verify");
  let source: ObservedHost;
  let target: ObservedHost;
  try {
    [source, target] = await readBoth(ctx);
  } catch (error) {
    return stop("unreachable", unreachableSummary(ctx, error, "ldm reported success, but the hosts could not be re-read to prove it", true));
  }
  await postVerify(ctx, source, target, state.sourceState);
  if (verified(ctx)) return stop("migrated", `${m.domain} migrated from ${m.sourceHost} to ${m.targetHost} in ${(runInfo.durationMs / 1000).toFixed(1)} s; every check of the result passed.`);
  return stop("verify-failed", `ldm reported success, but the result does not check out: ${failedSummary(ctx.report.postVerify)}`);
}
