import { createHash, randomBytes } from "node:crypto";
import { chmodSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { utils } from "ssh2";

/** An OpenSSH key pair: private key text (OpenSSH format) and `type base64` public line. */
export interface KeyPair {
  readonly privateKey: string;
  readonly publicKey: string;
}

/**
 * A fresh ed25519 pair. ssh2's generator now and then (about 1 in 200) writes a private key that
 * its own parser rejects as malformed; such a key would make the SSH server throw, so it is
 * drawn again.
 */
export function generateEd25519(): KeyPair {
  for (let attempt = 0; attempt < 20; attempt++) {
    const pair = utils.generateKeyPairSync("ed25519");
    if (!(utils.parseKey(pair.private) instanceof Error)) return { privateKey: pair.private, publicKey: pair.public.trim() };
  }
  throw new Error("could not generate a parseable ed25519 key pair (ssh2)");
}

/** OpenSSH-style `SHA256:<base64, no padding>` fingerprint of a public key line. */
export function fingerprintOf(publicKeyLine: string): string {
  const blob = Buffer.from(publicKeyLine.trim().split(/\s+/)[1] ?? "", "base64");
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

/**
 * A key pair kept in `dir` as `<name>` (mode 0600) and `<name>.pub`: reused when the private key
 * file holds a valid key, so fingerprints pinned in an inventory survive a restart of the lab;
 * generated otherwise. Labs started at once on one folder (parallel tests) agree on one key: a
 * new key is published with link(2), which fails if another process got there first.
 */
export function persistentKeyPair(dir: string, name: string): KeyPair & { readonly privateKeyFile: string } {
  const privateKeyFile = join(dir, name);
  mkdirSync(dir, { recursive: true });
  let pair = readKeyPair(privateKeyFile);
  if (!pair) {
    const fresh = generateEd25519();
    const temporary = `${privateKeyFile}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
    writeFileSync(temporary, fresh.privateKey, { mode: 0o600 });
    try {
      linkSync(temporary, privateKeyFile);
      pair = fresh;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      pair = readKeyPair(privateKeyFile);
      if (!pair) {
        renameSync(temporary, privateKeyFile); // an unusable file: replace it
        pair = fresh;
      }
    } finally {
      rmSync(temporary, { force: true });
    }
  }
  chmodSync(privateKeyFile, 0o600);
  const publicKeyFile = `${privateKeyFile}.pub`;
  const publicTemporary = `${publicKeyFile}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  writeFileSync(publicTemporary, `${pair.publicKey}\n`);
  renameSync(publicTemporary, publicKeyFile);
  return { ...pair, privateKeyFile };
}

/** The pair held by a private key file (public half derived from it), or undefined if unusable. */
function readKeyPair(privateKeyFile: string): KeyPair | undefined {
  let privateKey: string;
  try {
    privateKey = readFileSync(privateKeyFile, "utf8");
  } catch {
    return undefined;
  }
  const parsed = utils.parseKey(privateKey);
  if (parsed instanceof Error || !parsed.isPrivateKey()) return undefined;
  return { privateKey, publicKey: `${parsed.type} ${parsed.getPublicSSH().toString("base64")}` };
}
