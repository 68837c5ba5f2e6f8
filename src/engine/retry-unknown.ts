/**
 * Retrying an idempotent exec whose outcome was unknown (the connection dropped or the command
 * timed out): the caller's function re-reads and decides, so running it again is safe. Never
 * use it for a command that changes a host: its first run may still be alive.
 */
import { ConnectionError } from "../model";
import { isOutcomeUnknown } from "./host-session";

export interface RetryOptions {
  /** Injected for tests; default setTimeout. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Attempts in all (default 4). */
  readonly attempts?: number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `fn`, again after an unknown outcome (backing off 100, 200, 400 ms). With `recovering`
 * (the connection is known to have been lost already), a plain ConnectionError is retried too.
 */
export async function retryUnknown<T>(fn: () => Promise<T>, options: RetryOptions = {}, recovering = false): Promise<T> {
  const sleep = options.sleep ?? defaultSleep;
  const attempts = options.attempts ?? 4;
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      return await fn();
    } catch (error) {
      // A command stopped by its time or output limit would meet the same limit again.
      const limited = (error as { reason?: unknown }).reason === "timeout" || (error as { reason?: unknown }).reason === "output-limit";
      const retryable = (isOutcomeUnknown(error) && !limited) || (recovering && error instanceof ConnectionError);
      if (!retryable) throw error;
      lastError = error;
      recovering = true;
      if (attempt + 1 < attempts) await sleep(100 * 2 ** attempt);
    }
  }
  throw lastError instanceof ConnectionError
    ? lastError
    : new ConnectionError(`lost the connection repeatedly: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
}
