/**
 * Reads of control domains for data sources and resources: one connection and one batched `ldm`
 * read per host per provider session (one per ConfigureProvider: each process Terraform starts,
 * or each command a served provider answers), shared by every data source and resource naming
 * that host, read again only after this session changed the host. The first read starts those of every host of the plan document; StopProvider closes the
 * connections of reads still running.
 */
import { ConnectionError } from "../model";
import { asLdomsError, HostSession, readHost, type ConnectHost, type HostTarget, type ObservedHost } from "../engine";
import { retryUnknown } from "../engine/retry-unknown";
import { engineHostOf } from "./apply-host-plan";
import type { ProviderConfiguration } from "./configuration";

export class HostReads {
  private readonly reads = new Map<string, Promise<ObservedHost>>();
  private readonly open = new Set<HostSession>();
  private stopped = false;
  private readonly connect: ConnectHost;

  constructor(connect: ConnectHost) {
    // After a stop no connection is opened again, not even by the retry of a cut read.
    this.connect = (target: HostTarget) => {
      if (this.stopped) throw new ConnectionError(`${target.id}: not read: Terraform stopped the ldoms provider (interrupted)`, target.id);
      return connect(target);
    };
  }

  private prefetched = false;

  /** The host as it is now; rejects with the LdomsError `ldoms plan` would report for it. */
  read(configuration: ProviderConfiguration, hostId: string): Promise<ObservedHost> {
    const cached = this.reads.get(hostId);
    if (cached) return cached;
    if (!this.prefetched) this.prefetch(configuration, hostId);
    const read = this.readOnce(configuration, hostId);
    this.reads.set(hostId, read);
    // A failed read is not kept: a later data source may find the host back.
    read.catch(() => this.reads.delete(hostId));
    return read;
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

  /** Forgets the host's read: the next one reads it again (after this process changed it). */
  invalidate(hostId: string): void {
    this.reads.delete(hostId);
  }

  private async readOnce(configuration: ProviderConfiguration, hostId: string): Promise<ObservedHost> {
    const host = engineHostOf(configuration, hostId);
    const session = new HostSession(host.target, this.connect);
    this.open.add(session);
    try {
      return (await retryUnknown(() => readHost(session))).observed;
    } catch (error) {
      throw asLdomsError(error, hostId);
    } finally {
      this.open.delete(session);
      await session.close();
    }
  }

  /** Closes every connection still open and opens no more; their reads fail with a connection error. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.open].map((s) => s.close()));
  }
}
