/**
 * How the provider reaches a control domain: ssh2 with the host key pinned by the plan document
 * or the inventory (fingerprint or known_hosts), as `ldoms plan` does. No trust on first use: a
 * Terraform run has no one to tell the learned key to.
 */
import type { ConnectHost, HostTarget } from "../engine";
import { SshExecutor } from "../transport";

export function sshConnect(): ConnectHost {
  return (target: HostTarget) => {
    const c = target.connection;
    return new SshExecutor({
      host: c.address,
      port: c.port,
      user: c.user,
      label: target.id,
      hostKey: {
        ...(c.hostKey ? { fingerprints: [c.hostKey] } : {}),
        ...(c.knownHostsFile ? { knownHostsFile: c.knownHostsFile } : {}),
      },
      ...(c.identityFile ? { identityFile: c.identityFile } : {}),
    });
  };
}
