/**
 * Waiting out `INV`: before a step touches a device that was just created or destroyed, `list-io`
 * is polled with backoff (100 ms doubling to 5 s) until the device settles, up to a timeout.
 * There are no fixed sleeps. A stop request ends the wait (nothing is in flight then).
 */
import { ApplyError, type Step } from "../model";
import { INV_SETTLE_SECONDS } from "../ldm/assumptions";
import { unsettledDevices } from "./apply-steps";
import type { EngineEventSink } from "./events";
import type { HostSession } from "./host-session";
import { readHost } from "./observe";
import type { ObservedHost } from "./observed-state";
import type { EngineHost } from "./plan-run";
import { retryUnknown } from "./retry-unknown";

/** Longest wait for a device to leave `INV`: four times the settle time real hosts show. */
export const DEFAULT_INV_TIMEOUT_MS = 4 * INV_SETTLE_SECONDS * 1000;

export interface InvWaitOptions {
  readonly onEvent?: EngineEventSink;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly signal?: AbortSignal;
  /** Longest wait for a device to leave `INV`. Default DEFAULT_INV_TIMEOUT_MS. */
  readonly invTimeoutMs?: number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Thrown inside a host's run when a stop was requested at a point where nothing is in flight. */
export class StopRequested extends Error {}

/** Polls `list-io` with backoff until the devices a step touches leave `INV`, or times out. */
export async function waitSettled(p: { readonly host: EngineHost; readonly session: HostSession }, step: Step, view: ObservedHost, known: ReadonlyMap<string, string>, options: InvWaitOptions): Promise<ObservedHost> {
  let pending = unsettledDevices(step, view, known);
  if (pending.length === 0) return view;
  const sleep = options.sleep ?? defaultSleep;
  const timeout = options.invTimeoutMs ?? DEFAULT_INV_TIMEOUT_MS;
  const started = Date.now();
  let delay = 100;
  let current = view;
  for (;;) {
    if (options.signal?.aborted) throw new StopRequested();
    p.session.counters.settleReads++;
    const read = await retryUnknown(() => readHost(p.session, { listings: ["list-io"], previous: current }), options, true);
    current = read.observed;
    pending = unsettledDevices(step, current, known);
    if (pending.length === 0) return current;
    const elapsed = Date.now() - started;
    options.onEvent?.({ type: "waiting-inv", host: p.host.target.id, devices: pending, elapsedMs: elapsed });
    if (elapsed >= timeout) {
      throw new ApplyError(
        `${p.host.target.id}: ${pending.join(", ")} still show INV after ${Math.round(elapsed / 1000)} s (Oracle documents about 45 s after create-vf/destroy-vf). A device that stays INV has a problem: check the root domain (ldm list-io, fmadm faulty) before running apply again.`,
        p.host.target.id,
      );
    }
    await sleep(Math.min(delay, Math.max(0, timeout - elapsed)));
    delay = Math.min(delay * 2, 5_000);
  }
}
