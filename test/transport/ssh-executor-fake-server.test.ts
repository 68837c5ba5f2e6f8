import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect as tcpConnect, createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Server, utils, type Connection, type ServerChannel } from "ssh2";
import { OutcomeUnknownError } from "../../src/transport/executor";
import { fingerprintOf } from "../../src/transport/host-key";
import { SshExecutor, type SshExecutorOptions } from "../../src/transport/ssh-executor";
import { TransportError } from "../../src/transport/transport-error";
import { generateEd25519 } from "../../src/lab-serving/ssh-server/keys";

/**
 * An in-test ssh2 server for what a real sshd will not do on demand: close a channel without an
 * exit status, die mid-command, report a signal, or speak only legacy algorithms.
 */
type Behaviour = (stream: ServerChannel, connection: Connection) => void;

const behaviours: Record<string, Behaviour> = {
  ok: (stream) => {
    stream.write("hello");
    stream.stderr.write("warning text");
    stream.exit(0);
    stream.end();
  },
  "no-exit": (stream) => {
    stream.write("partial");
    stream.close();
  },
  drop: (stream, connection) => {
    stream.write("started");
    setTimeout(() => connection.end(), 50);
  },
  hang: () => undefined, // never answers: the command runs forever
  signal: (stream) => {
    stream.exit("KILL");
    stream.end();
  },
};

/** A parseable ed25519 pair (ssh2's generator sometimes writes one its parser rejects). */
function ed25519(): { private: string; public: string } {
  const pair = generateEd25519();
  return { private: pair.privateKey, public: pair.publicKey };
}

let scratch: string;
let identityFile: string;
const servers: Server[] = [];
const executors: SshExecutor[] = [];

async function startServer(algorithms?: ConstructorParameters<typeof Server>[0]["algorithms"], keyType: "ed25519" | "rsa" = "ed25519"): Promise<{ port: number; fingerprint: string; connections: () => number }> {
  const hostKey = keyType === "rsa" ? utils.generateKeyPairSync("rsa", { bits: 2048 }) : ed25519();
  const parsed = utils.parseKey(hostKey.public);
  if (parsed instanceof Error) throw parsed;
  let connections = 0;
  const server = new Server({ hostKeys: [hostKey.private], ...(algorithms ? { algorithms } : {}) }, (connection) => {
    connections++;
    connection.on("error", () => undefined);
    connection.on("authentication", (context) => context.accept());
    connection.on("ready", () => {
      connection.on("session", (acceptSession) => {
        acceptSession().on("exec", (accept, _reject, info) => {
          const stream = accept();
          (behaviours[info.command] ?? behaviours.ok!)(stream, connection);
        });
      });
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as AddressInfo).port, fingerprint: fingerprintOf(parsed.getPublicSSH()), connections: () => connections };
}

function executor(port: number, fingerprint: string, overrides: Partial<SshExecutorOptions> = {}): SshExecutor {
  const created = new SshExecutor({ host: "127.0.0.1", port, user: "tester", identityFile, agent: false, hostKey: { fingerprints: [fingerprint] }, ...overrides });
  executors.push(created);
  return created;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "ldoms-fake-ssh-"));
  identityFile = join(scratch, "client_key");
  writeFileSync(identityFile, ed25519().private);
});

afterAll(async () => {
  await Promise.all(executors.map((e) => e.close()));
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  rmSync(scratch, { recursive: true, force: true });
});

describe("SshExecutor outcome decisions (in-test ssh2 server)", () => {
  it("decides by exit status even when stderr has text", async () => {
    const { port, fingerprint } = await startServer();
    expect(await executor(port, fingerprint).exec("ok")).toEqual({ exitStatus: 0, stdout: "hello", stderr: "warning text" });
  });

  it("rejects a channel that closes without exit status with OutcomeUnknownError", async () => {
    const { port, fingerprint } = await startServer();
    const error = await rejection(executor(port, fingerprint).exec("no-exit"));
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect((error as OutcomeUnknownError).reason).toBe("no-exit-status");
    expect((error as OutcomeUnknownError).commandLine).toBe("no-exit");
    expect(error.message).toContain("the channel closed without an exit status; the command may or may not have run");
  });

  it("rejects a command killed by a signal with OutcomeUnknownError", async () => {
    const { port, fingerprint } = await startServer();
    const error = (await rejection(executor(port, fingerprint).exec("signal"))) as OutcomeUnknownError;
    expect([error.name, error.reason]).toEqual(["OutcomeUnknownError", "signal"]);
    expect(error.message).toContain("killed by signal SIGKILL");
  });

  it("rejects every running command when the connection drops mid-command, then reconnects", async () => {
    const server = await startServer();
    const ssh = executor(server.port, server.fingerprint);
    const errors = (await Promise.all([rejection(ssh.exec("drop")), rejection(ssh.exec("drop"))])) as OutcomeUnknownError[];
    for (const dropped of errors) {
      expect(dropped).toBeInstanceOf(OutcomeUnknownError);
      expect(dropped.reason).toBe("connection-lost");
      expect(dropped.message).toContain(`connection to tester@127.0.0.1:${server.port}`);
    }
    expect((await ssh.exec("ok")).exitStatus).toBe(0);
    expect(ssh.stats.connections).toBe(2);
    expect(server.connections()).toBe(2);
  });

  it("times out a server that accepts TCP but never speaks SSH", async () => {
    const silent: TcpServer = createTcpServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const port = (silent.address() as AddressInfo).port;
      const started = Date.now();
      const error = (await rejection(executor(port, "SHA256:x", { connectTimeoutMs: 400 }).exec("ok"))) as TransportError;
      expect(error).toBeInstanceOf(TransportError);
      expect(error.kind).toBe("timeout");
      expect(error.message).toContain(`Timed out connecting to tester@127.0.0.1:${port} (no completed SSH handshake within 400 ms)`);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      silent.close();
    }
  });

  it("talks to a legacy-only server (SHA-1 kex, CBC, hmac-sha1, ssh-rsa) only with legacyAlgorithms", async () => {
    const { port, fingerprint } = await startServer(
      { kex: ["diffie-hellman-group14-sha1"], cipher: ["aes128-cbc"], hmac: ["hmac-sha1"], serverHostKey: ["ssh-rsa"] },
      "rsa",
    );
    const modern = (await rejection(executor(port, fingerprint).exec("ok"))) as TransportError;
    expect(modern.kind).toBe("protocol");
    expect(modern.message).toContain("try legacyAlgorithms");
    expect((await executor(port, fingerprint, { legacyAlgorithms: true }).exec("ok")).stdout).toBe("hello");
  });
  it("detects a silent network partition by keepalive and rejects the running command as outcome unknown", async () => {
    const server = await startServer();
    // A TCP relay that can go silent (drops everything) the way a cut network path does.
    const sockets: Socket[] = [];
    let frozen = false;
    const relay: TcpServer = createTcpServer((client) => {
      const upstream = tcpConnect(server.port, "127.0.0.1");
      sockets.push(client, upstream);
      client.on("data", (d) => { if (!frozen) upstream.write(d); });
      upstream.on("data", (d) => { if (!frozen) client.write(d); });
      client.on("error", () => undefined);
      upstream.on("error", () => undefined);
    });
    await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
    try {
      const ssh = executor((relay.address() as AddressInfo).port, server.fingerprint, { keepaliveIntervalMs: 100, keepaliveCountMax: 2 });
      expect((await ssh.exec("ok")).exitStatus).toBe(0);
      const running = rejection(ssh.exec("hang"));
      await new Promise((r) => setTimeout(r, 50));
      frozen = true;
      const started = Date.now();
      const error = (await running) as OutcomeUnknownError;
      expect(error).toBeInstanceOf(OutcomeUnknownError);
      expect(error.reason).toBe("connection-lost");
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      sockets.forEach((socket) => socket.destroy());
      relay.close();
    }
  });
});
