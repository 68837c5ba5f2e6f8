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
  const text = `${output}\n${stderr}`.trim();
  const ldm = target.connection.pfexec ? `pfexec ${target.connection.ldmPath}` : target.connection.ldmPath;
  if (exitStatus === 127 || /not found|No such file/i.test(text)) {
    return new ConnectionError(
      `\`${ldm}\` was not found on ${at} (exit status ${exitStatus}). Is this a control domain? Set ldmPath (e.g. /usr/sbin/ldm) in the ControlDomain or the inventory if ldm is not on the PATH of non-interactive SSH sessions.`,
      target.id,
    );
  }
  if (/not authori[sz]ed|permission denied|authori[sz]ation|insufficient privileges|not privileged/i.test(text)) {
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
