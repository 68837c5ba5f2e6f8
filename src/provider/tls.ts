/**
 * Automatic mutual TLS of go-plugin: Terraform passes its client certificate (PEM) in
 * PLUGIN_CLIENT_CERT; the plugin makes a throwaway self-signed certificate for `localhost`,
 * accepts only that client certificate, and hands its own over in the handshake line.
 */
import { generateKeyPairSync, randomBytes, sign, X509Certificate } from "node:crypto";
import { bitString, boolean, explicit, implicit, octetString, oid, sequence, set, unsignedInteger, utcTime, utf8String } from "./der";

export interface ServerCertificate {
  readonly certPem: string;
  readonly keyPem: string;
  /** The certificate's DER bytes, for the handshake line. */
  readonly der: Buffer;
}

const OIDS = {
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
  commonName: "2.5.4.3",
  organizationName: "2.5.4.10",
  basicConstraints: "2.5.29.19",
  keyUsage: "2.5.29.15",
  extKeyUsage: "2.5.29.37",
  subjectAltName: "2.5.29.17",
  serverAuth: "1.3.6.1.5.5.7.3.1",
  clientAuth: "1.3.6.1.5.5.7.3.2",
} as const;

const extension = (id: string, critical: boolean, value: Buffer): Buffer => sequence(oid(id), ...(critical ? [boolean(true)] : []), octetString(value));

/** Serial number: 16 random bytes, positive and without a leading zero byte. */
function serialNumber(): Buffer {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return bytes;
}

/** The name `CN=localhost, O=cdktf-ldoms`, as issuer and subject. */
const NAME = sequence(set(sequence(oid(OIDS.commonName), utf8String("localhost"))), set(sequence(oid(OIDS.organizationName), utf8String("cdktf-ldoms"))));

const EXTENSIONS = explicit(
  3,
  sequence(
    extension(OIDS.basicConstraints, true, sequence(boolean(true))),
    // digitalSignature (bit 0) and keyCertSign (bit 5): 1000 0100, the last 2 bits unused.
    extension(OIDS.keyUsage, true, bitString(Buffer.from([0x84]), 2)),
    extension(OIDS.extKeyUsage, false, sequence(oid(OIDS.serverAuth), oid(OIDS.clientAuth))),
    extension(OIDS.subjectAltName, false, sequence(implicit(2, Buffer.from("localhost", "ascii")), implicit(7, Buffer.from([127, 0, 0, 1])))),
  ),
);

/**
 * A self-signed server-and-client certificate for `localhost` and 127.0.0.1 on an ECDSA P-256
 * key, valid from 30 s ago (clock steps) for `validDays`. It is its own CA: Terraform trusts
 * exactly this certificate. Key and signature are Node's (native, about a millisecond: the
 * provider starts three times per `terraform plan`); only the DER is written here.
 */
export function makeServerCertificate(validDays = 30, now: Date = new Date()): ServerCertificate {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const algorithm = sequence(oid(OIDS.ecdsaWithSha256));
  const tbs = sequence(
    explicit(0, unsignedInteger(Buffer.from([2]))), // version 3
    unsignedInteger(serialNumber()),
    algorithm,
    NAME,
    sequence(utcTime(new Date(now.getTime() - 30_000)), utcTime(new Date(now.getTime() + validDays * 86_400_000))),
    NAME,
    publicKey.export({ type: "spki", format: "der" }),
    EXTENSIONS,
  );
  const der = sequence(tbs, algorithm, bitString(sign("sha256", tbs, privateKey)));
  const certPem = new X509Certificate(der).toString();
  return { certPem, keyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(), der };
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
