/**
 * Reads of control domains for data sources and resources: one connection and one batched `ldm`
 * read per host per provider session (one per ConfigureProvider: each process Terraform starts,
 * or each command a served provider answers), shared by every data source and resource naming
 * that host, read again only after this session changed the host (shared-reads.ts). The first
 * read starts those of every host of the plan document; StopProvider closes the connections of
 * reads still running.
 */
import { ConnectionError } from "../model";
import { asLdomsError, readHost, type ConnectHost, type ObservedHost } from "../engine";
import { retryUnknown } from "../engine/retry-unknown";
import { engineHostOf } from "./apply-host-plan";
import type { ProviderConfiguration } from "./configuration";
import { SharedReads } from "./shared-reads";

export class HostReads {
  private readonly reads: SharedReads<ObservedHost>;
  private prefetched = false;

  constructor(connect: ConnectHost) {
    this.reads = new SharedReads(connect, (id) => new ConnectionError(`${id}: not read: Terraform stopped the ldoms provider (interrupted)`, id));
  }

  /** The host as it is now; rejects with the LdomsError `ldoms plan` would report for it. */
  read(configuration: ProviderConfiguration, hostId: string): Promise<ObservedHost> {
    if (!this.prefetched && !this.reads.has(hostId)) this.prefetch(configuration, hostId);
    return this.reads.shared(hostId, () => this.readOnce(configuration, hostId));
  }

  /**
   * The first read of a session starts the reads of every other host of the plan document, all
   * at once: Terraform visits at most 10 resources at a time, so the hosts of later resources
   * would otherwise be read only after the earlier ones' reads. Each host is still read once; a
   * failure here is reported by the read a resource or data source makes, not by this one.
   */
  private prefetch(configuration: ProviderConfiguration, first: string): void {
    this.prefetched = true;
    for (const host of configuration.document.hosts) {
      if (host.id === first || this.reads.has(host.id)) continue;
      this.read(configuration, host.id).catch(() => undefined);
    }
  }

  /** Forgets the host's read: the next one reads it again (after this session changed it). */
  invalidate(hostId: string): void {
    this.reads.invalidate(hostId);
  }

  private async readOnce(configuration: ProviderConfiguration, hostId: string): Promise<ObservedHost> {
    const session = this.reads.session(engineHostOf(configuration, hostId).target);
    try {
      return (await retryUnknown(() => readHost(session))).observed;
    } catch (error) {
      throw asLdomsError(error, hostId);
    } finally {
      await this.reads.release(session);
    }
  }

  /** Closes every connection still open and opens no more; their reads fail with a connection error. */
  stop(): Promise<void> {
    return this.reads.stop();
  }
}
