/**
 * How long one remote command may run before the engine gives up on it, by what the command
 * does. Without a limit a hung `ldm` (ldmd wedged, a stuck hotplug) hangs plan and apply for
 * ever. The limits are per exec and distinct from the INV wait (`--inv-timeout`), which bounds
 * the whole series of polls while a device settles; each poll is a read with the read limit.
 *
 * - Reads (listings, lock handling): 120 s. One batched read is three `ldm` listings; they take
 *   well under a second on an idle control domain and a few seconds on a large or busy one
 *   (ldmd serialises requests, so a read waits behind a running reconfiguration). 120 s leaves
 *   ample room for that and still ends a hung read within two minutes.
 * - Mutations: 600 s. `ldm create-vf`, `set-io`, `add-io` usually take seconds, but adding or
 *   removing a VF of an active domain goes through hotplug inside the guest, which can take
 *   minutes, and a group of independent steps runs in one exec. Ten minutes covers that; a
 *   command still running then is treated as hung.
 * - `ldm migrate-domain`: no limit. A migration takes as long as the memory copy needs; it is
 *   followed by progress polls (reads) and can be cancelled (`ldm cancel-operation migration`).
 *
 * A timed-out read changed nothing. A timed-out mutation has an unknown outcome: the engine
 * never assumes it, the next run re-reads the host.
 */

/** Default limit of a read exec (listings, lock handling), in milliseconds. */
export const DEFAULT_READ_TIMEOUT_MS = 120_000;

/** Default limit of an exec that changes a host, in milliseconds. */
export const DEFAULT_MUTATION_TIMEOUT_MS = 600_000;

/**
 * What an exec does, for its time limit: the session's exec kinds, plus `migration` for
 * `ldm migrate-domain`, which has no limit.
 */
export type TimedExecKind = "read" | "lock" | "mutating" | "migration";

/** Per-run overrides of the defaults (the CLI's --read-timeout and --command-timeout). */
export interface CommandTimeouts {
  /** Reads and lock handling. Default DEFAULT_READ_TIMEOUT_MS. */
  readonly readMs?: number;
  /** Commands that change a host. Default DEFAULT_MUTATION_TIMEOUT_MS. */
  readonly mutationMs?: number;
}

/**
 * The limit of one exec in milliseconds; 0 means none (only `migration`). `overrides` may be a
 * single number: the earlier meaning of `commandTimeoutMs` (`--command-timeout`), one limit for
 * every command, reads included.
 */
export function timeoutFor(kind: TimedExecKind, overrides?: number | CommandTimeouts): number {
  if (kind === "migration") return 0;
  const set = typeof overrides === "number" ? { readMs: overrides, mutationMs: overrides } : (overrides ?? {});
  if (kind === "mutating") return positive(set.mutationMs) ?? DEFAULT_MUTATION_TIMEOUT_MS;
  return positive(set.readMs) ?? DEFAULT_READ_TIMEOUT_MS;
}

/**
 * The overrides of one run from the CLI's options: `--read-timeout` sets reads;
 * `--command-timeout` sets mutations, and reads too when `--read-timeout` is not given (it used
 * to limit every command, and still does when given alone).
 */
export function commandTimeouts(options: { readonly readTimeoutMs?: number; readonly commandTimeoutMs?: number }): CommandTimeouts {
  const readMs = options.readTimeoutMs ?? options.commandTimeoutMs;
  return { ...(readMs !== undefined ? { readMs } : {}), ...(options.commandTimeoutMs !== undefined ? { mutationMs: options.commandTimeoutMs } : {}) };
}

function positive(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : undefined;
}
