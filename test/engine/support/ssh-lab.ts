/**
 * The example lab served over SSH (the lab's ssh2 server), optionally behind one TCP proxy per
 * host (latency, cuts), with the inventory the engine reads.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Lab } from "../../../src/lab/lab";
import { loadLabDefinition } from "../../../src/lab/definition";
import { startLabServer, type RunningLabServer, type SshExecInfo } from "../../../src/lab-serving/ssh-server";
import type { Inventory, InventoryEntry } from "../../../src/model";
import { startTcpProxy, type TcpProxy } from "../../../test-kit/tcp-proxy";
import { observedLab } from "../../../test-kit/observed-lab";
import { exampleLabJson } from "./engine-lab";

export interface SshLab {
  readonly lab: Lab;
  readonly server: RunningLabServer;
  /** Inventory pointing at the proxies when there are any, else at the servers. */
  readonly inventory: Inventory;
  readonly proxies: ReadonlyMap<string, TcpProxy>;
  readonly stateDir: string;
  close(): Promise<void>;
}

export interface SshLabOptions {
  readonly json?: object;
  /** Put a TCP proxy in front of every machine. */
  readonly proxy?: boolean;
  readonly rttMs?: number;
  /** Called for every exec the server runs (before running it). */
  readonly onExec?: (info: SshExecInfo, proxies: ReadonlyMap<string, TcpProxy>) => void;
  /** Called after every `ldm` command the lab ran, with whether it was a mutating one. */
  readonly afterLdm?: (machine: string, mutating: boolean, proxies: ReadonlyMap<string, TcpProxy>) => void;
  /** Reuse host and client keys across labs (saves key generation). */
  readonly stateDir?: string;
}

export async function startSshLab(options: SshLabOptions = {}): Promise<SshLab> {
  const ownDir = options.stateDir === undefined;
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), "ldoms-engine-ssh-"));
  const lab = Lab.fromDefinition(loadLabDefinition(options.json ?? exampleLabJson(), "engine ssh lab"));
  const proxies = new Map<string, TcpProxy>();
  const servable = observedLab(lab, (machine, _argv, mutating) => options.afterLdm?.(machine, mutating, proxies));
  const server = await startLabServer({
    lab: servable,
    stateDir,
    faults: {
      cut: (info) => {
        options.onExec?.(info, proxies);
        return undefined;
      },
    },
  });
  const hosts: Record<string, InventoryEntry> = { ...server.inventory.hosts };
  if (options.proxy) {
    for (const id of lab.machineNames()) {
      const entry = hosts[id]!;
      const proxy = await startTcpProxy({ targetPort: entry.port, ...(options.rttMs ? { rttMs: options.rttMs } : {}) });
      proxies.set(id, proxy);
      hosts[id] = { ...entry, port: proxy.port };
    }
  }
  return {
    lab,
    server,
    inventory: { hosts },
    proxies,
    stateDir,
    async close() {
      await Promise.all([...proxies.values()].map((p) => p.close()));
      await server.close();
      if (ownDir) rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
