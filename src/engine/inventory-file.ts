/**
 * `--inventory FILE`: per host id, how to reach it, overriding what the constructs said, so one
 * synthesized stack runs against the lab or production. Validated with messages that name the
 * path in the file and the fix.
 */
import { readFileSync } from "node:fs";
import { INVENTORY_ENTRY_KEYS, ValidationError, type HostConnection, type HostPlan, type Inventory, type InventoryEntry, type PlanDocument } from "../model";
import type { EngineHost } from "./plan-run";

/** Edit distance of two words, case ignored (a `hostkey` is one step from `hostKey`, not two). */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) {
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[y.length]!;
}

/** The known word closest to `word`, when it is close enough to be a typo. */
function closest(word: string, known: readonly string[]): string | undefined {
  let best: { word: string; d: number } | undefined;
  for (const k of known) {
    const d = distance(word, k);
    if (!best || d < best.d) best = { word: k, d };
  }
  return best && best.d <= Math.max(1, Math.floor(best.word.length / 3)) ? best.word : undefined;
}

function unknownKey(at: string, key: string, known: readonly string[]): string {
  const near = closest(key, known);
  return `${at}: unknown key ${JSON.stringify(key)}${near ? `; did you mean ${JSON.stringify(near)}?` : ""} (known keys: ${known.join(", ")})`;
}

export function parseInventory(json: unknown, source: string): Inventory {
  const problems: string[] = [];
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new ValidationError(`${source}: an inventory is a JSON object { "hosts": { "<host-id>": { "address", "port", "user", ... } } }`);
  }
  for (const key of Object.keys(json)) {
    if (key !== "hosts") problems.push(unknownKey(source, key, ["hosts"]));
  }
  const hosts = (json as { hosts?: unknown }).hosts;
  if (typeof hosts !== "object" || hosts === null || Array.isArray(hosts)) {
    throw new ValidationError(`${source}: "hosts" must be an object keyed by host id`, problems);
  }
  const out: Record<string, InventoryEntry> = {};
  for (const [id, raw] of Object.entries(hosts as Record<string, unknown>)) {
    const at = `${source}: hosts.${id}`;
    if (typeof raw !== "object" || raw === null) {
      problems.push(`${at} must be an object with address, port and user`);
      continue;
    }
    const e = raw as Record<string, unknown>;
    for (const key of Object.keys(e)) {
      if (!(INVENTORY_ENTRY_KEYS as readonly string[]).includes(key)) problems.push(unknownKey(at, key, INVENTORY_ENTRY_KEYS));
    }
    if (typeof e.address !== "string" || e.address === "") problems.push(`${at}.address must be a host name or IP address (got ${JSON.stringify(e.address)})`);
    if (typeof e.port !== "number" || !Number.isInteger(e.port) || e.port < 1 || e.port > 65535) problems.push(`${at}.port must be an integer 1-65535 (got ${JSON.stringify(e.port)})`);
    if (typeof e.user !== "string" || e.user === "") problems.push(`${at}.user must be a user name (got ${JSON.stringify(e.user)})`);
    if (e.hostKey !== undefined && (typeof e.hostKey !== "string" || !/^SHA256:[A-Za-z0-9+/]{43}=?$/.test(e.hostKey))) {
      problems.push(`${at}.hostKey must be a SHA256 fingerprint like "SHA256:" + 43 base64 characters, as ssh-keygen -lf prints (got ${JSON.stringify(e.hostKey)})`);
    }
    for (const key of ["knownHostsFile", "identityFile", "ldmPath"] as const) {
      if (e[key] !== undefined && (typeof e[key] !== "string" || e[key] === "")) problems.push(`${at}.${key} must be a non-empty string`);
    }
    if (e.pfexec !== undefined && typeof e.pfexec !== "boolean") problems.push(`${at}.pfexec must be true or false`);
    out[id] = e as unknown as InventoryEntry;
  }
  if (problems.length) throw new ValidationError(`invalid inventory ${source}`, problems);
  return { hosts: out, source };
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
