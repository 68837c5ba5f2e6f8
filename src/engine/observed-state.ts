/**
 * The engine's view of one control domain, built from one batched read. Only what plans and
 * preconditions need is kept (devices, domains, vnets, virtual switches); volatile values such as
 * uptime or utilisation are left out so the fingerprint changes only when configuration does.
 */
import { createHash } from "node:crypto";

export interface ObservedBus {
  /** Bus name (`pci_0`). */
  readonly bus: string;
  /** Pseudonym of the bus row (`/SYS/...` or the bus name on older platforms). */
  readonly alias: string;
  readonly domain?: string;
  /** I/O virtualization enabled (`IOV` status). */
  readonly iov: boolean;
}

export interface ObservedPf {
  readonly alias: string;
  readonly bus?: string;
  readonly domain?: string;
  /** `NETWORK`, `FIBRECHANNEL`, `INFINIBAND` when listed. */
  readonly class?: string;
  readonly status?: string;
  /** Most VFs the PF supports, when the listing shows it. */
  readonly maxVfs?: number;
}

export interface ObservedVf {
  readonly alias: string;
  /** Pseudonym of the PF the VF belongs to. */
  readonly pf: string;
  /** User-assigned name; absent when unnamed. */
  readonly name?: string;
  /** Domain the VF is assigned to; absent when unassigned. */
  readonly domain?: string;
  readonly class?: string;
  /** `INV` while the root domain re-probes after create/destroy. */
  readonly status?: string;
  /** Network properties as `ldm` prints them (`pvid`, `vid`, `mtu`, `mac-addr`, `alt-mac-addrs`). */
  readonly properties: Readonly<Record<string, string>>;
}

export interface ObservedVnet {
  readonly ifName: string;
  /** Virtual switch name (the `service=` value without `@domain`). */
  readonly vswitch: string;
  readonly properties: Readonly<Record<string, string>>;
}

export interface ObservedDomain {
  readonly name: string;
  /** `active`, `bound`, `inactive`. */
  readonly state: string;
  readonly vnets: readonly ObservedVnet[];
  /** vCPUs (`ncpu=` of its DOMAIN record), when listed. Not part of the fingerprint. */
  readonly ncpu?: number;
  /** Memory in bytes (`mem=`), when listed. Not part of the fingerprint. */
  readonly memoryBytes?: number;
}

export interface ObservedHost {
  readonly buses: readonly ObservedBus[];
  readonly pfs: readonly ObservedPf[];
  readonly vfs: readonly ObservedVf[];
  readonly domains: readonly ObservedDomain[];
  readonly vswitches: readonly string[];
}

/** Sorted, plain copy: the form saved with a plan and hashed into its fingerprint. */
export function canonicalObservedHost(host: ObservedHost): ObservedHost {
  const byKey = <T>(key: (t: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
  const sortedRecord = (r: Readonly<Record<string, string>>) =>
    Object.fromEntries(Object.keys(r).sort().map((k) => [k, r[k] as string]));
  const clean = <T extends object>(o: T): T =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== "")) as T;
  return {
    buses: [...host.buses].map((b) => clean({ ...b })).sort(byKey((b) => b.alias)),
    pfs: [...host.pfs].map((p) => clean({ ...p })).sort(byKey((p) => p.alias)),
    vfs: [...host.vfs]
      .map((v) => clean({ ...v, properties: sortedRecord(v.properties) }))
      .sort(byKey((v) => v.alias)),
    domains: [...host.domains]
      .map((d) => ({
        name: d.name,
        state: d.state,
        vnets: [...d.vnets]
          .map((n) => ({ ifName: n.ifName, vswitch: n.vswitch, properties: sortedRecord(n.properties) }))
          .sort(byKey((n) => n.ifName)),
      }))
      .sort(byKey((d) => d.name)),
    vswitches: [...host.vswitches].sort(),
  };
}

/** `sha256:<hex>` over the canonical JSON of the observed host. */
export function fingerprintObservedHost(host: ObservedHost): string {
  const hash = createHash("sha256").update(JSON.stringify(canonicalObservedHost(host))).digest("hex");
  return `sha256:${hash}`;
}

/** Human lines naming what differs between two observations of one host (for stale plans). */
export function describeObservedChanges(before: ObservedHost, after: ObservedHost): string[] {
  const a = canonicalObservedHost(before);
  const b = canonicalObservedHost(after);
  const changes: string[] = [];
  const compare = <T>(what: string, left: readonly T[], right: readonly T[], key: (t: T) => string) => {
    const l = new Map(left.map((t) => [key(t), JSON.stringify(t)]));
    const r = new Map(right.map((t) => [key(t), JSON.stringify(t)]));
    for (const [k, v] of l) {
      if (!r.has(k)) changes.push(`${what} ${k} is gone`);
      else if (r.get(k) !== v) changes.push(`${what} ${k} changed: ${describeObjectChange(JSON.parse(v), JSON.parse(r.get(k) as string))}`);
    }
    for (const k of r.keys()) if (!l.has(k)) changes.push(`${what} ${k} appeared`);
  };
  compare("bus", a.buses, b.buses, (x) => x.alias);
  compare("PF", a.pfs, b.pfs, (x) => x.alias);
  compare("VF", a.vfs, b.vfs, (x) => x.alias);
  compare("domain", a.domains, b.domains, (x) => x.name);
  compare("virtual switch", a.vswitches.map((name) => ({ name })), b.vswitches.map((name) => ({ name })), (x) => x.name);
  return changes;
}

function describeObjectChange(before: Record<string, unknown>, after: Record<string, unknown>, prefix = ""): string {
  const parts: string[] = [];
  for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    const x = before[key];
    const y = after[key];
    if (JSON.stringify(x) === JSON.stringify(y)) continue;
    if (x && y && typeof x === "object" && typeof y === "object" && !Array.isArray(x) && !Array.isArray(y)) {
      parts.push(describeObjectChange(x as Record<string, unknown>, y as Record<string, unknown>, `${prefix}${key}.`));
    } else if (Array.isArray(x) || Array.isArray(y)) {
      parts.push(`${prefix}${key} differ`);
    } else {
      parts.push(`${prefix}${key} ${x === undefined ? "(none)" : JSON.stringify(x)} -> ${y === undefined ? "(none)" : JSON.stringify(y)}`);
    }
  }
  return parts.join(", ");
}

export function findVfByName(host: ObservedHost, name: string): ObservedVf | undefined {
  return host.vfs.find((vf) => vf.name === name);
}

export function findVfByAlias(host: ObservedHost, alias: string): ObservedVf | undefined {
  return host.vfs.find((vf) => vf.alias === alias);
}

export function findDomain(host: ObservedHost, name: string): ObservedDomain | undefined {
  return host.domains.find((d) => d.name === name);
}
