import { randomBytes } from "node:crypto";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { utils } from "ssh2";
import type { Inventory, InventoryEntry } from "../../model";
import { DEFAULT_LAB_USER, type ServableLab, labEndpoint, labHostIds } from "../executor-endpoints";
import { type RunningEndpointServer, type SshServingFaults, type SshServingStats, startEndpointServer } from "./endpoint-server";
import { fingerprintOf, persistentKeyPair } from "./keys";
import { openLabFromFile } from "./open-lab";

export interface StartLabServerOptions {
  /** The lab to serve. Default: a fresh in-memory lab loaded from `configFile`. */
  readonly lab?: ServableLab;
  /** Lab definition file, when `lab` is not given. Default the package's labs/default.json. */
  readonly configFile?: string;
  /** Folder for the host keys, the client key pair and known_hosts. Default the inventory's folder. */
  readonly stateDir?: string;
  /** Where the inventory JSON is written. Default `<stateDir>/inventory.json`, else `.lab/inventory.json`. */
  readonly inventoryFile?: string;
  /** The account name accepted and written in the inventory. Default `ldmops`. */
  readonly user?: string;
  readonly faults?: SshServingFaults;
}

export interface RunningLabServer {
  readonly inventory: Inventory;
  /** Absolute path of the inventory written. */
  readonly inventoryFile: string;
  /** Private key the servers accept (mode 0600). */
  readonly identityFile: string;
  /** known_hosts pinning every endpoint, for the OpenSSH client (`-o UserKnownHostsFile=`). */
  readonly knownHostsFile: string;
  readonly lab: ServableLab;
  readonly stats: SshServingStats;
  /** Stops every endpoint server and closes their connections. Idempotent. */
  close(): Promise<void>;
}

const LOOPBACK = "127.0.0.1";

/** Readers (an engine started alongside) never see half a file. */
function writeAtomically(path: string, text: string): void {
  const temporary = `${path}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}

function keyFileName(hostId: string): string {
  return `host_${hostId.replace(/[^A-Za-z0-9_.-]/g, "_")}_ed25519`;
}

/**
 * Serves every machine of a lab, and every guest with a guest model, over SSH on its own
 * loopback port, then writes the inventory the engine reads (`--inventory`). Keys are kept in
 * the state folder and reused, so fingerprints stay valid from one start to the next.
 */
export async function startLabServer(options: StartLabServerOptions = {}): Promise<RunningLabServer> {
  const inventoryFile = resolve(
    options.inventoryFile ?? (options.stateDir ? join(options.stateDir, "inventory.json") : join(".lab", "inventory.json")),
  );
  const stateDir = resolve(options.stateDir ?? dirname(inventoryFile));
  const lab = options.lab ?? openLabFromFile(options.configFile);
  const user = options.user ?? DEFAULT_LAB_USER;
  mkdirSync(stateDir, { recursive: true });

  const client = persistentKeyPair(stateDir, "client_ed25519");
  const clientKey = utils.parseKey(client.publicKey);
  if (clientKey instanceof Error) throw clientKey;
  const stats: SshServingStats = { connections: 0, authFailures: 0, execs: 0, cuts: 0, perHost: {} };

  const servers: RunningEndpointServer[] = [];
  const hosts: Record<string, InventoryEntry> = {};
  const knownHosts: string[] = [];
  try {
    const started = await Promise.all(
      labHostIds(lab).map(async (hostId) => {
        const hostKey = persistentKeyPair(stateDir, keyFileName(hostId));
        const server = await startEndpointServer({
          hostId,
          endpoint: labEndpoint(lab, hostId, user),
          hostKey: hostKey.privateKey,
          clientKey,
          user,
          faults: options.faults ?? {},
          stats,
          port: 0,
        });
        servers.push(server);
        return { hostId, server, publicKey: hostKey.publicKey };
      }),
    );
    for (const { hostId, server, publicKey } of [...started].sort((a, b) => (a.hostId < b.hostId ? -1 : 1))) {
      hosts[hostId] = {
        address: LOOPBACK,
        port: server.port,
        user,
        hostKey: fingerprintOf(publicKey),
        identityFile: client.privateKeyFile,
      };
      knownHosts.push(`[${LOOPBACK}]:${server.port} ${publicKey}`);
    }
  } catch (error) {
    await Promise.all(servers.map((s) => s.close()));
    throw error;
  }

  const inventory: Inventory = { hosts };
  mkdirSync(dirname(inventoryFile), { recursive: true });
  writeAtomically(inventoryFile, `${JSON.stringify(inventory, null, 2)}\n`);
  const knownHostsFile = join(stateDir, "known_hosts");
  writeAtomically(knownHostsFile, `${knownHosts.join("\n")}\n`);

  let closing: Promise<void> | undefined;
  return {
    inventory,
    inventoryFile,
    identityFile: client.privateKeyFile,
    knownHostsFile,
    lab,
    stats,
    close: () => (closing ??= Promise.all(servers.map((s) => s.close())).then(() => undefined)),
  };
}
