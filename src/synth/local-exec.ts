/**
 * The command lines a Terraform `local-exec` provisioner runs for a stack: `ldoms apply` for one
 * control domain, `ldoms migrate` for one opted-in migration. Terraform hands the text to
 * `sh -c`, so every word is POSIX single-quoted: an id, a path or a stack name is one argument
 * whatever it contains.
 */
import { commandLine } from "../ldm/quote";

/** How a command starts the `ldoms` CLI, relative to the folder the command runs in. */
export interface LdomsInvocation {
  /** The words that start the CLI, e.g. `["node", "node_modules/cdktf-ldoms/bin/ldoms.js"]`. */
  readonly command: readonly string[];
  /**
   * The stack's `ldoms.plan.json`, given as `--plan-document`.
   * @default none: the CLI finds the plan document in the folder it runs in
   */
  readonly planDocument?: string;
}

/**
 * How long a pipeline's command waits for another run's lock on a host: Terraform runs the
 * stack's resources in parallel, so a host's apply and a migration off it (or two migrations off
 * one host) meet on the same lock; they take turns instead of failing. 30 minutes covers a
 * migration of a large domain.
 */
export const PIPELINE_LOCK_TIMEOUT_MS = 1_800_000;

const lockTimeoutOption = (): string[] => ["--lock-timeout", String(PIPELINE_LOCK_TIMEOUT_MS)];

function planDocumentOption(invocation: LdomsInvocation): string[] {
  return invocation.planDocument === undefined ? [] : ["--plan-document", invocation.planDocument];
}

/** `ldoms apply` for one host of a stack, without a question. */
export function ldomsApplyCommand(invocation: LdomsInvocation, stack: string, host: string): string {
  return commandLine([...invocation.command, "apply", "--stack", stack, "--host", host, ...planDocumentOption(invocation), ...lockTimeoutOption(), "--auto-approve"]);
}

/** `ldoms migrate` for one migration of a stack, without a question. */
export function ldomsMigrateCommand(invocation: LdomsInvocation, stack: string, migration: string): string {
  return commandLine([...invocation.command, "migrate", migration, "--stack", stack, ...planDocumentOption(invocation), ...lockTimeoutOption(), "--auto-approve"]);
}
