/**
 * Reads of guests' IPMP configuration (one batched exec inside the guest, as `ldoms plan` reads
 * it), once per guest per provider session, shared by refresh and plan, read again only after
 * this session changed the guest (shared-reads.ts); StopProvider closes the connections still
 * open.
 */
import { ConnectionError } from "../model";
import type { ConnectHost, HostSession } from "../engine";
import { observeGuest, type GuestObservation, type GuestTarget } from "../engine/migration";
import { guestErrorLine } from "../engine/migration/guest-view";
import { retryUnknown } from "../engine/retry-unknown";
import { SharedReads } from "./shared-reads";

export class GuestReads {
  private readonly reads: SharedReads<GuestObservation>;

  constructor(connect: ConnectHost) {
    this.reads = new SharedReads(connect, (id) => new ConnectionError(`${id}: not contacted: Terraform stopped the ldoms provider (interrupted)`, id));
  }

  /** The guest as it is now; rejects with a ConnectionError naming the guest and the command that failed. */
  read(access: GuestTarget): Promise<GuestObservation> {
    return this.reads.shared(access.target.id, () => this.readOnce(access));
  }

  invalidate(guestId: string): void {
    this.reads.invalidate(guestId);
  }

  /** A session to the guest that StopProvider closes; it connects to nothing after a stop. */
  session(access: GuestTarget): HostSession {
    return this.reads.session(access.target);
  }

  release(session: HostSession): Promise<void> {
    return this.reads.release(session);
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

  stop(): Promise<void> {
    return this.reads.stop();
  }
}
