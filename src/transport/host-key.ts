import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/**
 * Host key pinning: by OpenSSH `SHA256:` fingerprint and/or a known_hosts file (plain entries,
 * hashed `|1|salt|hash` entries, `[host]:port` for non-22 ports, comma lists, `*`/`?` wildcards,
 * `!` negation; `@revoked` refuses a key; `@cert-authority` lines are ignored since certificates
 * are not used here).
 */
export interface HostKeyPolicy {
  /** Accepted fingerprint(s), `SHA256:<base64 without padding>` as `ssh-keygen -lf` prints. */
  readonly fingerprints?: readonly string[];
  /** known_hosts file to look the host up in. */
  readonly knownHostsFile?: string;
  /**
   * Accept the key of a host that nothing pins yet (trust on first use) and report the learned
   * fingerprint. A host whose pinned key differs is still refused. Default false.
   */
  readonly trustOnFirstUse?: boolean;
}

/** OpenSSH fingerprint of a raw public key blob (as sent in the SSH handshake). */
export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash("sha256").update(keyBlob).digest("base64").replace(/=+$/, "")}`;
}

/** Key type name stored at the start of a public key blob (`ssh-ed25519`, `ssh-rsa`, ...). */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return "unknown";
  const length = keyBlob.readUInt32BE(0);
  return length > 0 && length < 64 && keyBlob.length >= 4 + length ? keyBlob.subarray(4, 4 + length).toString("latin1") : "unknown";
}

export interface KnownHostEntry {
  readonly marker?: "revoked" | "cert-authority";
  readonly keyType: string;
  readonly key: Buffer;
  /** 1-based line in the file, for messages. */
  readonly line: number;
  matches(hostname: string): boolean;
}

/** Name under which OpenSSH records a host: `host` on port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const parts = line.split(/\s+/);
    let marker: KnownHostEntry["marker"];
    if (parts[0] === "@revoked" || parts[0] === "@cert-authority") marker = parts.shift()!.slice(1) as KnownHostEntry["marker"];
    const [hosts, keyType, keyBase64] = parts;
    if (hosts === undefined || keyType === undefined || keyBase64 === undefined) return; // malformed lines are skipped, as ssh does
    const key = Buffer.from(keyBase64, "base64");
    if (key.length === 0) return;
    entries.push({ ...(marker ? { marker } : {}), keyType, key, line: index + 1, matches: hostMatcher(hosts) });
  });
  return entries;
}

function hostMatcher(field: string): (hostname: string) => boolean {
  if (field.startsWith("|1|")) {
    const [, , saltB64, hashB64] = field.split("|");
    const salt = Buffer.from(saltB64 ?? "", "base64");
    const expected = Buffer.from(hashB64 ?? "", "base64");
    return (hostname) => {
      const actual = createHmac("sha1", salt).update(hostname).digest();
      return actual.length === expected.length && timingSafeEqual(actual, expected);
    };
  }
  const patterns = field.split(",").filter((p) => p !== "");
  return (hostname) => {
    let matched = false;
    for (const pattern of patterns) {
      const negated = pattern.startsWith("!");
      if (!globToRegExp(negated ? pattern.slice(1) : pattern).test(hostname)) continue;
      if (negated) return false;
      matched = true;
    }
    return matched;
  };
}

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${body}$`, "i");
}

export type HostKeyVerdict =
  | { readonly ok: true; readonly learned: boolean; readonly fingerprint: string }
  | { readonly ok: false; readonly kind: "host-key-unknown" | "host-key-changed"; readonly fingerprint: string; readonly expected: readonly string[]; readonly reason: string };

/**
 * Decides whether `keyBlob` is the right key for `host:port` under `policy`.
 * Changed = something pins this host and the presented key is not among the pinned ones
 * (or is `@revoked`). Unknown = nothing pins it; accepted only with `trustOnFirstUse`.
 * `knownHostsMissing`: the policy's known_hosts file does not exist (said so in the reason).
 */
export function verifyHostKey(policy: HostKeyPolicy, host: string, port: number, keyBlob: Buffer, knownHosts?: readonly KnownHostEntry[], knownHostsMissing = false): HostKeyVerdict {
  const fingerprint = fingerprintOf(keyBlob);
  const pinnedFingerprints = (policy.fingerprints ?? []).map(normalizeFingerprint);
  const name = knownHostsName(host, port);
  const fileEntries = (knownHosts ?? []).filter((entry) => entry.marker !== "cert-authority" && entry.matches(name));
  const revoked = fileEntries.find((entry) => entry.marker === "revoked" && entry.key.equals(keyBlob));
  const pinnedKeys = fileEntries.filter((entry) => entry.marker === undefined);
  const expected = [...pinnedFingerprints, ...pinnedKeys.map((entry) => fingerprintOf(entry.key))];
  if (revoked) {
    return { ok: false, kind: "host-key-changed", fingerprint, expected, reason: `the presented key is marked @revoked in ${policy.knownHostsFile} line ${revoked.line}` };
  }
  if (pinnedFingerprints.includes(fingerprint) || pinnedKeys.some((entry) => entry.key.equals(keyBlob))) return { ok: true, learned: false, fingerprint };
  if (expected.length > 0) {
    return { ok: false, kind: "host-key-changed", fingerprint, expected, reason: "the presented key is not the pinned one" };
  }
  if (policy.trustOnFirstUse) return { ok: true, learned: true, fingerprint };
  const file = policy.knownHostsFile;
  const inFile = file === undefined ? "no known_hosts file is configured" : knownHostsMissing ? `the known_hosts file ${file} does not exist` : `${file} has no entry for ${name}`;
  return { ok: false, kind: "host-key-unknown", fingerprint, expected, reason: `no fingerprint is configured and ${inFile}` };
}

/** Accepts `SHA256:abc`, `sha256:abc` and a trailing `=` padding; returns `SHA256:abc`. */
export function normalizeFingerprint(value: string): string {
  const trimmed = value.trim();
  const match = /^sha256:(.+)$/i.exec(trimmed);
  return `SHA256:${(match ? match[1]! : trimmed).replace(/=+$/, "")}`;
}

/** Host key algorithms to prefer so the server presents a key type known_hosts holds (as OpenSSH does). */
export function preferredHostKeyAlgorithms(entries: readonly KnownHostEntry[], host: string, port: number): string[] {
  const name = knownHostsName(host, port);
  const types = new Set<string>();
  for (const entry of entries) {
    if (entry.marker !== undefined || !entry.matches(name)) continue;
    if (entry.keyType === "ssh-rsa") ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"].forEach((t) => types.add(t));
    else types.add(entry.keyType);
  }
  return [...types];
}
