/**
 * The `ldm` command lines of a live migration, as argv (quoted later by `ldmCommandLine`), and
 * the parse of the progress the status listing prints while it runs. Pure: no I/O.
 */
import type { MigrationPlan } from "../model";
import { MIGRATION_STATUS_PROGRESS_KEY } from "./assumptions";

/** What `migrate-domain` needs of a migration: the domain, the target and how to authenticate. */
export type MigrateDomainInput = Pick<MigrationPlan, "domain" | "targetAddress" | "targetUser" | "auth">;

/** The target operand of `migrate-domain`: `user@address` for password auth, else `address`. */
export function migrationTargetOperand(m: Pick<MigrationPlan, "targetAddress" | "targetUser">): string {
  return `${m.targetUser ? `${m.targetUser}@` : ""}${m.targetAddress}`;
}

/**
 * `migrate-domain [-n] -c|-p FILE DOMAIN TARGET`. Auth is `-c` (certificates) or `-p FILE`: a
 * path on the source control domain, never a password on the command line.
 */
export function migrateDomainArgv(m: MigrateDomainInput, dryRun: boolean): string[] {
  const auth = m.auth.kind === "certificate" ? ["-c"] : ["-p", m.auth.path];
  return ["migrate-domain", ...(dryRun ? ["-n"] : []), ...auth, m.domain, migrationTargetOperand(m)];
}

/** `list -o status -p DOMAIN`: the STATUS record polled for progress while the domain migrates. */
export function migrationStatusArgv(domain: string): string[] {
  return ["list", "-o", "status", "-p", domain];
}

/** `cancel-operation migration DOMAIN`: asks ldm to stop a running migration (Ctrl-C). */
export function cancelMigrationArgv(domain: string): string[] {
  return ["cancel-operation", "migration", domain];
}

/**
 * The percentage in the output of `migrationStatusArgv` (`|progress=NN|`), or undefined when
 * it prints none (no migration running, or another format).
 */
export function parseMigrationProgress(stdout: string): number | undefined {
  const match = new RegExp(`${MIGRATION_STATUS_PROGRESS_KEY}=(\\d+)`).exec(stdout);
  return match ? Number(match[1]) : undefined;
}
