import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { utils } from "ssh2";

/** An OpenSSH key pair: private key text (OpenSSH format) and `type base64` public line. */
export interface KeyPair {
  readonly privateKey: string;
  readonly publicKey: string;
}

export function generateEd25519(): KeyPair {
  const pair = utils.generateKeyPairSync("ed25519");
  return { privateKey: pair.private, publicKey: pair.public.trim() };
}

/** OpenSSH-style `SHA256:<base64, no padding>` fingerprint of a public key line. */
export function fingerprintOf(publicKeyLine: string): string {
  const blob = Buffer.from(publicKeyLine.trim().split(/\s+/)[1] ?? "", "base64");
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

/**
 * A key pair kept in `dir` as `<name>` (mode 0600) and `<name>.pub`: reused when both exist, so
 * fingerprints pinned in an inventory survive a restart of the lab; generated otherwise.
 */
export function persistentKeyPair(dir: string, name: string): KeyPair & { readonly privateKeyFile: string } {
  const privateKeyFile = join(dir, name);
  const publicKeyFile = `${privateKeyFile}.pub`;
  if (existsSync(privateKeyFile) && existsSync(publicKeyFile)) {
    const pair = { privateKey: readFileSync(privateKeyFile, "utf8"), publicKey: readFileSync(publicKeyFile, "utf8").trim() };
    const parsed = utils.parseKey(pair.privateKey);
    if (!(parsed instanceof Error) && parsed.getPublicSSH().equals(publicBlob(pair.publicKey))) {
      chmodSync(privateKeyFile, 0o600);
      return { ...pair, privateKeyFile };
    }
  }
  mkdirSync(dir, { recursive: true });
  const pair = generateEd25519();
  writeFileSync(privateKeyFile, pair.privateKey, { mode: 0o600 });
  chmodSync(privateKeyFile, 0o600); // an existing file keeps its old mode otherwise
  writeFileSync(publicKeyFile, `${pair.publicKey}\n`);
  return { ...pair, privateKeyFile };
}

export function publicBlob(publicKeyLine: string): Buffer {
  return Buffer.from(publicKeyLine.trim().split(/\s+/)[1] ?? "", "base64");
}
