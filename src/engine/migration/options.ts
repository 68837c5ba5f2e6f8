/** What `runMigration` takes: the plan, how to connect, and every prompt, hook and limit. */
import type { Inventory, PlanDocument } from "../../model";
import type { ApplyOptions } from "../apply-run";
import type { ConnectHost } from "../host-session";
import type { CommandTimeouts } from "../timeouts";
import type { MigrationControl } from "./control";
import type { MigrationEventSink } from "./events";

/** Options of `runMigration`; every prompt absent means approved. */
export interface MigrateOptions {
  readonly connect: ConnectHost;
  readonly document: PlanDocument;
  readonly migrationId: string;
  readonly inventory?: Inventory;
  /** Stop after the dry run (rule 6). */
  readonly dryRun?: boolean;
  /** Converge the preparation (both hosts, and the guest's IPMP group when it has access) first. */
  readonly apply?: boolean;
  /** Proceed although a rule could not be verified (no guest access). */
  readonly acceptUnverified?: boolean;
  /** Asked after the dry run, before the real migration; absent = approved (--auto-approve). */
  readonly confirm?: (question: string) => Promise<boolean>;
  /** Asked before --apply changes hosts; absent = approved. */
  readonly confirmApply?: ApplyOptions["confirm"];
  /** Asked before --apply runs `ipadm` in the guest (the command lines); absent = approved. */
  readonly confirmGuest?: (commandLines: readonly string[]) => Promise<boolean>;
  readonly onEvent?: MigrationEventSink;
  readonly control?: MigrationControl;
  /** Interval of the progress poll (`ldm list -o status -p`). Default 500 ms. */
  readonly pollIntervalMs?: number;
  /** How long post-verify waits for the guest's IPMP group to fail back to the VF. Default 15 s. */
  readonly guestSettleMs?: number;
  /** Limits per exec kind (or one number for every command); defaults in timeouts.ts. */
  readonly commandTimeoutMs?: number | CommandTimeouts;
  /** Lock directory on each control domain (default /var/tmp/ldoms.lock), or one per host id. */
  readonly lockDir?: string | ((hostId: string) => string);
  /**
   * Longest wait for another run's lock on either host (e.g. a second migration off the same
   * host); 0 (the default) stops at once. Locks are taken in host-id order, so two migrations
   * waiting for each other's hosts cannot deadlock.
   */
  readonly lockTimeoutMs?: number;
  readonly invTimeoutMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}
