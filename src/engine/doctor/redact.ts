/**
 * `ldoms doctor --redact`: replaces host names, IP addresses, MAC addresses, WWNs, UUIDs, serial
 * numbers and domain names in every captured file and the manifest, so a capture can be shared.
 * One Redactor serves one bundle: the same value always becomes the same placeholder (`host-1`,
 * `domain-1`, `02:00:00:00:00:01`, `192.0.2.1`, ...), so the listings still agree with each
 * other and still parse. The control domain keeps its name (`primary`: every control domain has
 * it, and the engine looks for it); keys (`name=`, `mac-addr=`) are never touched.
 */
import { CONTROL_DOMAIN_NAME } from "../../ldm/assumptions";
import type { CapturedCommand } from "./runner";

type Kind = "host" | "domain" | "mac" | "wwn" | "uuid" | "ipv4" | "ipv6" | "serial";

const UUID = String.raw`(?<uuid>(?<![0-9A-Fa-f-])[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}(?![0-9A-Fa-f-]))`;
const WWN = String.raw`(?<wwn>(?<![0-9A-Fa-f:])[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){7}(?![0-9A-Fa-f:]))`;
const MAC = String.raw`(?<mac>(?<![0-9A-Fa-f:])[0-9A-Fa-f]{1,2}(?::[0-9A-Fa-f]{1,2}){5}(?![0-9A-Fa-f:]))`;
const IPV6 = String.raw`(?<ipv6>(?<![0-9A-Fa-f:])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![0-9A-Fa-f:]))`;
// Not after `v ` or `v. `: version numbers such as `(v 3.5.0.0)` look like addresses.
const IPV4 = String.raw`(?<ipv4>(?<![\d.]|v |v\. )\d{1,3}(?:\.\d{1,3}){3}(?![\d.]))`;
const SERIAL = String.raw`(?<serialKey>(?:[Ss]erial(?:[-_ ]?(?:[Nn]umber|[Nn]o|#))?|hostid)\s*[=:]\s*)(?<serial>[A-Za-z0-9-]+)`;

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export interface RedactionNames {
  readonly hosts: readonly string[];
  readonly domains: readonly string[];
}

export class Redactor {
  private readonly seen = new Map<Kind, Map<string, string>>();
  private readonly pattern: RegExp;
  private readonly hostNames: ReadonlySet<string>;

  constructor(names: RedactionNames) {
    this.hostNames = new Set(names.hosts);
    const words = [...new Set([...names.hosts, ...names.domains])].filter((n) => n !== "" && n !== CONTROL_DOMAIN_NAME).sort((a, b) => b.length - a.length);
    // A name is replaced where it stands alone or starts/ends a word joined by `-` (ldg1-disk0),
    // never where it is (part of) a key before `=`.
    const name = words.length ? String.raw`|(?<name>(?<![A-Za-z0-9_.])(?:${words.map(escape).join("|")})(?![A-Za-z0-9_]|[A-Za-z0-9_.-]*=))` : "";
    this.pattern = new RegExp(`${UUID}|${WWN}|${MAC}|${IPV6}|${IPV4}|${SERIAL}${name}`, "g");
  }

  /** The text with every sensitive value replaced by its placeholder. */
  text(input: string): string {
    return input.replace(this.pattern, (match: string, ...rest: unknown[]) => {
      const groups = rest[rest.length - 1] as Record<string, string | undefined>;
      if (groups.uuid) return this.placeholder("uuid", groups.uuid.toLowerCase());
      if (groups.wwn) return this.placeholder("wwn", groups.wwn.toLowerCase());
      if (groups.mac) return this.placeholder("mac", normalMac(groups.mac));
      if (groups.ipv6) return groups.ipv6.includes("::") || groups.ipv6.split(":").length === 8 ? this.placeholder("ipv6", groups.ipv6.toLowerCase()) : match;
      if (groups.ipv4) return this.placeholder("ipv4", groups.ipv4);
      if (groups.serial !== undefined) return `${groups.serialKey ?? ""}${this.placeholder("serial", groups.serial)}`;
      if (groups.name) return this.placeholder(this.hostNames.has(groups.name) ? "host" : "domain", groups.name);
      return match;
    });
  }

  /** The placeholder of a value of a kind (the same value, the same placeholder). */
  placeholder(kind: Kind, value: string): string {
    let map = this.seen.get(kind);
    if (!map) this.seen.set(kind, (map = new Map()));
    const known = map.get(value);
    if (known !== undefined) return known;
    const made = format(kind, map.size + 1);
    map.set(value, made);
    return made;
  }

  /** How many distinct values of each kind were replaced. */
  counts(): Record<string, number> {
    return Object.fromEntries([...this.seen].map(([kind, map]) => [kind, map.size]));
  }
}

function normalMac(mac: string): string {
  return mac.split(":").map((octet) => octet.toLowerCase().padStart(2, "0")).join(":");
}

function hex2(n: number): string {
  return (n & 0xff).toString(16).padStart(2, "0");
}

function format(kind: Kind, n: number): string {
  switch (kind) {
    case "host":
      return `host-${n}`;
    case "domain":
      return `domain-${n}`;
    case "mac":
      return `02:00:00:${hex2(n >> 16)}:${hex2(n >> 8)}:${hex2(n)}`;
    case "wwn":
      return `20:00:00:00:00:${hex2(n >> 16)}:${hex2(n >> 8)}:${hex2(n)}`;
    case "uuid":
      return `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
    case "ipv4":
      return `192.0.2.${n}`;
    case "ipv6":
      return `2001:db8::${n.toString(16)}`;
    case "serial":
      return `serial-${n}`;
  }
}

/** Domain names a capture shows (DOMAIN records, `domain=`/`ldom=` keys, `peer=x@domain`). */
export function domainNamesIn(captures: readonly CapturedCommand[]): string[] {
  const names = new Set<string>();
  const patterns = [/^DOMAIN\|(?:[^|\n]*\|)*?name=([^|\n]+)/gm, /\|(?:domain|ldom)=([^|\n]+)/g, /\|peer=[^|@\n]+@([^|\n]+)/g, /\|service=[^|@\n]+@([^|\n]+)/g];
  for (const capture of captures) {
    if (capture.scope !== "host") continue;
    for (const pattern of patterns) for (const m of capture.stdout.matchAll(pattern)) names.add(m[1]!.trim());
  }
  names.delete("");
  return [...names].sort();
}

/** Host names a capture shows besides the ones the caller knows (`source=`/`target=` of a migration). */
export function hostNamesIn(captures: readonly CapturedCommand[]): string[] {
  const names = new Set<string>();
  for (const capture of captures) for (const m of capture.stdout.matchAll(/\|(?:source|target)=([^|\n]+)/g)) names.add(m[1]!.trim());
  names.delete("");
  return [...names].sort();
}
