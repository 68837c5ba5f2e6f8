import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSshd, type RunningSshd } from "../support/sshd";
import { OutcomeUnknownError } from "../../src/transport/executor";
import { OutputLimitError } from "../../src/transport/output-limit";
import { SshConnectionPool } from "../../src/transport/ssh-connection-pool";
import { SshExecutor, type SshExecutorOptions } from "../../src/transport/ssh-executor";
import { TransportError } from "../../src/transport/transport-error";

let sshd: RunningSshd;
let scratch: string;
const executors: SshExecutor[] = [];

beforeAll(async () => {
  sshd = await startSshd();
  scratch = mkdtempSync(join(tmpdir(), "ldoms-transport-"));
});

afterAll(async () => {
  await Promise.all(executors.map((e) => e.close()));
  await sshd?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

function executor(overrides: Partial<SshExecutorOptions> = {}): SshExecutor {
  const created = new SshExecutor({
    host: sshd.address,
    port: sshd.port,
    user: sshd.user,
    identityFile: sshd.identityFile,
    agent: false,
    hostKey: { fingerprints: [sshd.hostKeyFingerprint] },
    ...overrides,
  });
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

const OTHER_FINGERPRINT = "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

describe("SshExecutor against a real OpenSSH sshd", () => {
  it("runs commands pinned by fingerprint, on one connection, with exit status and separate streams", async () => {
    const ssh = executor();
    const first = await ssh.exec("printf 'out'; printf 'err' >&2; exit 3");
    expect(first).toEqual({ exitStatus: 3, stdout: "out", stderr: "err" });
    expect((await ssh.exec("true")).exitStatus).toBe(0);
    expect((await ssh.exec("echo \"$(id -un)\"")).stdout).toBe(`${sshd.user}\n`);
    expect(await ssh.exec("cat", { stdin: "fed through stdin" })).toMatchObject({ exitStatus: 0, stdout: "fed through stdin" });
    expect(ssh.stats).toMatchObject({ connections: 1, connectAttempts: 1, execs: 4 });
  });

  it("accepts a host pinned by a plain known_hosts file ([host]:port form)", async () => {
    const ssh = executor({ hostKey: { knownHostsFile: sshd.knownHostsFile } });
    expect((await ssh.exec("echo ok")).stdout).toBe("ok\n");
  });

  it("accepts a host pinned by a hashed known_hosts entry (ssh-keygen -H)", async () => {
    const hashed = join(scratch, "known_hosts_hashed");
    copyFileSync(sshd.knownHostsFile, hashed);
    execFileSync("ssh-keygen", ["-q", "-H", "-f", hashed], { stdio: "ignore" });
    expect(readFileSync(hashed, "utf8")).toMatch(/^\|1\|/);
    const ssh = executor({ hostKey: { knownHostsFile: hashed } });
    expect((await ssh.exec("echo hashed")).stdout).toBe("hashed\n");
  });

  it("refuses a changed key with both fingerprints in the message, and runs nothing", async () => {
    const ssh = executor({ hostKey: { fingerprints: [OTHER_FINGERPRINT] } });
    const error = await rejection(ssh.exec("touch should-not-exist"));
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).kind).toBe("host-key-changed");
    expect(error.message).toContain(`HOST KEY MISMATCH for ${sshd.user}@127.0.0.1:${sshd.port}: expected ${OTHER_FINGERPRINT}, but the server presented ${sshd.hostKeyFingerprint}`);
    expect(error.message).toContain("update the pinned fingerprint or known_hosts entry");
    expect(ssh.stats.connections).toBe(0);
  });

  it("refuses a known_hosts entry with another key for this host as changed", async () => {
    const file = join(scratch, "known_hosts_other");
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(scratch, "other_host_key")]);
    const otherPub = readFileSync(join(scratch, "other_host_key.pub"), "utf8").split(/\s+/).slice(0, 2).join(" ");
    writeFileSync(file, `[127.0.0.1]:${sshd.port} ${otherPub}\n`);
    const error = (await rejection(executor({ hostKey: { knownHostsFile: file } }).exec("true"))) as TransportError;
    expect(error.kind).toBe("host-key-changed");
    expect(error.details.presentedFingerprint).toBe(sshd.hostKeyFingerprint);
    expect(error.details.expectedFingerprints).toHaveLength(1);
    expect(error.message).toContain(`expected ${error.details.expectedFingerprints![0]}, but the server presented ${sshd.hostKeyFingerprint}`);
  });

  it("refuses an unknown host unless trust-on-first-use is allowed, then reports the learned key", async () => {
    const empty = join(scratch, "known_hosts_empty");
    writeFileSync(empty, `other.example.net ${readFileSync(sshd.knownHostsFile, "utf8").split(/\s+/).slice(1, 3).join(" ")}\n`);
    const refused = (await rejection(executor({ hostKey: { knownHostsFile: empty } }).exec("true"))) as TransportError;
    expect(refused.kind).toBe("host-key-unknown");
    expect(refused.message).toContain(`UNKNOWN HOST KEY for ${sshd.user}@127.0.0.1:${sshd.port}: the server presented ${sshd.hostKeyFingerprint}, and no fingerprint is configured and ${empty} has no entry for [127.0.0.1]:${sshd.port}`);
    expect(refused.message).toContain("or allow trust-on-first-use explicitly");

    const learned: string[] = [];
    const tofu = executor({ hostKey: { knownHostsFile: empty, trustOnFirstUse: true }, onHostKeyLearned: (event) => learned.push(`${event.keyType} ${event.fingerprint}`) });
    expect((await tofu.exec("echo trusted")).stdout).toBe("trusted\n");
    expect(tofu.learnedHostKey).toBe(sshd.hostKeyFingerprint);
    expect(learned).toEqual([`ssh-ed25519 ${sshd.hostKeyFingerprint}`]);
  });

  it("a known_hosts file that does not exist is reported as missing, with how to create it or pin the key", async () => {
    const missing = join(scratch, "no-such-dir", "known_hosts");
    const refused = (await rejection(executor({ hostKey: { knownHostsFile: missing } }).exec("true"))) as TransportError;
    expect(refused.kind).toBe("host-key-unknown");
    expect(refused.message).toBe(
      `UNKNOWN HOST KEY for ${sshd.user}@127.0.0.1:${sshd.port}: the server presented ${sshd.hostKeyFingerprint}, and no fingerprint is configured and the known_hosts file ${missing} does not exist. ` +
        "Check this fingerprint on the host's console (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub), then either pin it as hostKey (inventory or ControlDomain) " +
        `or create the file with the host's key: ssh-keyscan -p ${sshd.port} 127.0.0.1 > ${missing} and compare what ssh-keygen -lf ${missing} prints with the console's fingerprint, or allow trust-on-first-use explicitly.`,
    );
    expect((await executor({ hostKey: { knownHostsFile: missing, fingerprints: [sshd.hostKeyFingerprint] } }).exec("echo pinned")).stdout).toBe("pinned\n");
    expect((await executor({ hostKey: { knownHostsFile: missing, trustOnFirstUse: true } }).exec("echo tofu")).stdout).toBe("tofu\n");
  });

  it("trust-on-first-use never overrides a pinned key that differs", async () => {
    const error = (await rejection(executor({ hostKey: { fingerprints: [OTHER_FINGERPRINT], trustOnFirstUse: true } }).exec("true"))) as TransportError;
    expect(error.kind).toBe("host-key-changed");
  });

  it("runs many parallel commands without exceeding the channel cap", async () => {
    const ssh = executor({ maxChannels: 3 });
    const results = await Promise.all(Array.from({ length: 15 }, (_, i) => ssh.exec(`sleep 0.1; echo ${i}`)));
    expect(results.map((r) => r.stdout.trim())).toEqual(Array.from({ length: 15 }, (_, i) => String(i)));
    expect(ssh.stats).toMatchObject({ connections: 1, execs: 15, peakChannels: 3 });
  });

  it("runs more parallel commands than sshd's MaxSessions with the default cap", async () => {
    const ssh = executor();
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => ssh.exec(`echo ${i}`)));
    expect(results.every((r, i) => r.exitStatus === 0 && r.stdout === `${i}\n`)).toBe(true);
    expect(ssh.stats.peakChannels).toBeLessThanOrEqual(4);
    expect(ssh.stats.connections).toBe(1);
  });

  it("refuses a channel cap at or above MaxSessions", () => {
    expect(() => executor({ maxChannels: 10 })).toThrow("maxChannels for ldoms-e2e@127.0.0.1");
    expect(() => executor({ maxChannels: 0 })).toThrow("use an integer from 1 to 9");
  });

  it("rejects a command that outlives its timeout with OutcomeUnknownError, and the connection stays usable", async () => {
    const ssh = executor();
    const started = Date.now();
    const error = await rejection(ssh.exec("sleep 5", { timeoutMs: 300 }));
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect((error as OutcomeUnknownError).reason).toBe("timeout");
    expect(error.message).toContain("no exit status after 300 ms (command timeout)");
    expect(Date.now() - started).toBeLessThan(3000);
    expect((await ssh.exec("echo after")).stdout).toBe("after\n");
    expect(ssh.stats.connections).toBe(1);
  });

  it("keeps at most 16 MiB per stream by default: a command printing more is stopped and refused, naming the host, the command and the limit", async () => {
    const ssh = executor({ label: "t7-a" });
    const big = "head -c 17000000 /dev/zero | tr '\\000' x";
    const out = await rejection(ssh.exec(big));
    expect(out).toBeInstanceOf(OutputLimitError);
    expect(out).toBeInstanceOf(OutcomeUnknownError);
    expect((out as OutputLimitError).reason).toBe("output-limit");
    expect(out.message).toBe(`t7-a: the command printed more than 16 MiB on stdout (the output limit per stream) and was stopped; it may or may not have completed. Command: ${big}`);
    const err = (await rejection(ssh.exec(`${big} >&2`))) as OutputLimitError;
    expect([err.stream, err.limitBytes]).toEqual(["stderr", 16 * 1024 * 1024]);
    expect((await ssh.exec("head -c 1000000 /dev/zero | wc -c")).stdout.trim()).toBe("1000000");
    expect((await ssh.exec("printf x", { maxOutputBytes: 1 })).stdout).toBe("x");
    expect(((await rejection(ssh.exec("printf xy", { maxOutputBytes: 1 }))) as OutputLimitError).limitBytes).toBe(1);
    expect(ssh.stats.connections).toBe(1);
  });

  it("authenticates through ssh-agent", async () => {
    const socket = join(scratch, "agent.sock");
    const agent = execFileSync("ssh-agent", ["-a", socket], { encoding: "utf8" });
    const pid = /SSH_AGENT_PID=(\d+)/.exec(agent)![1]!;
    try {
      execFileSync("ssh-add", [sshd.identityFile], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: "ignore" });
      const ssh = executor({ identityFile: undefined, agent: socket });
      expect((await ssh.exec("echo agent")).stdout).toBe("agent\n");
    } finally {
      process.kill(Number(pid));
    }
  });

  it("reports a refused key as an auth error with a permission-denied hint", async () => {
    const stranger = join(scratch, "stranger_key");
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", stranger]);
    const error = (await rejection(executor({ identityFile: stranger }).exec("true"))) as TransportError;
    expect(error.kind).toBe("auth");
    expect(error.message).toContain(`Permission denied (publickey) for ${sshd.user}@127.0.0.1:${sshd.port}: the server refused identity file ${stranger}`);
    expect(error.message).toContain("authorized_keys");
  });

  it("explains missing, unreadable and passphrase-protected identity files and a missing key", async () => {
    const encrypted = join(scratch, "encrypted_key");
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "secret phrase", "-f", encrypted]);
    const e1 = (await rejection(executor({ identityFile: encrypted }).exec("true"))) as TransportError;
    expect([e1.kind, e1.message]).toEqual(["auth", expect.stringContaining(`The identity file ${encrypted} for ${sshd.user}@127.0.0.1:${sshd.port} is protected by a passphrase`)]);
    const e2 = (await rejection(executor({ identityFile: join(scratch, "nope") }).exec("true"))) as TransportError;
    expect(e2.message).toContain(`Cannot read the identity file ${join(scratch, "nope")}`);
    expect(e2.message).toContain("ENOENT");
    const e3 = (await rejection(executor({ identityFile: undefined, agent: false }).exec("true"))) as TransportError;
    expect(e3.message).toContain("No SSH key for");
  });

  it("reports a closed port as unreachable", async () => {
    const error = (await rejection(executor({ port: 1 }).exec("true"))) as TransportError;
    expect(error.kind).toBe("unreachable");
    expect(error.message).toContain(`Cannot reach ${sshd.user}@127.0.0.1:1 (ECONNREFUSED`);
  });

  it("a connection pool gives one executor and one connection per target", async () => {
    const pool = new SshConnectionPool({ agent: false, maxChannels: 2 });
    const options = { host: sshd.address, port: sshd.port, user: sshd.user, identityFile: sshd.identityFile, hostKey: { fingerprints: [sshd.hostKeyFingerprint] } };
    try {
      const a = pool.get(options);
      expect(pool.get({ ...options })).toBe(a);
      await Promise.all([a.exec("true"), pool.get(options).exec("true"), pool.get(options).exec("true")]);
      expect(pool.stats).toEqual({ connections: 1, execs: 3, perTarget: { [`${sshd.user}@127.0.0.1:${sshd.port}`]: { connections: 1, connectAttempts: 1, execs: 3, peakChannels: 2 } } });
    } finally {
      await pool.closeAll();
    }
  });
});
