/**
 * The go-plugin handshake as Terraform runs it: Terraform sets a magic cookie and the protocol
 * versions it speaks in the environment, the plugin answers with one line on stdout naming the
 * core protocol, the plugin protocol, where it listens and (with automatic mutual TLS) its
 * certificate.
 */

/** The go-plugin core protocol version: the first field of the handshake line. */
export const CORE_PROTOCOL_VERSION = 1;
/** The Terraform plugin protocol this provider speaks. */
export const PLUGIN_PROTOCOL_VERSION = 6;
export const MAGIC_COOKIE_KEY = "TF_PLUGIN_MAGIC_COOKIE";
export const MAGIC_COOKIE_VALUE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

export interface HandshakeAddress {
  readonly network: "tcp" | "unix";
  /** `127.0.0.1:PORT` or a socket path. */
  readonly address: string;
}

/** Why the process cannot serve as a plugin (not started by Terraform, no common version), or undefined. */
export function handshakeRefusal(env: NodeJS.ProcessEnv): string | undefined {
  if (env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE) {
    return (
      "terraform-provider-ldoms is a Terraform provider plugin: Terraform starts it, it is not run by hand. " +
      "Point Terraform at it (a dev_overrides or filesystem_mirror entry in the Terraform CLI configuration) and run terraform; " +
      "from a shell, `ldoms status` and `ldoms plan` read the same hosts."
    );
  }
  const offered = env["PLUGIN_PROTOCOL_VERSIONS"];
  if (offered === undefined || offered.trim() === "") return undefined;
  const versions = offered.split(",").map((v) => Number(v.trim()));
  if (!versions.includes(PLUGIN_PROTOCOL_VERSION)) {
    return `this provider speaks Terraform plugin protocol ${PLUGIN_PROTOCOL_VERSION} (Terraform 1.0 or later); this Terraform offers ${offered}`;
  }
  return undefined;
}

/**
 * `1|6|tcp|127.0.0.1:PORT|grpc|CERT`: CERT is the server certificate's DER in unpadded standard
 * base64 (the line cannot hold PEM's newlines), empty without automatic mutual TLS.
 */
export function handshakeLine(at: HandshakeAddress, serverCertDer?: Uint8Array): string {
  const cert = serverCertDer ? Buffer.from(serverCertDer).toString("base64").replace(/=+$/, "") : "";
  return [CORE_PROTOCOL_VERSION, PLUGIN_PROTOCOL_VERSION, at.network, at.address, "grpc", cert].join("|");
}
