import { describe, expect, it } from "vitest";
import { createHmac, randomBytes } from "node:crypto";
import { utils } from "ssh2";
import { generateEd25519 } from "../../src/lab-serving/ssh-server/keys";
import { fingerprintOf, keyTypeOf, knownHostsName, normalizeFingerprint, parseKnownHosts, preferredHostKeyAlgorithms, verifyHostKey } from "../../src/transport/host-key";

/** A fresh ed25519 public key; drawn again when ssh2 writes one its own parser rejects (about 1 in 200). */
function publicKey(): { blob: Buffer; line: string } {
  const pair = generateEd25519();
  const parsed = utils.parseKey(pair.publicKey);
  if (parsed instanceof Error) throw parsed;
  const blob = parsed.getPublicSSH();
  return { blob, line: `ssh-ed25519 ${blob.toString("base64")}` };
}

const a = publicKey();
const b = publicKey();

describe("known_hosts matching", () => {
  it("names hosts as OpenSSH does", () => {
    expect(knownHostsName("t7-a.example.net", 22)).toBe("t7-a.example.net");
    expect(knownHostsName("127.0.0.1", 2222)).toBe("[127.0.0.1]:2222");
  });

  it("matches plain, comma-listed, wildcard and negated patterns", () => {
    const entries = parseKnownHosts(["# comment", "", `t7-a,t7-a.example.net ${a.line}`, `*.lab.example,!bad.lab.example ${b.line}`, `[10.0.0.5]:2222 ${a.line} comment here`].join("\n"));
    expect(entries).toHaveLength(3);
    expect(entries[0]!.matches("t7-a.example.net")).toBe(true);
    expect(entries[0]!.matches("t7-b.example.net")).toBe(false);
    expect(entries[1]!.matches("host1.lab.example")).toBe(true);
    expect(entries[1]!.matches("bad.lab.example")).toBe(false);
    expect(entries[2]!.matches("[10.0.0.5]:2222")).toBe(true);
    expect(entries[2]!.matches("10.0.0.5")).toBe(false);
  });

  it("matches hashed |1|salt|hash entries", () => {
    const salt = randomBytes(20);
    const hash = createHmac("sha1", salt).update("[10.0.0.7]:2200").digest();
    const [entry] = parseKnownHosts(`|1|${salt.toString("base64")}|${hash.toString("base64")} ${a.line}\n`);
    expect(entry!.matches("[10.0.0.7]:2200")).toBe(true);
    expect(entry!.matches("10.0.0.7")).toBe(false);
  });

  it("skips malformed lines and ignores @cert-authority for host keys", () => {
    const entries = parseKnownHosts(`justonefield\n@cert-authority *.example ${a.line}\nhost ssh-ed25519 !!!\n`);
    expect(entries.map((e) => e.marker)).toEqual(["cert-authority"]);
    expect(verifyHostKey({ knownHostsFile: "kh" }, "x.example", 22, a.blob, entries)).toMatchObject({ ok: false, kind: "host-key-unknown" });
  });
});

describe("verifyHostKey", () => {
  const fa = fingerprintOf(a.blob);
  const fb = fingerprintOf(b.blob);

  it("accepts a pinned fingerprint in any accepted spelling", () => {
    expect(verifyHostKey({ fingerprints: [`sha256:${fa.slice(7)}=`] }, "h", 22, a.blob)).toEqual({ ok: true, learned: false, fingerprint: fa });
    expect(normalizeFingerprint(` ${fa} `)).toBe(fa);
  });

  it("reports a different key as changed with expected and presented fingerprints", () => {
    expect(verifyHostKey({ fingerprints: [fb] }, "h", 22, a.blob)).toMatchObject({ ok: false, kind: "host-key-changed", fingerprint: fa, expected: [fb] });
    const entries = parseKnownHosts(`h ${b.line}\n`);
    expect(verifyHostKey({ knownHostsFile: "kh", trustOnFirstUse: true }, "h", 22, a.blob, entries)).toMatchObject({ ok: false, kind: "host-key-changed", expected: [fb] });
  });

  it("accepts any of several keys for a host and refuses a @revoked one", () => {
    const entries = parseKnownHosts(`h ${b.line}\nh ${a.line}\n@revoked * ${b.line}\n`);
    expect(verifyHostKey({ knownHostsFile: "kh" }, "h", 22, a.blob, entries)).toMatchObject({ ok: true });
    expect(verifyHostKey({ knownHostsFile: "kh" }, "h", 22, b.blob, entries)).toMatchObject({ ok: false, kind: "host-key-changed", reason: "the presented key is marked @revoked in kh line 3" });
  });

  it("learns an unknown key only with trust-on-first-use", () => {
    expect(verifyHostKey({}, "h", 22, a.blob)).toMatchObject({ ok: false, kind: "host-key-unknown", reason: "no fingerprint is configured and no known_hosts file is configured" });
    expect(verifyHostKey({ knownHostsFile: "kh" }, "h", 22, a.blob, [])).toMatchObject({ reason: "no fingerprint is configured and kh has no entry for h" });
    expect(verifyHostKey({ knownHostsFile: "kh" }, "h", 22, a.blob, [], true)).toMatchObject({ ok: false, kind: "host-key-unknown", reason: "no fingerprint is configured and the known_hosts file kh does not exist" });
    expect(verifyHostKey({ trustOnFirstUse: true }, "h", 22, a.blob)).toEqual({ ok: true, learned: true, fingerprint: fa });
  });

  it("reads the key type and prefers the known key types for negotiation", () => {
    expect(keyTypeOf(a.blob)).toBe("ssh-ed25519");
    expect(keyTypeOf(Buffer.alloc(2))).toBe("unknown");
    const entries = parseKnownHosts(`h ssh-rsa ${a.blob.toString("base64")}\nh ${a.line}\nother ecdsa-sha2-nistp256 ${a.blob.toString("base64")}\n`);
    expect(preferredHostKeyAlgorithms(entries, "h", 22)).toEqual(["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa", "ssh-ed25519"]);
  });
});
