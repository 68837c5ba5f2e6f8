/**
 * What HostReads (control domains) and GuestReads (guests' IPMP) have in common: one read per
 * target per provider session, shared by every resource and data source that needs it, kept
 * until the session changes that target (invalidate), not kept when it failed (a later read may
 * find the target back); the SSH sessions still open are closed by StopProvider, and none is
 * opened after it, not even by the retry of a cut read.
 */
import { HostSession, type ConnectHost, type HostTarget } from "../engine";

export class SharedReads<T> {
  private readonly reads = new Map<string, Promise<T>>();
  private readonly open = new Set<HostSession>();
  private stopped = false;
  private readonly connect: ConnectHost;

  /** `refusal`: the error a connection attempt after StopProvider gets, naming the target. */
  constructor(connect: ConnectHost, refusal: (targetId: string) => Error) {
    this.connect = (target: HostTarget) => {
      if (this.stopped) throw refusal(target.id);
      return connect(target);
    };
  }

  /** The read of `id` made earlier in this session, or `read()` started now and shared. */
  shared(id: string, read: () => Promise<T>): Promise<T> {
    const cached = this.reads.get(id);
    if (cached) return cached;
    const started = read();
    this.reads.set(id, started);
    started.catch(() => this.reads.delete(id));
    return started;
  }

  has(id: string): boolean {
    return this.reads.has(id);
  }

  /** Forgets the read of `id`: the next one reads it again (after this session changed it). */
  invalidate(id: string): void {
    this.reads.delete(id);
  }

  /** A session to `target` that stop() closes. */
  session(target: HostTarget): HostSession {
    const session = new HostSession(target, this.connect);
    this.open.add(session);
    return session;
  }

  async release(session: HostSession): Promise<void> {
    this.open.delete(session);
    await session.close();
  }

  /** Closes every session still open and opens no more; their reads fail with a connection error. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.open].map((s) => s.close()));
  }
}
