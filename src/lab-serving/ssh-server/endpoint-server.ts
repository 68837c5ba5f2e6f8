import type { AddressInfo } from "node:net";
import { type Connection, type ParsedKey, Server, type ServerChannel } from "ssh2";
import { type ShellEndpoint, runCommandLine } from "../shell";

/** One exec request as the fault hook sees it. */
export interface SshExecInfo {
  readonly hostId: string;
  /** 1-based count of execs over the whole lab server, including this one. */
  readonly execIndex: number;
  readonly commandLine: string;
}

/** Fault injection on the SSH path. */
export interface SshServingFaults {
  /** Delay before running each exec, standing for a slow network. Default 0. */
  readonly latencyMs?: number;
  /**
   * The exec with this server-wide number runs, then its connection is dropped before the exit
   * status is sent (outcome unknown to the client). Once; later connections work.
   */
  readonly cutAfterExecs?: number;
  /** Per exec: drop the connection `before` running it or `after` (without exit status). */
  readonly cut?: (info: SshExecInfo) => "before" | "after" | undefined;
}

export interface SshServingStats {
  connections: number;
  authFailures: number;
  execs: number;
  cuts: number;
  perHost: Record<string, { connections: number; execs: number }>;
}

export interface EndpointServerOptions {
  readonly hostId: string;
  readonly endpoint: ShellEndpoint;
  /** Host private key (OpenSSH text). */
  readonly hostKey: string;
  /** The one client public key accepted. */
  readonly clientKey: ParsedKey;
  /** The one account name accepted. */
  readonly user: string;
  readonly faults: SshServingFaults;
  readonly stats: SshServingStats;
  /** Port to listen on (127.0.0.1); 0 picks a free one. */
  readonly port: number;
}

const SHELL_REFUSAL =
  "This lab endpoint runs single commands only (ssh HOST 'COMMAND'); interactive shells, " +
  "subsystems such as sftp, and forwarding are not supported by the lab.\n";

export interface RunningEndpointServer {
  readonly hostId: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Serves one lab endpoint over SSH on 127.0.0.1: public-key auth for one key, exec only. */
export async function startEndpointServer(options: EndpointServerOptions): Promise<RunningEndpointServer> {
  const { hostId, stats, faults } = options;
  const perHost = (stats.perHost[hostId] ??= { connections: 0, execs: 0 });
  const clients = new Set<Connection>();
  const clientBlob = options.clientKey.getPublicSSH();

  const server = new Server({ hostKeys: [options.hostKey], ident: "ldoms-lab" }, (client) => {
    clients.add(client);
    // Replies are a few small packets (data, exit-status, eof, close): without this, Nagle's
    // algorithm and delayed ACKs add tens of milliseconds to every exec.
    // (ssh2 has the method on server connections; its type declarations lack it.)
    (client as Connection & { setNoDelay(noDelay: boolean): unknown }).setNoDelay(true);
    stats.connections += 1;
    perHost.connections += 1;
    client.on("close", () => clients.delete(client));
    client.on("error", () => clients.delete(client));

    client.on("authentication", (ctx) => {
      if (ctx.method !== "publickey" || ctx.username !== options.user) {
        if (ctx.method !== "none") stats.authFailures += 1;
        ctx.reject(["publickey"]);
        return;
      }
      if (ctx.key.algo !== options.clientKey.type || !ctx.key.data.equals(clientBlob)) {
        stats.authFailures += 1;
        ctx.reject(["publickey"]);
        return;
      }
      if (ctx.signature && ctx.blob && options.clientKey.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true) {
        stats.authFailures += 1;
        ctx.reject(["publickey"]);
        return;
      }
      ctx.accept();
    });

    client.on("ready", () => {
      client.on("session", (acceptSession) => {
        const session = acceptSession();
        session.on("pty", (_accept, reject) => reject?.());
        session.on("shell", (accept) => refuse(accept()));
        session.on("subsystem", (accept) => refuse(accept()));
        session.on("exec", (accept, _reject, info) => {
          const channel = accept();
          channel.on("error", () => undefined);
          stats.execs += 1;
          perHost.execs += 1;
          const execInfo: SshExecInfo = { hostId, execIndex: stats.execs, commandLine: info.command };
          void serveExec(options.endpoint, channel, execInfo, faults, () => {
            stats.cuts += 1;
            client.end();
          });
        });
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    hostId,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of clients) client.end();
        server.close(() => resolve());
      }),
  };
}

function refuse(channel: ServerChannel): void {
  channel.on("error", () => undefined);
  channel.stderr.write(SHELL_REFUSAL);
  channel.exit(1);
  channel.end();
}

async function serveExec(
  endpoint: ShellEndpoint,
  channel: ServerChannel,
  info: SshExecInfo,
  faults: SshServingFaults,
  cutConnection: () => void,
): Promise<void> {
  if (faults.latencyMs) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));
  const cut = faults.cut?.(info) ?? (faults.cutAfterExecs === info.execIndex ? "after" : undefined);
  if (cut === "before") {
    cutConnection();
    return;
  }
  let stdout: string;
  let stderr: string;
  let status: number;
  try {
    const result = await runCommandLine(endpoint, info.commandLine);
    ({ stdout, stderr, exitStatus: status } = result);
  } catch (error) {
    // A fault of the lab itself, not of the command: say so and use a status ldm never gives.
    stdout = "";
    stderr = `ldoms lab: internal error: ${error instanceof Error ? error.message : String(error)}\n`;
    status = 125;
  }
  if (cut === "after") {
    cutConnection();
    return;
  }
  if (stdout) channel.write(stdout);
  if (stderr) channel.stderr.write(stderr);
  channel.exit(status);
  channel.end();
}
