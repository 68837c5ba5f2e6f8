/**
 * Reads of guests' IPMP configuration (one batched exec inside the guest, as `ldoms plan` reads
 * it), once per guest per provider process, shared by refresh and plan, read again only after
 * this process changed the guest; StopProvider closes the connections still open.
 */
import { ConnectionError } from "../model";
import { HostSession, type ConnectHost } from "../engine";
import { observeGuest, type GuestObservation, type GuestTarget } from "../engine/migration";
import { guestErrorLine } from "../engine/migration/guest-view";
import { retryUnknown } from "../engine/retry-unknown";

export class GuestReads {
  private readonly reads = new Map<string, Promise<GuestObservation>>();
  private readonly open = new Set<HostSession>();
  private stopped = false;

  constructor(private readonly connect: ConnectHost) {}

  /** The guest as it is now; rejects with a ConnectionError naming the guest and the command that failed. */
  read(access: GuestTarget): Promise<GuestObservation> {
    const id = access.target.id;
    const cached = this.reads.get(id);
    if (cached) return cached;
    const read = this.readOnce(access);
    this.reads.set(id, read);
    read.catch(() => this.reads.delete(id));
    return read;
  }

  invalidate(guestId: string): void {
    this.reads.delete(guestId);
  }

  /** A session to the guest that StopProvider closes; none after a stop. */
  session(access: GuestTarget): HostSession {
    if (this.stopped) throw new ConnectionError(`${access.target.id}: not contacted: Terraform stopped the ldoms provider (interrupted)`, access.target.id);
    const session = new HostSession(access.target, this.connect);
    this.open.add(session);
    return session;
  }

  async release(session: HostSession): Promise<void> {
    this.open.delete(session);
    await session.close();
  }

  private async readOnce(access: GuestTarget): Promise<GuestObservation> {
    const session = this.session(access);
    try {
      return await retryUnknown(() => observeGuest(session));
    } catch (error) {
      const id = access.target.id;
      throw new ConnectionError(`${id}: the guest could not be read: ${guestErrorLine(error)}\nCheck the guest access (inventory entry ${id} or the GuestDomain's access) and that the guest runs, then plan again.`, id);
    } finally {
      await this.release(session);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.open].map((s) => s.close()));
  }
}
