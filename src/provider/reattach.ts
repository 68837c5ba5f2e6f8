/**
 * The provider served to Terraform from a process that outlives each Terraform command
 * (`ldoms provider serve`): Terraform attaches to it through TF_REATTACH_PROVIDERS instead of
 * starting the provider itself, three times per plan. It listens on a Unix socket in a folder
 * of its own (mode 0700): only the user who runs it can reach it, with no TLS to set up.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ServerCredentials } from "@grpc/grpc-js";
import type { ConnectHost } from "../engine";
import { PLUGIN_PROTOCOL_VERSION } from "./handshake";
import { PROVIDER_ADDRESS } from "./install-layout";
import { LazyProvider } from "./lazy-provider";
import { bindTo, providerServer } from "./serve";

/** The environment variable Terraform reads the served providers from. */
export const REATTACH_VARIABLE = "TF_REATTACH_PROVIDERS";

export interface ReattachOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly connect?: ConnectHost;
}

export interface ServedProvider {
  /** The value of TF_REATTACH_PROVIDERS. */
  readonly reattach: string;
  readonly socket: string;
  /** Resolves once the server has stopped (stop(), or a client's Shutdown). */
  readonly done: Promise<void>;
  /** Loads what the first ConfigureProvider needs: call once the command that attaches is started. */
  warm(): Promise<void>;
  /** Stops serving and removes the socket's folder. */
  stop(): Promise<void>;
}

/**
 * TF_REATTACH_PROVIDERS for one provider. `Test: true` tells Terraform (go-plugin) that it did
 * not start the process: it neither shuts the provider down nor kills it after a command.
 */
export function reattachValue(socket: string, pid: number): string {
  return JSON.stringify({
    [PROVIDER_ADDRESS]: { Protocol: "grpc", ProtocolVersion: PLUGIN_PROTOCOL_VERSION, Pid: pid, Test: true, Addr: { Network: "unix", String: socket } },
  });
}

export async function serveForReattach(options: ReattachOptions): Promise<ServedProvider> {
  const folder = mkdtempSync(join(tmpdir(), "ldoms-provider-"));
  const socket = join(folder, "provider.sock");
  const provider = new LazyProvider(options.connect, options.cwd, options.env);
  const { server, done, shutdown } = providerServer(provider);
  try {
    await bindTo(server, ServerCredentials.createInsecure(), `unix:${socket}`);
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }
  const finished = done.finally(() => rmSync(folder, { recursive: true, force: true }));
  return {
    reattach: reattachValue(socket, process.pid),
    socket,
    done: finished,
    warm: () => provider.warm(),
    stop: () => {
      shutdown();
      return finished;
    },
  };
}
