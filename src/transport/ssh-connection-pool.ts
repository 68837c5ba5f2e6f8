import { SshExecutor, type SshExecutorOptions, type SshExecutorStats } from "./ssh-executor";

/**
 * One SshExecutor (hence one connection) per `user@host:port` for a whole run. The first `get`
 * for a target decides its options; later calls return the same executor, so every part of the
 * engine that talks to a host shares its connection.
 */
export class SshConnectionPool {
  private readonly executors = new Map<string, SshExecutor>();

  /** Options applied under every target's own (e.g. timeouts, channel cap, TOFU callback). */
  constructor(private readonly defaults: Partial<SshExecutorOptions> = {}) {}

  get(options: SshExecutorOptions): SshExecutor {
    const key = `${options.user}@${options.host}:${options.port ?? 22}`;
    let executor = this.executors.get(key);
    if (!executor) {
      executor = new SshExecutor({ ...this.defaults, ...options });
      this.executors.set(key, executor);
    }
    return executor;
  }

  /** Counters per target and in total. */
  get stats(): { readonly connections: number; readonly execs: number; readonly perTarget: Record<string, SshExecutorStats> } {
    const perTarget: Record<string, SshExecutorStats> = {};
    let connections = 0;
    let execs = 0;
    for (const [key, executor] of this.executors) {
      const stats = executor.stats;
      perTarget[key] = stats;
      connections += stats.connections;
      execs += stats.execs;
    }
    return { connections, execs, perTarget };
  }

  async closeAll(): Promise<void> {
    const executors = [...this.executors.values()];
    this.executors.clear();
    await Promise.all(executors.map((executor) => executor.close()));
  }
}
