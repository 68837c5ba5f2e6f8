/**
 * How the engine reaches a host over ssh2: the host key pinned by the plan document or the
 * inventory (fingerprint or known_hosts), the key file, the limits. The CLI and the Terraform
 * provider connect the same way; only their options differ.
 */
import { SshExecutor, type HostKeyLearned } from "../transport";
import type { ConnectHost, HostTarget } from "./host-session";

export interface SshConnectOptions {
  /** Accept an unknown host key once (the CLI tells the user what to pin). */
  readonly trustOnFirstUse?: boolean;
  readonly connectTimeoutMs?: number;
  readonly maxOutputBytes?: number;
  readonly onHostKeyLearned?: (target: HostTarget, learned: HostKeyLearned) => void;
}

export function sshConnectHost(options: SshConnectOptions = {}): ConnectHost {
  return (target: HostTarget) => {
    const c = target.connection;
    const learned = options.onHostKeyLearned;
    return new SshExecutor({
      host: c.address,
      port: c.port,
      user: c.user,
      label: target.id,
      hostKey: {
        ...(c.hostKey ? { fingerprints: [c.hostKey] } : {}),
        ...(c.knownHostsFile ? { knownHostsFile: c.knownHostsFile } : {}),
        ...(options.trustOnFirstUse ? { trustOnFirstUse: true } : {}),
      },
      ...(c.identityFile ? { identityFile: c.identityFile } : {}),
      ...(options.connectTimeoutMs ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
      // Command time limits are the engine's, per exec kind (engine/timeouts.ts).
      ...(options.maxOutputBytes ? { maxOutputBytes: options.maxOutputBytes } : {}),
      ...(learned ? { onHostKeyLearned: (key: HostKeyLearned) => learned(target, key) } : {}),
    });
  };
}
