/**
 * A small TCP proxy on loopback for fault and latency tests: forwards to a target port, can delay
 * every chunk (half the round trip each way), and can cut every open connection at once (the
 * client sees a dropped connection; new connections are accepted again right after).
 */
import { createServer, connect, type Server, type Socket } from "node:net";

export interface TcpProxyOptions {
  readonly targetPort: number;
  readonly targetHost?: string;
  /** Added round-trip time in milliseconds (half on each direction). Default 0. */
  readonly rttMs?: number;
}

export interface TcpProxy {
  readonly port: number;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Destroys every open connection (both sides). Returns how many were cut. */
  cutAll(): number;
  close(): Promise<void>;
}

/** Forwards chunks in order, each held back by `delayMs` (a constant one-way delay). */
function pipeDelayed(from: Socket, to: Socket, delayMs: number): void {
  if (delayMs <= 0) {
    from.pipe(to);
    return;
  }
  from.on("data", (chunk: Buffer) => {
    setTimeout(() => {
      if (!to.destroyed) to.write(chunk);
    }, delayMs);
  });
  from.on("end", () => setTimeout(() => to.end(), delayMs));
}

export async function startTcpProxy(options: TcpProxyOptions): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let accepted = 0;
  const oneWay = (options.rttMs ?? 0) / 2;
  const server: Server = createServer((client) => {
    accepted++;
    const upstream = connect(options.targetPort, options.targetHost ?? "127.0.0.1");
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    open.add(client);
    open.add(upstream);
    const closeBoth = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on("error", closeBoth);
    upstream.on("error", closeBoth);
    client.on("close", closeBoth);
    upstream.on("close", closeBoth);
    pipeDelayed(client, upstream, oneWay);
    pipeDelayed(upstream, client, oneWay);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    port,
    get connections() {
      return accepted;
    },
    cutAll() {
      const sockets = [...open];
      for (const socket of sockets) socket.destroy();
      open.clear();
      return sockets.length / 2;
    },
    close() {
      for (const socket of open) socket.destroy();
      open.clear();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
