/**
 * The inventory file: per host id, how to reach it. Written by `ldoms lab up`, read by the
 * engine (`--inventory FILE`), overriding what the constructs say, so one synthesized stack
 * runs against the lab or against production.
 *
 * `{ "hosts": { "<host-id>": { "address", "port", "user", "hostKey", "identityFile" } } }`
 * Guests are listed in `hosts` the same way, under the id `guest/<domain>`: a guest keeps its own
 * address when it migrates, so its id does not name a control domain.
 */
export interface InventoryEntry {
  readonly address: string;
  readonly port: number;
  readonly user: string;
  /** `SHA256:<base64>` fingerprint of the host key. */
  readonly hostKey?: string;
  readonly knownHostsFile?: string;
  readonly identityFile?: string;
  readonly pfexec?: boolean;
  readonly ldmPath?: string;
}

export interface Inventory {
  readonly hosts: Readonly<Record<string, InventoryEntry>>;
  /** Where it was read from (the file), for messages. Absent when built in code. */
  readonly source?: string;
}

/** The keys an inventory entry may have; any other key is refused (a misspelled `hostkey` would pin nothing). */
export const INVENTORY_ENTRY_KEYS: readonly (keyof InventoryEntry)[] = ["address", "port", "user", "hostKey", "knownHostsFile", "identityFile", "pfexec", "ldmPath"];

/** Inventory id of a guest domain's own SSH endpoint. */
export function guestInventoryId(domain: string): string {
  return `guest/${domain}`;
}
