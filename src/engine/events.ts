/**
 * What the engine reports while it works, for live progress views and CI logs. The engine never
 * prints; the CLI renders these.
 */
import type { PlannedAction } from "./actions";

export type EngineEvent =
  | { readonly type: "host-reading"; readonly host: string }
  | { readonly type: "host-planned"; readonly host: string; readonly changes: number; readonly unchanged: number }
  | { readonly type: "step-started"; readonly host: string; readonly action: PlannedAction; readonly commandLine: string; readonly index: number; readonly total: number }
  | { readonly type: "step-finished"; readonly host: string; readonly action: PlannedAction; readonly ok: boolean; readonly exitStatus: number | null }
  | { readonly type: "outcome-unknown"; readonly host: string; readonly action: PlannedAction; readonly decision: string }
  | { readonly type: "waiting-inv"; readonly host: string; readonly devices: readonly string[]; readonly elapsedMs: number }
  | { readonly type: "host-verifying"; readonly host: string }
  | { readonly type: "host-done"; readonly host: string; readonly mutatingCommands: number }
  | { readonly type: "host-failed"; readonly host: string; readonly message: string }
  | { readonly type: "host-stopped"; readonly host: string; readonly reason: string }
  /** Something a listing showed that is readable but unusual (e.g. an unknown VERSION); the run goes on. */
  | { readonly type: "host-warning"; readonly host: string; readonly message: string }
  /** Another run holds the lock (`holder`: "held by ...", in words); this run waits for it (`lockTimeoutMs`) and tries again. */
  | { readonly type: "lock-waiting"; readonly host: string; readonly dir: string; readonly holder: string; readonly waitedMs: number }
  | { readonly type: "lock-taken"; readonly host: string; readonly dir: string; readonly lockId: string }
  | { readonly type: "lock-released"; readonly host: string; readonly dir: string; readonly lockId: string }
  | { readonly type: "waiting-runaway"; readonly host: string; readonly commandLine: string; readonly elapsedMs: number };

export type EngineEventSink = (event: EngineEvent) => void;
