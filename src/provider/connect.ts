/**
 * How the provider reaches a control domain: ssh2 with the host key pinned by the plan document
 * or the inventory (fingerprint or known_hosts), as `ldoms plan` does. No trust on first use: a
 * Terraform run has no one to tell the learned key to.
 */
import { sshConnectHost, type ConnectHost } from "../engine";

export function sshConnect(): ConnectHost {
  return sshConnectHost();
}
