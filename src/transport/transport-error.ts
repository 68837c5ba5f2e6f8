/**
 * Why a host could not be reached or trusted. Transport imports nothing else of the project, so
 * this is its own error class; the engine maps it to the model's ConnectionError. The message is
 * one paragraph: what failed, for which `user@host:port`, and what to do about it.
 */
export type TransportErrorKind =
  | "unreachable" // refused, no route, unknown name
  | "timeout" // connect/handshake did not finish in time
  | "auth" // every key was refused, or no usable key was configured
  | "host-key-unknown" // nothing pins this host's key (and TOFU was not allowed)
  | "host-key-changed" // the host presented a key other than the pinned one
  | "protocol" // handshake failed for another reason (e.g. no common algorithm)
  | "config"; // options that can never work (bad channel cap, unreadable known_hosts, ...)

export class TransportError extends Error {
  constructor(
    readonly kind: TransportErrorKind,
    message: string,
    /** `user@host:port` the error is about. */
    readonly target: string,
    readonly details: {
      /** Fingerprint(s) the configuration expects (`SHA256:...`). */
      readonly expectedFingerprints?: readonly string[];
      /** Fingerprint the server presented. */
      readonly presentedFingerprint?: string;
      readonly cause?: unknown;
    } = {},
  ) {
    super(message);
    this.name = "TransportError";
  }
}
