/**
 * Changes this provider process makes run one host at a time: each takes the host's lock, and
 * a second run's lock on the same host would fail at once (Terraform applies resources in
 * parallel). Shared by every resource type, so a VF, a vnet and a migration on one host queue.
 */
export class HostQueue {
  private readonly queues = new Map<string, Promise<unknown>>();

  /** Runs `work` after the earlier changes of `hostId` are done (failed or not). */
  onHost<T>(hostId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(hostId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    this.queues.set(hostId, next.catch(() => undefined));
    return next;
  }

  /** Runs `work` once every host of `hostIds` is free, taken in sorted order so two such runs cannot wait for each other. */
  onHosts<T>(hostIds: readonly string[], work: () => Promise<T>): Promise<T> {
    const [first, ...rest] = [...new Set(hostIds)].sort();
    if (first === undefined) return work();
    return this.onHost(first, () => this.onHosts(rest, work));
  }
}
