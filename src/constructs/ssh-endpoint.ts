import type { GuestAccess } from "../model";
import { checkAddress, checkFilePath, checkHostKey, checkPort, checkUser, invalid } from "./validation";

/** SSH endpoint props shared by control domains and guest access. */
export interface SshEndpointProps {
  readonly address: string;
  readonly port?: number;
  readonly user?: string;
  readonly hostKey?: string;
  readonly knownHostsFile?: string;
  readonly identityFile?: string;
}

/**
 * Validates an SSH endpoint and fills its defaults (port 22, user root). `prefix` names where
 * the props sit in the construct's props (e.g. `access.`), so messages point at the right key.
 */
export function checkSshEndpoint(path: string, props: SshEndpointProps, prefix = ""): GuestAccess {
  if (props.hostKey !== undefined && props.knownHostsFile !== undefined) {
    invalid(path, `${prefix}knownHostsFile`, props.knownHostsFile, `is given together with ${prefix}hostKey`,
      `pin the host key one way: remove ${prefix}hostKey or ${prefix}knownHostsFile`);
  }
  return {
    address: checkAddress(path, `${prefix}address`, props.address),
    port: props.port === undefined ? 22 : checkPort(path, `${prefix}port`, props.port),
    user: props.user === undefined ? "root" : checkUser(path, `${prefix}user`, props.user),
    ...(props.hostKey !== undefined ? { hostKey: checkHostKey(path, `${prefix}hostKey`, props.hostKey) } : {}),
    ...(props.knownHostsFile !== undefined ? { knownHostsFile: checkFilePath(path, `${prefix}knownHostsFile`, props.knownHostsFile) } : {}),
    ...(props.identityFile !== undefined ? { identityFile: checkFilePath(path, `${prefix}identityFile`, props.identityFile) } : {}),
  };
}
