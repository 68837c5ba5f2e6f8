/**
 * Where the lab's state lives. Commands read a consistent snapshot or run one short
 * read-modify-write; the standalone `ldm` supplies a file-backed store with a lock.
 */
import type { LabState } from "./state";

export interface LabStateStore {
  /** Runs `fn` on a consistent snapshot; `fn` must not modify it. */
  read<T>(fn: (state: LabState) => T): T;
  /** Runs `fn` as one atomic read-modify-write. */
  update<T>(fn: (state: LabState) => T): T;
}

/** The state held in memory by one process (tests, the in-process executor, the ssh2 server). */
export class InMemoryLabStore implements LabStateStore {
  constructor(private readonly state: LabState) {}

  read<T>(fn: (state: LabState) => T): T {
    return fn(this.state);
  }

  update<T>(fn: (state: LabState) => T): T {
    return fn(this.state);
  }
}
