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

/** Maps a transport error (TransportError kinds, or a plain Error) to a ConnectionError. */
export function toConnectionError(target: HostTarget, error: unknown): ConnectionError {
  if (error instanceof ConnectionError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const kind = kindOf(error) ?? "";
  const at = where(target);
  if (/host-key-unknown|unknown-host-key/.test(kind)) {
    return new ConnectionError(
      `Cannot connect to ${at}: its host key is not pinned. ${message} Verify the fingerprint on the host (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub) and set it as hostKey in the ControlDomain or the inventory, or name a known_hosts file.`,
      target.id,
    );
  }
  if (/host-key-(changed|mismatch)|changed-host-key/.test(kind)) {
    return new ConnectionError(
      `Refusing ${at}: its host key does not match the pinned one. ${message} Either the host was reinstalled or someone is intercepting the connection; check with the host's administrator before updating the pinned fingerprint.`,
      target.id,
    );
  }
  if (/auth/.test(kind)) {
    return new ConnectionError(
      `Authentication to ${at} failed. ${message} Check that the user exists, that its authorized_keys holds your public key, and that ssh-agent or the identityFile of the inventory offers the matching private key.`,
      target.id,
    );
  }
  if (/unreachable|refused|dns|connect|timeout|closed|network/.test(kind)) {
    return new ConnectionError(
      `Cannot reach ${at}. ${message} Check the address and port (inventory or ControlDomain), that sshd runs there, and that no firewall is in the way.`,
      target.id,
    );
  }
  return new ConnectionError(`Connection to ${at} failed: ${message}`, target.id);
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
