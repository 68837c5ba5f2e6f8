/**
 * Runs the provider as Terraform starts it: check the handshake environment, listen on a
 * loopback port (mutual TLS when Terraform sent its certificate), print the handshake line, and
 * serve until the controller's Shutdown.
 */
import { Server, ServerCredentials } from "@grpc/grpc-js";
import type { ConnectHost } from "../engine";
import { handshakeLine, handshakeRefusal } from "./handshake";
import { brokerImplementation, controllerImplementation, healthImplementation, OpenStreams, stdioImplementation } from "./plugin-services";
import { protocolServices } from "./protocol";
import { providerImplementation } from "./provider-service";
import { LazyProvider } from "./lazy-provider";
import { clientCertificate, makeServerCertificate } from "./tls";

export interface ServeOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Where the handshake line goes (stdout: go-plugin reads it there). */
  readonly writeHandshake?: (line: string) => void;
  readonly writeError?: (text: string) => void;
  readonly connect?: ConnectHost;
  /** Resolves once the server listens, with its handshake line (tests). */
  readonly onListening?: (line: string) => void;
}

/** Shutdown waits this long for calls in flight before it cuts them. */
const SHUTDOWN_GRACE_MS = 2_000;
/** Terraform's own limit for plugin messages (large schemas and states). */
const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

function credentialsFor(env: NodeJS.ProcessEnv): { credentials: ServerCredentials; der?: Buffer } {
  const clientCert = clientCertificate(env);
  if (!clientCert) return { credentials: ServerCredentials.createInsecure() };
  const own = makeServerCertificate();
  const credentials = ServerCredentials.createSsl(Buffer.from(clientCert), [{ private_key: Buffer.from(own.keyPem), cert_chain: Buffer.from(own.certPem) }], true);
  return { credentials, der: own.der };
}

/** Binds `address` (`127.0.0.1:PORT`, `unix:PATH`); resolves with the port bound. */
export function bindTo(server: Server, credentials: ServerCredentials, address: string): Promise<number> {
  return new Promise((resolve, reject) => server.bindAsync(address, credentials, (error, bound) => (error ? reject(error) : resolve(bound))));
}

/** The ports to try: any (0), or PLUGIN_MIN_PORT..PLUGIN_MAX_PORT when the environment limits them. */
export function portRange(env: NodeJS.ProcessEnv): { min: number; max: number } {
  const min = env["PLUGIN_MIN_PORT"]?.trim();
  const max = env["PLUGIN_MAX_PORT"]?.trim();
  if (!min && !max) return { min: 0, max: 0 };
  const low = Number(min || "1");
  const high = Number(max || "65535");
  if (!Number.isInteger(low) || !Number.isInteger(high) || low < 1 || high > 65535 || low > high) {
    throw new Error(`PLUGIN_MIN_PORT ${min ?? "(unset)"} and PLUGIN_MAX_PORT ${max ?? "(unset)"} do not give a port range (1-65535, min <= max)`);
  }
  return { min: low, max: high };
}

async function bind(server: Server, credentials: ServerCredentials, env: NodeJS.ProcessEnv): Promise<number> {
  const { min, max } = portRange(env);
  let last: unknown;
  for (let port = min; port <= max; port++) {
    try {
      return await bindTo(server, credentials, `127.0.0.1:${port}`);
    } catch (error) {
      last = error;
    }
  }
  throw new Error(`no free port on 127.0.0.1 from ${min} to ${max}: ${last instanceof Error ? last.message : String(last)}`);
}

/** A provider's gRPC server with every service added; `done` resolves once it has shut down. */
export interface ProviderServer {
  readonly server: Server;
  readonly done: Promise<void>;
  /** Ends the open streams, closes the hosts' connections, then the server (cut after a grace period). */
  shutdown(): void;
}

/** The server of `provider`: the controller's Shutdown (go-plugin) ends it. */
export function providerServer(provider: LazyProvider): ProviderServer {
  const services = protocolServices();
  const server = new Server({ "grpc.max_receive_message_length": MAX_MESSAGE_BYTES, "grpc.max_send_message_length": MAX_MESSAGE_BYTES });
  const open = new OpenStreams();
  let stopped: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (stopped = resolve));
  let shuttingDown = false;
  const shutdown = () => {
    if (shuttingDown) return;
    shuttingDown = true;
    open.endAll();
    const cut = setTimeout(() => (server.forceShutdown(), stopped()), SHUTDOWN_GRACE_MS);
    void provider.close().finally(() => server.tryShutdown(() => (clearTimeout(cut), stopped())));
  };
  server.addService(services.provider, providerImplementation(services.provider, provider));
  server.addService(services.health, healthImplementation());
  server.addService(services.controller, controllerImplementation(shutdown));
  server.addService(services.stdio, stdioImplementation(open));
  server.addService(services.broker, brokerImplementation(open));
  return { server, done, shutdown };
}

/** Serves until Shutdown; resolves with the process exit code (1 when not started by Terraform). */
export async function serveProvider(options: ServeOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  const writeError = options.writeError ?? ((text: string) => process.stderr.write(text));
  const refusal = handshakeRefusal(env);
  if (refusal) {
    writeError(`${refusal}\n`);
    return 1;
  }
  const { server, done } = providerServer(new LazyProvider(options.connect, options.cwd ?? process.cwd(), env));
  const { credentials, der } = credentialsFor(env);
  const port = await bind(server, credentials, env);
  const line = handshakeLine({ network: "tcp", address: `127.0.0.1:${port}` }, der);
  (options.writeHandshake ?? ((l: string) => process.stdout.write(`${l}\n`)))(line);
  // Terraform copies the plugin's stderr into its log (TF_LOG): say how the channel is secured.
  writeError(`terraform-provider-ldoms: plugin protocol 6 on 127.0.0.1:${port}, ${der ? "mutual TLS with Terraform's certificate" : "no TLS (Terraform sent no client certificate)"}\n`);
  options.onListening?.(line);
  await done;
  return 0;
}
