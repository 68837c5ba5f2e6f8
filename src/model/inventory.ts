/**
 * The inventory file: per host id, how to reach it. Written by `ldoms lab up`, read by the
 * engine (`--inventory FILE`), overriding what the constructs say, so one synthesized stack
 * runs against the lab or against production.
 *
 * `{ "hosts": { "<host-id>": { "address", "port", "user", "hostKey", "identityFile" } } }`
 * Guests are listed in `hosts` the same way, under the id `guest/<domain>`: a guest keeps its own
 * address when it migrates, so its id does not name a control domain.
 */

/** How to reach one host over SSH. */
export interface InventoryEntry {
  /**
   * Host name or IP address.
   * @minLength 1
   * @title a host name or IP address
   * @fix write the name or address ssh connects to, e.g. "t7-a.example.com" or "127.0.0.1"
   */
  readonly address: string;
  /**
   * SSH port.
   * @asType integer
   * @minimum 1
   * @maximum 65535
   */
  readonly port: number;
  /**
   * SSH user.
   * @minLength 1
   * @title a user name
   * @fix write the user ssh logs in as, e.g. "ldmops"
   */
  readonly user: string;
  /**
   * `SHA256:<base64>` fingerprint of the host key.
   * @pattern ^SHA256:[A-Za-z0-9+/]{43}=?$
   * @title a SHA256 host key fingerprint
   * @fix write "SHA256:" and 43 base64 characters, as ssh-keygen -lf prints
   */
  readonly hostKey?: string;
  /** @minLength 1 */
  readonly knownHostsFile?: string;
  /** @minLength 1 */
  readonly identityFile?: string;
  readonly pfexec?: boolean;
  /** @minLength 1 */
  readonly ldmPath?: string;
}

/**
 * An inventory file (`--inventory FILE`, written by `ldoms lab up --inventory-out`): per host id,
 * how to reach it. `schema/ldoms-inventory.schema.json` is generated from this type.
 * @fix an inventory is { "hosts": { "<host-id>": { "address", "port", "user", ... } } }
 */
export interface InventoryFile {
  /**
   * Per host id (a control domain's id, or `guest/<domain>`), how to reach it.
   * @title an object keyed by host id
   * @fix key each entry by host id: { "<host-id>": { "address", "port", "user" } }
   */
  readonly hosts: Readonly<Record<string, InventoryEntry>>;
}

export interface Inventory extends InventoryFile {
  /** Where it was read from (the file), for messages. Absent when built in code. */
  readonly source?: string;
}

/** Inventory id of a guest domain's own SSH endpoint. */
export function guestInventoryId(domain: string): string {
  return `guest/${domain}`;
}
