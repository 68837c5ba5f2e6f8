/** What a migration reports while it works; the CLI renders it (the engine never prints). */
import type { EngineEvent } from "../events";
import type { MigrationCheck } from "./report";

export type MigrationEvent =
  | { readonly type: "phase"; readonly message: string }
  | { readonly type: "check"; readonly check: MigrationCheck }
  | { readonly type: "progress"; readonly percent: number; readonly elapsedMs: number }
  | { readonly type: "command"; readonly host: string; readonly commandLine: string; readonly exitStatus: number | null }
  | { readonly type: "engine"; readonly event: EngineEvent };

export type MigrationEventSink = (event: MigrationEvent) => void;
