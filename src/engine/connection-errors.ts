/**
 * Turns transport failures and failed reads into one-paragraph ConnectionErrors that say what
 * is wrong and what to do.
 */
import { ConnectionError } from "../model";
import type { HostTarget } from "./host-session";

function where(target: HostTarget): string {
  const c = target.connection;
  return `${target.id} (${c.user}@${c.address}:${c.port})`;
}

function kindOf(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const kind = (error as { kind?: unknown }).kind;
  return typeof kind === "string" ? kind : undefined;
}

/**
 * Maps a transport error to a ConnectionError. TransportError messages already say what failed
 * and what to do (both fingerprints for a host key mismatch), so they are kept, prefixed with
 * the host id; other errors get the advice here.
 */
export function toConnectionError(target: HostTarget, error: unknown): ConnectionError {
  if (error instanceof ConnectionError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const kind = kindOf(error);
  if (kind !== undefined && error instanceof Error && error.name === "TransportError") {
    return new ConnectionError(`${target.id}: ${message}`, target.id);
  }
  return new ConnectionError(
    `Cannot reach ${where(target)}: ${message}. Check the address and port (inventory or ControlDomain), that sshd runs there, and that no firewall is in the way.`,
    target.id,
  );
}

/** A listing that failed on the host: `ldm` missing, no rights profile, or another `ldm` error. */
export function readFailure(target: HostTarget, listing: string, exitStatus: number | null, output: string, stderr: string): ConnectionError {
  const at = where(target);
  // A refusal may wrap at ~64 columns (evidence §10): match words across line breaks.
  const text = `${output}\n${stderr}`.trim();
  const words = text.replace(/\s+/g, " ");
  const ldm = target.connection.pfexec ? `pfexec ${target.connection.ldmPath}` : target.connection.ldmPath;
  if (exitStatus === 127 || /not found|No such file/i.test(words)) {
    return new ConnectionError(
      `\`${ldm}\` was not found on ${at} (exit status ${exitStatus}). Is this a control domain? Set ldmPath (e.g. /usr/sbin/ldm) in the ControlDomain or the inventory if ldm is not on the PATH of non-interactive SSH sessions.`,
      target.id,
    );
  }
  if (/not authori[sz]ed|permission denied|authori[sz]ation|insufficient privileges|not privileged/i.test(words)) {
    return new ConnectionError(
      `\`${ldm} ${listing}\` was refused on ${at}: permission denied (${firstLine(text)}). Give ${target.connection.user} the "LDoms Review" rights profile for plan, "LDoms Management" for apply (usermod -P "LDoms Management" ${target.connection.user}), and set pfexec: true so ldm runs through pfexec.`,
      target.id,
    );
  }
  return new ConnectionError(
    `\`${ldm} ${listing}\` failed on ${at} with exit status ${exitStatus ?? "unknown"}: ${firstLine(text) || "(no output)"}`,
    target.id,
  );
}

function firstLine(text: string): string {
  return text.split(/\r?\n/).find((l) => l.trim() !== "")?.trim() ?? "";
}

/** What an unknown-outcome rejection carries (OutcomeUnknownError and look-alikes). */
interface UnknownOutcome {
  readonly message: string;
  readonly commandLine?: string;
  readonly reason?: string;
  readonly context?: { readonly label?: string; readonly timeoutMs?: number; readonly detail?: string };
}

/**
 * A command whose outcome is unknown (it ran out of time, its connection was lost, it printed
 * more than the output limit) as a one-paragraph ConnectionError: what happened, on which host,
 * to which command, and what to do. Such a command was stopped or cut off, not refused: a read
 * changed nothing, a change may or may not have been made, and the next run re-reads the host
 * instead of assuming either.
 */
export function outcomeUnknownError(error: unknown, host?: string): ConnectionError {
  const e = error as UnknownOutcome;
  const where = e.context?.label ?? host ?? "the host";
  const what = e.commandLine ? describeCommand(e.commandLine) : "a command";
  const outcome = "If it only read the host, nothing changed; if it changed the host, the change may or may not have been made.";
  const rerun = "run ldoms again: it re-reads the host and continues where it stopped, never assuming either way.";
  let text: string;
  switch (e.reason) {
    case "timeout":
      text =
        `${where}: ${what} did not finish within ${seconds(e.context?.timeoutMs)} (the command time limit) and was stopped. ${outcome} ` +
        `Check that ldm answers on ${where} (run \`ldm list\` there; \`svcs ldmd\`), then ${rerun} ` +
        "For a slow host raise the limit: --read-timeout for reads (default 120 s), --command-timeout for changes (default 600 s).";
      break;
    case "output-limit":
      text =
        `${where}: ${what} printed ${e.context?.detail ?? "more than the output limit"} (the output limit per stream) and was stopped. ${outcome} ` +
        `No ldm listing is that large: check what \`ldm\` runs on ${where} (ldmPath, wrappers, a looping script); if the output is genuine, raise --max-output; then ${rerun}`;
      break;
    case "connection-lost":
      text = `${where}: the connection was lost while ${what} ran${e.context?.detail ? ` (${e.context.detail})` : ""}. ${outcome} Once ${where} is reachable, ${rerun}`;
      break;
    case undefined:
    default:
      text = `${where}: ${what} ended without an exit status${e.context?.detail ? ` (${e.context.detail})` : ""}. ${outcome} Check the host's sshd and ldm, then ${rerun}`;
  }
  return new ConnectionError(text, host ?? e.context?.label);
}

/**
 * The `ldm` invocations of a command line (`ldm list-io -l -p`, `ldm list -l -p`), which is
 * what a reader recognises in a batched exec; other command lines shortened.
 */
export function describeCommand(commandLine: string): string {
  const invocations: string[] = [];
  const ldm = /(?:'pfexec' )?'(?:[^']*\/)?ldm'((?: '(?:[^']|'\\'')*')*)/g;
  for (const match of commandLine.matchAll(ldm)) {
    const args = [...(match[1] ?? "").matchAll(/ '((?:[^']|'\\'')*)'/g)].map((m) => (m[1] ?? "").replace(/'\\''/g, "'"));
    invocations.push(`\`ldm ${args.join(" ")}\``);
  }
  if (invocations.length) return invocations.join(", ");
  return `\`${commandLine.length > 120 ? `${commandLine.slice(0, 117)}...` : commandLine}\``;
}

function seconds(ms: number | undefined): string {
  if (ms === undefined) return "its time limit";
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/**
 * A listing that exited 0 but is not a plausible answer (nothing printed, no device, no control
 * domain): most often `ldm` refusing the account (`Authorization failed` on stderr) while still
 * exiting 0. Nothing is planned from it.
 */
export function implausibleListing(target: HostTarget, listing: string, seen: string, stderr: string): ConnectionError {
  const c = target.connection;
  const ldm = c.pfexec ? `pfexec ${c.ldmPath}` : c.ldmPath;
  const said = firstLine(stderr);
  return new ConnectionError(
    `\`${ldm} ${listing}\` on ${where(target)} exited 0 but ${seen}; stderr: ${said ? `"${said}"` : "(nothing)"}. ` +
      "That is not a listing of a control domain, so nothing was planned from it. The likely cause is an account that may not read the LDoms configuration: " +
      `give ${c.user} the "LDoms Review" rights profile for plan, "LDoms Management" for apply (usermod -P "LDoms Management" ${c.user}), ` +
      `${c.pfexec ? "and check that pfexec grants it (profiles " + c.user + ")" : "and set pfexec: true so ldm runs through pfexec"}. ` +
      "If the account has them, check that ldmPath is Oracle's ldm (/usr/sbin/ldm).",
    target.id,
  );
}
