/**
 * The migration command itself: `ldm migrate-domain` on the source, while a second channel of
 * the same connection polls the progress, and Ctrl-C (through `MigrationControl`) can send
 * `ldm cancel-operation migration`. Returns what ran and how it ended; deciding what that means
 * is the caller's job.
 */
import { cancelMigrationArgv, migrateDomainArgv, migrationStatusArgv, parseMigrationProgress } from "../../ldm/migration-argv";
import { isOutcomeUnknown } from "../host-session";
import { defaultSleep, errorLine, ldmLine, phase, type Ctx } from "./context";
import type { MigrationRunInfo } from "./report";

/** The poll's shared state: stop when `done`; the highest percentage seen so far. */
interface Progress {
  done: boolean;
  last?: number;
  readonly started: number;
}

/** Runs `ldm migrate-domain` while a second channel polls `ldm list -o status -p DOMAIN`. */
export async function migrate(ctx: Ctx): Promise<MigrationRunInfo> {
  const m = ctx.migration;
  const line = ldmLine(ctx.source, migrateDomainArgv(m, false));
  const progress: Progress = { done: false, started: Date.now() };
  const cancel = { requested: false };
  phase(ctx, `migrating ${m.domain} to ${m.targetHost}`);
  ctx.options.control?.attach(() => sendCancel(ctx, cancel));
  const poll = pollProgress(ctx, progress);
  let ran: { exitStatus: number | null; stdout: string; stderr: string };
  try {
    ran = await runMigrateDomain(ctx, line);
  } finally {
    progress.done = true;
    ctx.options.control?.attach(undefined);
  }
  await poll;
  const { exitStatus } = ran;
  if (exitStatus === 0) ctx.options.onEvent?.({ type: "progress", percent: 100, elapsedMs: Date.now() - progress.started });
  ctx.options.onEvent?.({ type: "command", host: m.sourceHost, commandLine: line, exitStatus });
  return {
    commandLine: line,
    ...ran,
    durationMs: Date.now() - progress.started,
    ...(progress.last !== undefined ? { lastProgress: exitStatus === 0 ? 100 : progress.last } : {}),
    cancelRequested: cancel.requested || ctx.options.control?.cancelRequested === true,
  };
}

/** The command's result; a lost connection or another failure is exit status null and a reason. */
async function runMigrateDomain(ctx: Ctx, line: string): Promise<{ exitStatus: number | null; stdout: string; stderr: string }> {
  try {
    const r = await ctx.source.exec(line, "migration");
    return { exitStatus: r.exitStatus, stdout: r.stdout, stderr: r.stderr };
  } catch (error) {
    const stderr = isOutcomeUnknown(error) ? `the connection to ${ctx.migration.sourceHost} was lost while ldm migrate-domain ran (outcome unknown)` : errorLine(error);
    return { exitStatus: null, stdout: "", stderr };
  }
}

/** Polls the progress until `done`, reporting each percentage not below the last one seen. */
async function pollProgress(ctx: Ctx, progress: Progress): Promise<void> {
  const statusLine = ldmLine(ctx.source, migrationStatusArgv(ctx.migration.domain));
  const sleep = ctx.options.sleep ?? defaultSleep;
  const interval = ctx.options.pollIntervalMs ?? 500;
  while (!progress.done) {
    await sleep(interval);
    if (progress.done) break;
    try {
      const r = await ctx.source.exec(statusLine, "read");
      const percent = r.exitStatus === 0 ? parseMigrationProgress(r.stdout) : undefined;
      if (percent !== undefined && (progress.last === undefined || percent >= progress.last)) {
        progress.last = percent;
        ctx.options.onEvent?.({ type: "progress", percent, elapsedMs: Date.now() - progress.started });
      }
    } catch {
      // A lost poll is not the migration's failure; the migration exec decides.
      return;
    }
  }
}

/** Ctrl-C while the command runs: `ldm cancel-operation migration DOMAIN`; returns a line saying what happened. */
async function sendCancel(ctx: Ctx, cancel: { requested: boolean }): Promise<string> {
  cancel.requested = true;
  const m = ctx.migration;
  const cancelLine = ldmLine(ctx.source, cancelMigrationArgv(m.domain));
  try {
    const r = await ctx.source.exec(cancelLine, "mutating");
    ctx.options.onEvent?.({ type: "command", host: m.sourceHost, commandLine: cancelLine, exitStatus: r.exitStatus });
    return r.exitStatus === 0 ? `cancel requested: ${cancelLine}` : `cancel refused (exit status ${r.exitStatus}): ${`${r.stdout}${r.stderr}`.trim()}`;
  } catch (error) {
    return `cancel could not be sent: ${errorLine(error)}`;
  }
}
