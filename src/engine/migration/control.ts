/**
 * Lets the CLI cancel a running migration (SIGINT, after asking): while `ldm migrate-domain`
 * runs, `cancel()` sends `ldm cancel-operation migration DOMAIN` on another channel of the
 * source's connection. Outside that window it does nothing.
 */
export class MigrationControl {
  private canceller: (() => Promise<string>) | undefined;
  private requested = false;
  private stopRequested = false;

  /** True while the real migration command runs. */
  get running(): boolean {
    return this.canceller !== undefined;
  }

  get cancelRequested(): boolean {
    return this.requested;
  }

  /** True once `interrupt()` was called: the run stops at its next safe point. */
  get interrupted(): boolean {
    return this.stopRequested;
  }

  /** Before the migration runs: stop at the next phase boundary, changing nothing more. */
  interrupt(): void {
    this.stopRequested = true;
  }

  /** Runs the cancel command; returns a line saying what happened. */
  async cancel(): Promise<string> {
    const canceller = this.canceller;
    if (!canceller) return "no migration is running";
    this.requested = true;
    return canceller();
  }

  /** @internal set by the migration run around the migrate-domain command. */
  attach(canceller: (() => Promise<string>) | undefined): void {
    this.canceller = canceller;
  }
}
