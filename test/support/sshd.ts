/**
 * Starts a real OpenSSH sshd on loopback for end-to-end tests: generated host and client keys,
 * a private config (no PAM, public-key only), a dedicated test account with an empty ~/.bashrc
 * (bash sources it for commands run over ssh), and extra environment for every session
 * (e.g. PATH with `ldoms-lab-ldm` installed as `ldm`). Requires root and openssh-server;
 * `.ci/run` installs it. Never skips: a missing sshd is a test failure with a clear message.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, chmodSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const SSHD_TEST_USER = "ldoms-e2e";

export interface SshdOptions {
  /** Environment variables set in every session (sshd `SetEnv`). */
  readonly env?: Readonly<Record<string, string>>;
}

export interface RunningSshd {
  readonly address: string;
  readonly port: number;
  readonly user: string;
  /** Private key file the test user accepts. */
  readonly identityFile: string;
  /** `SHA256:<base64>` fingerprint of the server's host key. */
  readonly hostKeyFingerprint: string;
  /** known_hosts file pinning the host key for `[127.0.0.1]:port`. */
  readonly knownHostsFile: string;
  /** Scratch folder owned by the test user, for state files and tools. */
  readonly workDir: string;
  /** Runs `ssh` (the system OpenSSH client) with the right options; returns status and output. */
  ssh(command: string): { status: number | null; stdout: string; stderr: string };
  stop(): Promise<void>;
}

function sshdBinary(): string {
  for (const candidate of ["/usr/sbin/sshd", "/usr/bin/sshd"]) if (existsSync(candidate)) return candidate;
  throw new Error("sshd not found: install openssh-server (apt-get install -y openssh-server); .ci/run does this");
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function ensureTestUser(): string {
  const home = `/var/tmp/${SSHD_TEST_USER}-home`;
  try {
    execFileSync("id", [SSHD_TEST_USER], { stdio: "ignore" });
  } catch {
    execFileSync("useradd", ["--home-dir", home, "--create-home", "--shell", "/bin/bash", SSHD_TEST_USER], { stdio: "ignore" });
  }
  // A new account is locked ("!"), and sshd without PAM refuses locked accounts even for keys.
  execFileSync("usermod", ["-p", "*", SSHD_TEST_USER]);
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, ".bashrc"), "");
  execFileSync("chown", ["-R", `${SSHD_TEST_USER}:`, home]);
  return home;
}

/** OpenSSH-style fingerprint of a public key line (`type base64 [comment]`). */
export function fingerprintOfPublicKeyLine(line: string): string {
  const blob = Buffer.from(line.trim().split(/\s+/)[1] ?? "", "base64");
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

export async function startSshd(options: SshdOptions = {}): Promise<RunningSshd> {
  const sshd = sshdBinary();
  if (process.getuid?.() !== 0) throw new Error("the sshd end-to-end harness needs root (CI runs as root)");
  ensureTestUser();
  const dir = mkdtempSync(join(tmpdir(), "ldoms-sshd-"));
  chmodSync(dir, 0o755);
  const workDir = join(dir, "work");
  mkdirSync(workDir);
  execFileSync("chown", [`${SSHD_TEST_USER}:`, workDir]);
  const hostKey = join(dir, "host_ed25519");
  const clientKey = join(dir, "client_ed25519");
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", hostKey]);
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", clientKey]);
  const authorizedKeys = join(dir, "authorized_keys");
  writeFileSync(authorizedKeys, readFileSync(`${clientKey}.pub`));
  chmodSync(authorizedKeys, 0o644);
  const port = await freePort();
  const hostPub = readFileSync(`${hostKey}.pub`, "utf8");
  const knownHostsFile = join(dir, "known_hosts");
  writeFileSync(knownHostsFile, `[127.0.0.1]:${port} ${hostPub.split(/\s+/).slice(0, 2).join(" ")}\n`);
  // One SetEnv line for all variables: sshd keeps only the first SetEnv directive it reads.
  const envPairs = Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  const setEnv = envPairs.length ? [`SetEnv ${envPairs.join(" ")}`] : [];
  const config = join(dir, "sshd_config");
  writeFileSync(
    config,
    [
      `Port ${port}`,
      "ListenAddress 127.0.0.1",
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, "sshd.pid")}`,
      `AuthorizedKeysFile ${authorizedKeys}`,
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "PubkeyAuthentication yes",
      "UsePAM no",
      "StrictModes no",
      `AllowUsers ${SSHD_TEST_USER}`,
      "LogLevel ERROR",
      "MaxSessions 10",
      ...setEnv,
      "",
    ].join("\n"),
  );
  mkdirSync("/run/sshd", { recursive: true });
  const child: ChildProcess = spawn(sshd, ["-D", "-e", "-f", config], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  await waitForPort(port, child, () => log);

  const sshArgs = [
    "-o", "BatchMode=yes",
    "-o", `UserKnownHostsFile=${knownHostsFile}`,
    "-o", "StrictHostKeyChecking=yes",
    "-o", "LogLevel=ERROR",
    "-i", clientKey,
    "-p", String(port),
    `${SSHD_TEST_USER}@127.0.0.1`,
  ];
  return {
    address: "127.0.0.1",
    port,
    user: SSHD_TEST_USER,
    identityFile: clientKey,
    hostKeyFingerprint: fingerprintOfPublicKeyLine(hostPub),
    knownHostsFile,
    workDir,
    ssh(command: string) {
      try {
        const stdout = execFileSync("ssh", [...sshArgs, command], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
        return { status: 0, stdout, stderr: "" };
      } catch (error) {
        const e = error as { status: number | null; stdout?: string; stderr?: string };
        return { status: e.status, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
      }
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await new Promise((resolve) => child.once("exit", resolve));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const { connect } = await import("node:net");
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`sshd exited with status ${child.exitCode}: ${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => { socket.destroy(); resolve(true); });
      socket.once("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not listen on 127.0.0.1:${port} within 10 s: ${log()}`);
}
