/**
 * Reads of control domains for the data sources: one connection and one batched `ldm` read per
 * host per provider process (Terraform starts one process per command), shared by every data
 * source naming that host; StopProvider closes the connections of reads still running.
 */
import { asLdomsError, engineHosts, HostSession, readHost, type ConnectHost, type ObservedHost } from "../engine";
import { retryUnknown } from "../engine/retry-unknown";
import type { ProviderConfiguration } from "./configuration";

export class HostReads {
  private readonly reads = new Map<string, Promise<ObservedHost>>();
  private readonly open = new Set<HostSession>();

  constructor(private readonly connect: ConnectHost) {}

  /** The host as it is now; rejects with the LdomsError `ldoms plan` would report for it. */
  read(configuration: ProviderConfiguration, hostId: string): Promise<ObservedHost> {
    const cached = this.reads.get(hostId);
    if (cached) return cached;
    const read = this.readOnce(configuration, hostId);
    this.reads.set(hostId, read);
    // A failed read is not kept: a later data source may find the host back.
    read.catch(() => this.reads.delete(hostId));
    return read;
  }

  private async readOnce(configuration: ProviderConfiguration, hostId: string): Promise<ObservedHost> {
    const [host] = engineHosts(configuration.document, { ...(configuration.inventory ? { inventory: configuration.inventory } : {}), hostIds: [hostId] });
    if (!host) throw new Error(`engineHosts returned no host for ${hostId}`);
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

  /** Closes every connection still open; their reads fail with a connection error. */
  async stop(): Promise<void> {
    await Promise.all([...this.open].map((s) => s.close()));
  }
}
