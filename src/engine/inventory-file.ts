/**
 * `--inventory FILE`: per host id, how to reach it, overriding what the constructs said, so one
 * synthesized stack runs against the lab or production. Validated with messages that name the
 * path in the file and the fix.
 */
import { readFileSync } from "node:fs";
import { checkAgainstSchema, prepareSchemaCheck, ValidationError, type HostConnection, type HostPlan, type Inventory, type InventoryFile, type PlanDocument } from "../model";
import type { EngineHost } from "./plan-run";

/**
 * Validates a parsed inventory against `schema/ldoms-inventory.schema.json` (generated from
 * `InventoryFile`); every problem names the file and the JSON path.
 */
const INVENTORY_SCHEMA = "ldoms-inventory.schema.json";

/** Compiles the inventory's schema check ahead of the first inventory (a served provider, while Terraform starts). */
export function prepareInventoryCheck(): void {
  prepareSchemaCheck(INVENTORY_SCHEMA);
}

export function parseInventory(json: unknown, source: string): Inventory {
  const checked = checkAgainstSchema<InventoryFile>(INVENTORY_SCHEMA, json);
  if (!checked.ok) throw new ValidationError(`invalid inventory ${source}`, checked.problems.map((p) => `${source}: ${p}`));
  return { hosts: checked.value.hosts, source };
}

export function loadInventoryFile(path: string): Inventory {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ValidationError(`cannot read inventory ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}; check the --inventory path (ldoms lab up writes one with --inventory-out)`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`inventory ${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseInventory(json, path);
}

/** The plan's connection with the inventory's entry (if any) laid over it. */
export function connectionFor(host: HostPlan, inventory?: Inventory): HostConnection {
  const entry = inventory?.hosts[host.id];
  if (!entry) return host.connection;
  const pinsKey = entry.hostKey !== undefined || entry.knownHostsFile !== undefined;
  const { hostKey: _hk, knownHostsFile: _kh, identityFile: _id, ...base } = host.connection;
  return {
    ...base,
    ...(pinsKey ? {} : { ...(host.connection.hostKey ? { hostKey: host.connection.hostKey } : {}), ...(host.connection.knownHostsFile ? { knownHostsFile: host.connection.knownHostsFile } : {}) }),
    ...(entry.identityFile === undefined && host.connection.identityFile ? { identityFile: host.connection.identityFile } : {}),
    address: entry.address,
    port: entry.port,
    user: entry.user,
    ...(entry.hostKey !== undefined ? { hostKey: entry.hostKey } : {}),
    ...(entry.knownHostsFile !== undefined ? { knownHostsFile: entry.knownHostsFile } : {}),
    ...(entry.identityFile !== undefined ? { identityFile: entry.identityFile } : {}),
    ...(entry.pfexec !== undefined ? { pfexec: entry.pfexec } : {}),
    ...(entry.ldmPath !== undefined ? { ldmPath: entry.ldmPath } : {}),
  };
}

/**
 * Why hosts of a run cannot be reached through the inventory given: it has no entry for them.
 * Reaching them at the constructs' addresses instead would be the wrong machine (a lab inventory
 * against production addresses) or end in a host-key mismatch; the inventory is fixed instead.
 */
export function missingFromInventory(hostIds: readonly string[], inventory: Inventory | undefined): string | undefined {
  if (!inventory) return undefined;
  const missing = hostIds.filter((id) => !Object.prototype.hasOwnProperty.call(inventory.hosts, id));
  if (!missing.length) return undefined;
  const file = inventory.source ?? "the inventory";
  const has = Object.keys(inventory.hosts);
  return (
    `${missing.length === 1 ? "host" : "hosts"} ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not in ${file}, which has ${has.length ? has.join(", ") : "no hosts"}; ` +
    `add ${missing.map((id) => JSON.stringify(id)).join(", ")} under "hosts" (address, port, user), or drop --inventory (and $LDOMS_INVENTORY) to use the addresses of the constructs`
  );
}

/** Hosts of the document to work on (all, or those named), with their connections; each must be in a given inventory. */
export function engineHosts(document: PlanDocument, options: { inventory?: Inventory; hostIds?: readonly string[] } = {}): EngineHost[] {
  const wanted = options.hostIds?.length ? options.hostIds : undefined;
  if (wanted) {
    const unknown = wanted.filter((id) => !document.hosts.some((h) => h.id === id));
    if (unknown.length) {
      throw new ValidationError(`--host ${unknown.join(", ")}: no such host in stack ${document.stack}; hosts: ${document.hosts.map((h) => h.id).join(", ") || "(none)"}`);
    }
  }
  const selected = document.hosts.filter((h) => !wanted || wanted.includes(h.id));
  const missing = missingFromInventory(selected.map((h) => h.id), options.inventory);
  if (missing) throw new ValidationError(missing);
  return selected.map((plan) => ({ plan, target: { id: plan.id, connection: connectionFor(plan, options.inventory) } }));
}

/**
 * Every host of the document that can be reached (a host outside the run may be read to decide
 * about a migration), and why the others cannot: not in the inventory given.
 */
export function documentHosts(document: PlanDocument, inventory?: Inventory): { hosts: EngineHost[]; unreachable: Map<string, string> } {
  const unreachable = new Map<string, string>();
  const hosts: EngineHost[] = [];
  for (const plan of document.hosts) {
    const missing = missingFromInventory([plan.id], inventory);
    if (missing) unreachable.set(plan.id, missing);
    else hosts.push({ plan, target: { id: plan.id, connection: connectionFor(plan, inventory) } });
  }
  return { hosts, unreachable };
}
