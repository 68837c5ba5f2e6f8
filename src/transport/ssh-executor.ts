import { readFileSync } from "node:fs";
import { Client, utils, type ClientChannel, type ConnectConfig, type ServerHostKeyAlgorithm } from "ssh2";
import { ChannelLimiter } from "./channel-limiter";
import { OutcomeUnknownError, type ExecOptions, type ExecResult, type RemoteExecutor } from "./executor";
import { CappedOutput, OutputLimitError, outputLimit } from "./output-limit";
import { keyTypeOf, parseKnownHosts, preferredHostKeyAlgorithms, verifyHostKey, type HostKeyPolicy, type KnownHostEntry } from "./host-key";
import { LEGACY_ALGORITHMS } from "./legacy-algorithms";
import { TransportError } from "./transport-error";

/** OpenSSH's default `MaxSessions`; the channel cap must stay below it. */
export const OPENSSH_MAX_SESSIONS = 10;

export interface SshExecutorOptions {
  readonly host: string;
  /** Default 22. */
  readonly port?: number;
  readonly user: string;
  /** Name used in messages; default `user@host:port`. */
  readonly label?: string;
  /** How the host key is checked. Pin a fingerprint or name a known_hosts file (or both). */
  readonly hostKey: HostKeyPolicy;
  /** Private key file (OpenSSH or PEM, without passphrase). */
  readonly identityFile?: string;
  /** ssh-agent socket; default `SSH_AUTH_SOCK` from the environment; `false` to not use an agent. */
  readonly agent?: string | false;
  /** Limit for TCP connect + SSH handshake + authentication. Default 20000 ms. */
  readonly connectTimeoutMs?: number;
  /** Default per-command limit when `exec` gets none. Default 0 = no limit. */
  readonly commandTimeoutMs?: number;
  /** Most bytes kept per stream of a command when `exec` gets none. Default 16 MiB (DEFAULT_MAX_OUTPUT_BYTES). */
  readonly maxOutputBytes?: number;
  /** Keepalive probe interval. Default 15000 ms; 0 disables. */
  readonly keepaliveIntervalMs?: number;
  /** Unanswered keepalives before the connection counts as lost. Default 3. */
  readonly keepaliveCountMax?: number;
  /** Concurrent channels on the connection; more `exec`s queue. Default 4, at most 9. */
  readonly maxChannels?: number;
  /** Also offer the SHA-1/CBC algorithms of old Solaris sshd (see LEGACY_ALGORITHMS). Default false. */
  readonly legacyAlgorithms?: boolean;
  /** Called when trust-on-first-use accepted a key, with its fingerprint, so it can be pinned. */
  readonly onHostKeyLearned?: (event: HostKeyLearned) => void;
}

export interface HostKeyLearned {
  readonly target: string;
  readonly host: string;
  readonly port: number;
  readonly keyType: string;
  readonly fingerprint: string;
}

/** Counters for one executor: the engine's benchmark proves "1 connection, 1 read exec per host". */
export interface SshExecutorStats {
  /** Successful SSH connections (handshake and authentication done). */
  readonly connections: number;
  /** Connection attempts, successful or not. */
  readonly connectAttempts: number;
  /** Commands started (`exec` calls that got a connection). */
  readonly execs: number;
  /** Highest number of channels open at once. */
  readonly peakChannels: number;
}

/**
 * RemoteExecutor over one ssh2 connection: connected lazily on the first `exec`, reused by every
 * later one, reconnected only if it was lost. The outcome of a command is its exit status; a
 * channel that closes without one, a connection lost mid-command, and a command timeout reject
 * with OutcomeUnknownError (the command may have run). Failing to connect or authenticate
 * rejects with TransportError (nothing ran).
 */
export class SshExecutor implements RemoteExecutor {
  readonly label: string;
  readonly target: string;
  /** Fingerprint accepted by trust-on-first-use on this executor, if any. */
  learnedHostKey?: string;

  private readonly port: number;
  private readonly limiter: ChannelLimiter;
  private client?: Client;
  private connecting?: Promise<Client>;
  private closed = false;
  private counters = { connections: 0, connectAttempts: 0, execs: 0 };
  /** Per connection: rejecters of the commands running on it, called when it is lost. */
  private readonly inFlight = new Map<Client, Set<(error: Error) => void>>();

  constructor(private readonly options: SshExecutorOptions) {
    this.port = options.port ?? 22;
    this.target = `${options.user}@${options.host}:${this.port}`;
    this.label = options.label ?? this.target;
    const maxChannels = options.maxChannels ?? 4;
    if (!Number.isInteger(maxChannels) || maxChannels < 1 || maxChannels >= OPENSSH_MAX_SESSIONS) {
      throw new TransportError(
        "config",
        `maxChannels for ${this.target} is ${maxChannels}; use an integer from 1 to ${OPENSSH_MAX_SESSIONS - 1}, since OpenSSH refuses more than MaxSessions (${OPENSSH_MAX_SESSIONS} by default) channels per connection.`,
        this.target,
      );
    }
    this.limiter = new ChannelLimiter(maxChannels);
  }

  get stats(): SshExecutorStats {
    return { ...this.counters, peakChannels: this.limiter.peak };
  }

  async exec(commandLine: string, options: ExecOptions = {}): Promise<ExecResult> {
    if (this.closed) throw new TransportError("config", `The SSH executor for ${this.target} is closed; create a new one.`, this.target);
    await this.limiter.acquire();
    try {
      const client = await this.connection();
      this.counters.execs++;
      const limit = outputLimit(this.label, options.maxOutputBytes, this.options.maxOutputBytes);
      return await this.run(client, commandLine, options.timeoutMs ?? this.options.commandTimeoutMs ?? 0, options.stdin, limit);
    } finally {
      this.limiter.release();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client ?? (await this.connecting?.catch(() => undefined));
    this.client = undefined;
    this.connecting = undefined;
    if (client) {
      await new Promise<void>((resolve) => {
        client.once("close", () => resolve());
        client.end();
        setTimeout(resolve, 1000).unref();
      });
    }
  }

  private connection(): Promise<Client> {
    if (this.client) return Promise.resolve(this.client);
    if (!this.connecting) {
      this.connecting = this.connect().then(
        (client) => {
          this.client = client;
          this.connecting = undefined;
          return client;
        },
        (error: unknown) => {
          this.connecting = undefined;
          throw error;
        },
      );
    }
    return this.connecting;
  }

  private connect(): Promise<Client> {
    const { host, user } = this.options;
    const port = this.port;
    const { entries: knownHosts, missing: knownHostsMissing } = this.loadKnownHosts();
    const config: ConnectConfig = {
      host,
      port,
      username: user,
      readyTimeout: this.options.connectTimeoutMs ?? 20_000,
      keepaliveInterval: this.options.keepaliveIntervalMs ?? 15_000,
      keepaliveCountMax: this.options.keepaliveCountMax ?? 3,
      ...this.authConfig(),
      ...this.algorithmConfig(knownHosts),
    };
    this.counters.connectAttempts++;
    return new Promise<Client>((resolve, reject) => {
      const client = new Client();
      let hostKeyError: TransportError | undefined;
      let ready = false;
      config.hostVerifier = (key: Buffer): boolean => {
        const verdict = verifyHostKey(this.options.hostKey, host, port, key, knownHosts, knownHostsMissing);
        if (!verdict.ok) {
          hostKeyError = hostKeyRefusal(this.target, this.options.hostKey, verdict.kind, verdict.fingerprint, verdict.expected, verdict.reason, knownHostsMissing ? { host, port } : undefined);
          return false;
        }
        if (verdict.learned) {
          this.learnedHostKey = verdict.fingerprint;
          this.options.onHostKeyLearned?.({ target: this.target, host, port, keyType: keyTypeOf(key), fingerprint: verdict.fingerprint });
        }
        return true;
      };
      const lost = (why: string) => {
        if (this.client === client) this.client = undefined;
        const error = new Error(why);
        for (const rejectCommand of [...(this.inFlight.get(client) ?? [])]) rejectCommand(error);
        this.inFlight.delete(client);
      };
      client.on("ready", () => {
        ready = true;
        // Small command/answer exchanges: without this, Nagle's algorithm adds ~40 ms per exec.
        (client as Client & { setNoDelay(noDelay: boolean): unknown }).setNoDelay(true);
        this.counters.connections++;
        this.inFlight.set(client, new Set());
        resolve(client);
      });
      client.on("error", (error: Error & { level?: string; code?: string }) => {
        if (!ready) reject(hostKeyError ?? connectFailure(this.target, this.options, error));
        else lost(`connection to ${this.target} failed: ${error.message}`);
      });
      client.on("close", () => {
        if (!ready) reject(hostKeyError ?? new TransportError("unreachable", `The connection to ${this.target} closed during the SSH handshake. Check that an SSH server listens there and accepts this client (see its log).`, this.target));
        else lost(`connection to ${this.target} closed`);
      });
      client.connect(config);
    });
  }

  private run(client: Client, commandLine: string, timeoutMs: number, stdin: string | undefined, maxOutputBytes: number): Promise<ExecResult> {
    return new Promise<ExecResult>((resolve, reject) => {
      const stdout = new CappedOutput(maxOutputBytes);
      const stderr = new CappedOutput(maxOutputBytes);
      let exitStatus: number | undefined;
      let exitSignal: string | undefined;
      let channel: ClientChannel | undefined;
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const finish = (outcome: { result: ExecResult } | { error: Error }) => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        commands?.delete(onLost);
        if ("result" in outcome) resolve(outcome.result);
        else reject(outcome.error);
      };
      const unknown = (message: string, reason: OutcomeUnknownError["reason"]) =>
        finish({
          error: new OutcomeUnknownError(`${this.label}: ${message}; the command may or may not have run: re-read the host's state before retrying. Command: ${commandLine}`, commandLine, reason, {
            label: this.label,
            detail: message,
            ...(reason === "timeout" ? { timeoutMs } : {}),
          }),
        });
      const onLost = (error: Error) => unknown(`${error.message} while the command ran`, "connection-lost");
      const commands = this.inFlight.get(client);
      commands?.add(onLost);
      if (timeoutMs > 0) {
        timer = setTimeout(() => {
          unknown(`no exit status after ${timeoutMs} ms (command timeout)`, "timeout");
          closeChannel(channel);
        }, timeoutMs);
      }
      client.exec(commandLine, (error, stream) => {
        if (error) {
          // The exec request itself was refused or the channel never opened: nothing ran, unless
          // the connection went away at the same time, in which case the outcome is unknown.
          if (this.client !== client) unknown(`connection lost (${error.message})`, "connection-lost");
          else finish({ error: new TransportError("protocol", `${this.target} refused to run a command: ${error.message}. The server may limit sessions (MaxSessions) or forbid exec for this account.`, this.target, { cause: error }) });
          return;
        }
        channel = stream;
        if (settled) {
          closeChannel(stream); // timed out or lost before the channel opened
          return;
        }
        const keep = (output: CappedOutput, name: "stdout" | "stderr") => (chunk: Buffer) => {
          if (settled || output.push(chunk)) return;
          finish({ error: new OutputLimitError(this.label, commandLine, name, maxOutputBytes) });
          closeChannel(stream);
        };
        stream.on("data", keep(stdout, "stdout"));
        stream.stderr.on("data", keep(stderr, "stderr"));
        stream.on("exit", (code: number | null, signal?: string) => {
          if (typeof code === "number") exitStatus = code;
          else if (signal) exitSignal = signal;
        });
        stream.on("close", () => {
          if (exitStatus !== undefined) {
            finish({ result: { exitStatus, stdout: stdout.text(), stderr: stderr.text() } });
          } else if (exitSignal !== undefined) {
            unknown(`the command was killed by signal ${exitSignal}`, "signal");
          } else if (this.client !== client) {
            unknown("the connection was lost", "connection-lost");
          } else {
            unknown("the channel closed without an exit status", "no-exit-status");
          }
        });
        stream.on("error", () => undefined); // a close always follows; decided there
        stream.end(stdin ?? undefined);
      });
    });
  }

  /** The known_hosts entries (none when no file is configured), and whether the file is missing. */
  private loadKnownHosts(): { entries: KnownHostEntry[] | undefined; missing: boolean } {
    const path = this.options.hostKey.knownHostsFile;
    if (path === undefined) return { entries: undefined, missing: false };
    try {
      return { entries: parseKnownHosts(readFileSync(path, "utf8")), missing: false };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // A pinned fingerprint or trust-on-first-use may still decide; the refusal says the file is missing.
      if (code === "ENOENT") return { entries: [], missing: true };
      throw new TransportError("config", `Cannot read the known_hosts file ${path} for ${this.target} (${code ?? String(error)}). Point hostKey.knownHostsFile at a readable file, or pin the host key fingerprint instead.`, this.target, { cause: error });
    }
  }

  private authConfig(): Partial<ConnectConfig> {
    const config: { privateKey?: Buffer; agent?: string } = {};
    const agent = this.options.agent === undefined ? process.env.SSH_AUTH_SOCK : this.options.agent || undefined;
    if (agent) config.agent = agent;
    const identityFile = this.options.identityFile;
    if (identityFile !== undefined) {
      let key: Buffer;
      try {
        key = readFileSync(identityFile);
      } catch (error) {
        throw new TransportError("auth", `Cannot read the identity file ${identityFile} for ${this.target} (${(error as NodeJS.ErrnoException).code ?? String(error)}). Check the path and its permissions, or use ssh-agent (SSH_AUTH_SOCK).`, this.target, { cause: error });
      }
      const parsed = utils.parseKey(key);
      if (parsed instanceof Error) {
        const encrypted = /encrypted|passphrase/i.test(parsed.message);
        throw new TransportError(
          "auth",
          encrypted
            ? `The identity file ${identityFile} for ${this.target} is protected by a passphrase, which is not supported here. Load it into ssh-agent (ssh-add ${identityFile}) and leave identityFile unset, or use a dedicated key without passphrase.`
            : `The identity file ${identityFile} for ${this.target} is not a private key ssh2 can read (${parsed.message}). Use an OpenSSH or PEM private key (ssh-keygen -t ed25519).`,
          this.target,
          { cause: parsed },
        );
      }
      config.privateKey = key;
    }
    if (config.privateKey === undefined && config.agent === undefined) {
      throw new TransportError("auth", `No SSH key for ${this.target}: set an identity file, or run ssh-agent with the key loaded (SSH_AUTH_SOCK). Passwords are not supported.`, this.target);
    }
    return config;
  }

  private algorithmConfig(knownHosts: readonly KnownHostEntry[] | undefined): Partial<ConnectConfig> {
    // ssh2 edits its default lists with {remove, prepend, append}, applied in key order; `prepend`
    // skips names already present, so preferred host key types are removed first, then prepended.
    const edit = <T>(remove: readonly T[], prepend: readonly T[], append: readonly T[]) => ({ remove: [...remove], prepend: [...prepend], append: [...append] });
    const preferred = (knownHosts ? preferredHostKeyAlgorithms(knownHosts, this.options.host, this.port) : []).filter(
      (name): name is ServerHostKeyAlgorithm => (SUPPORTED_HOST_KEY_ALGORITHMS as readonly string[]).includes(name),
    );
    const legacy = this.options.legacyAlgorithms === true;
    const algorithms: NonNullable<ConnectConfig["algorithms"]> = {};
    if (preferred.length > 0 || legacy) algorithms.serverHostKey = edit(preferred, preferred, legacy ? LEGACY_ALGORITHMS.serverHostKey : []);
    if (legacy) {
      algorithms.kex = edit([], [], LEGACY_ALGORITHMS.kex);
      algorithms.cipher = edit([], [], LEGACY_ALGORITHMS.cipher);
      algorithms.hmac = edit([], [], LEGACY_ALGORITHMS.hmac);
    }
    return Object.keys(algorithms).length > 0 ? { algorithms } : {};
  }
}

/** Host key algorithms ssh2 implements (others in known_hosts, e.g. security keys, are not offered). */
const SUPPORTED_HOST_KEY_ALGORITHMS = ["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa", "ssh-dss"] as const;

function closeChannel(channel: ClientChannel | undefined): void {
  if (!channel) return;
  try {
    channel.signal("KILL");
  } catch {
    // the server may not support signals; closing the channel is what matters
  }
  channel.close();
}

function hostKeyRefusal(
  target: string,
  policy: HostKeyPolicy,
  kind: "host-key-unknown" | "host-key-changed",
  presented: string,
  expected: readonly string[],
  reason: string,
  /** Set when the configured known_hosts file does not exist: how to create it. */
  missingFile?: { readonly host: string; readonly port: number },
): TransportError {
  const file = policy.knownHostsFile;
  const message =
    kind === "host-key-unknown" && missingFile && file !== undefined
      ? `UNKNOWN HOST KEY for ${target}: the server presented ${presented}, and ${reason}. ` +
        "Check this fingerprint on the host's console (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub), then either pin it as hostKey (inventory or ControlDomain) " +
        `or create the file with the host's key: ssh-keyscan${missingFile.port === 22 ? "" : ` -p ${missingFile.port}`} ${missingFile.host} > ${file} ` +
        `and compare what ssh-keygen -lf ${file} prints with the console's fingerprint` +
        `${policy.trustOnFirstUse ? "" : ", or allow trust-on-first-use explicitly"}.`
      : kind === "host-key-changed"
      ? `HOST KEY MISMATCH for ${target}: expected ${expected.join(" or ")}, but the server presented ${presented} (${reason}). ` +
        "Someone may be intercepting the connection, or the host was reinstalled. Do not connect until you have checked the key on the host's console " +
        "(ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub); if the change is legitimate, update the pinned fingerprint or known_hosts entry."
      : `UNKNOWN HOST KEY for ${target}: the server presented ${presented}, and ${reason}. ` +
        "Check this fingerprint on the host's console (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub), then pin it (hostKey fingerprint or a known_hosts entry)" +
        `${policy.trustOnFirstUse ? "" : ", or allow trust-on-first-use explicitly"}.`;
  return new TransportError(kind, message, target, { expectedFingerprints: expected, presentedFingerprint: presented });
}

function connectFailure(target: string, options: SshExecutorOptions, error: Error & { level?: string; code?: string }): TransportError {
  const code = error.code ?? "";
  if (error.level === "client-authentication") {
    const offered = [options.identityFile ? `identity file ${options.identityFile}` : undefined, (options.agent ?? process.env.SSH_AUTH_SOCK) ? "ssh-agent keys" : undefined].filter(Boolean).join(" and ");
    return new TransportError(
      "auth",
      `Permission denied (publickey) for ${target}: the server refused ${offered || "every key offered"}. ` +
        `Check the user name, that the public key is in ~${options.user}/.ssh/authorized_keys on the host, and that ssh-agent holds the key (ssh-add -l).`,
      target,
      { cause: error },
    );
  }
  if (error.level === "client-timeout" || code === "ETIMEDOUT") {
    return new TransportError("timeout", `Timed out connecting to ${target} (no completed SSH handshake within ${options.connectTimeoutMs ?? 20_000} ms). Check the address, firewalls and that sshd runs; raise connectTimeoutMs for slow links.`, target, { cause: error });
  }
  if (["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "ECONNRESET"].includes(code)) {
    return new TransportError("unreachable", `Cannot reach ${target} (${code}: ${error.message}). Check the address and port in the inventory, and that sshd runs on the host.`, target, { cause: error });
  }
  return new TransportError("protocol", `SSH handshake with ${target} failed: ${error.message}. If the host runs an old Solaris sshd, try legacyAlgorithms.`, target, { cause: error });
}
