/**
 * Automatic mutual TLS of go-plugin: Terraform passes its client certificate (PEM) in
 * PLUGIN_CLIENT_CERT; the plugin makes a throwaway self-signed certificate for `localhost`,
 * accepts only that client certificate, and hands its own over in the handshake line.
 */
import { generateKeyPairSync, randomBytes, X509Certificate } from "node:crypto";
import forge from "node-forge";

export interface ServerCertificate {
  readonly certPem: string;
  readonly keyPem: string;
  /** The certificate's DER bytes, for the handshake line. */
  readonly der: Buffer;
}

/** Hex serial number: 16 random bytes, top bit cleared so the DER integer is positive. */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString("hex");
}

/**
 * A self-signed server-and-client certificate for `localhost` and 127.0.0.1, valid from 30 s ago
 * (clock steps) for `validDays`. It is its own CA: Terraform trusts exactly this certificate.
 */
export function makeServerCertificate(validDays = 30, now: Date = new Date()): ServerCertificate {
  // Node's crypto makes the key (fast, native); node-forge only builds and signs the certificate.
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  const key = forge.pki.privateKeyFromPem(keyPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = new Date(now.getTime() - 30_000);
  cert.validity.notAfter = new Date(now.getTime() + validDays * 86_400_000);
  const subject = [{ name: "commonName", value: "localhost" }, { name: "organizationName", value: "cdktf-ldoms" }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, keyCertSign: true, critical: true },
    { name: "extKeyUsage", serverAuth: true, clientAuth: true },
    { name: "subjectAltName", altNames: [{ type: 2, value: "localhost" }, { type: 7, ip: "127.0.0.1" }] },
  ]);
  cert.sign(key, forge.md.sha256.create());
  const certPem = forge.pki.certificateToPem(cert);
  return { certPem, keyPem, der: new X509Certificate(certPem).raw };
}

/** The client certificate Terraform sent, checked to be one PEM certificate Node can read. */
export function clientCertificate(env: NodeJS.ProcessEnv): string | undefined {
  const pem = env["PLUGIN_CLIENT_CERT"];
  if (pem === undefined || pem.trim() === "") return undefined;
  try {
    new X509Certificate(pem);
  } catch (error) {
    throw new Error(`PLUGIN_CLIENT_CERT does not hold a PEM certificate: ${error instanceof Error ? error.message : String(error)}`);
  }
  return pem;
}
