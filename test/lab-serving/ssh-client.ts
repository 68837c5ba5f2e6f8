import type { InventoryEntry } from "../../src/model";
import { runProcess } from "../support/run-process";

export interface SshRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the system OpenSSH client asynchronously (the lab's ssh2 server lives in this process,
 * so a synchronous spawn would starve it), pinning the host key with StrictHostKeyChecking.
 */
export function systemSsh(
  entry: InventoryEntry,
  knownHostsFile: string,
  command: string | null,
  extra: readonly string[] = [],
): Promise<SshRun> {
  const args = [
    "-o", "BatchMode=yes",
    "-o", "StrictHostKeyChecking=yes",
    "-o", `UserKnownHostsFile=${knownHostsFile}`,
    "-o", "GlobalKnownHostsFile=/dev/null",
    "-o", "LogLevel=ERROR",
    "-o", "IdentitiesOnly=yes",
    "-i", entry.identityFile ?? "",
    "-p", String(entry.port),
    ...extra,
    `${entry.user}@${entry.address}`,
    ...(command === null ? [] : [command]),
  ];
  return runProcess("ssh", args);
}
