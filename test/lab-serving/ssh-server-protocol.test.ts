import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningLabServer, startLabServer } from "../../src/lab-serving/ssh-server/start-lab-server";
import { OutcomeUnknownError } from "../../src/transport/executor";
import { SshExecutor } from "../../src/transport/ssh-executor";
import { systemSsh } from "./ssh-client";
import { standInLab } from "./stand-in-lab";

describe("lab ssh2 server: protocol, keys and refusals (system OpenSSH client)", () => {
  let dir: string;
  let server: RunningLabServer;
  let lab: ReturnType<typeof standInLab>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "ldoms-lab-ssh-"));
    lab = standInLab();
    server = await startLabServer({ lab, stateDir: join(dir, "state"), inventoryFile: join(dir, "inventory.json"), faults: { cutAfterExecs: 5 } });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("writes an inventory with every machine and guest, pinned host keys and a 0600 client key", () => {
    const written = JSON.parse(readFileSync(server.inventoryFile, "utf8"));
    expect(written).toEqual(server.inventory);
    expect(Object.keys(written.hosts)).toEqual(["guest/ldg1", "t7-a", "t7-b"]);
    const ports = new Set<number>();
    for (const [id, entry] of Object.entries(server.inventory.hosts)) {
      expect(entry).toMatchObject({ address: "127.0.0.1", user: "ldmops", identityFile: join(dir, "state", "client_ed25519") });
      ports.add(entry.port);
      const pub = join(dir, "state", `host_${id.replace("/", "_")}_ed25519.pub`);
      // ssh-keygen prints "256 SHA256:... comment (ED25519)": the inventory must agree with OpenSSH.
      expect(execFileSync("ssh-keygen", ["-l", "-f", pub], { encoding: "utf8" }).split(" ")[1]).toBe(entry.hostKey);
    }
    expect(ports.size).toBe(3);
    expect(statSync(server.identityFile).mode & 0o777).toBe(0o600);
  });

  it("runs exec requests through the lab shell with their exit status", async () => {
    const t7a = server.inventory.hosts["t7-a"]!;
    const result = await systemSsh(t7a, server.knownHostsFile, "'ldm' 'list-io' '-p'; echo \"rc=$?\"; uname -n; exit 3");
    expect(result).toEqual({ status: 3, stdout: "t7-a ldm list-io -p\nrc=0\nt7-a\n", stderr: "" });
    const guest = await systemSsh(server.inventory.hosts["guest/ldg1"]!, server.knownHostsFile, "pfexec ipmpstat -g; ldm ls");
    expect(guest).toEqual({ status: 127, stdout: "ldg1 ipmpstat -g\n", stderr: "sh: ldm: not supported by the lab\n" });
  });

  it("refuses an interactive shell with a clear message, and a pty", async () => {
    const shell = await systemSsh(server.inventory.hosts["t7-b"]!, server.knownHostsFile, null, ["-T"]);
    expect(shell.status).toBe(1);
    expect(shell.stderr).toContain("This lab endpoint runs single commands only (ssh HOST 'COMMAND')");
    const pty = await systemSsh(server.inventory.hosts["t7-b"]!, server.knownHostsFile, "echo never", ["-tt", "-o", "LogLevel=INFO"]);
    expect(pty.stderr).toContain("PTY allocation request failed");
    // Forced (-tt), OpenSSH gives up when the pty is refused: nothing runs.
    expect(pty).toMatchObject({ status: 255, stdout: "" });
  });

  it("accepts only the generated client key and the inventory's user", async () => {
    const otherKey = join(dir, "other_ed25519");
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", otherKey]);
    const entry = server.inventory.hosts["t7-a"]!;
    const wrongKey = await systemSsh({ ...entry, identityFile: otherKey }, server.knownHostsFile, "true");
    expect(wrongKey.status).toBe(255);
    expect(wrongKey.stderr).toContain("Permission denied (publickey)");
    const wrongUser = await systemSsh({ ...entry, user: "root" }, server.knownHostsFile, "true");
    expect(wrongUser.status).toBe(255);
    expect(wrongUser.stderr).toContain("Permission denied (publickey)");
    expect(server.stats.authFailures).toBeGreaterThanOrEqual(2);
  });

  it("is refused by the client when the pinned key belongs to another endpoint", async () => {
    const entry = server.inventory.hosts["t7-a"]!;
    const t7bLine = readFileSync(server.knownHostsFile, "utf8")
      .split("\n")
      .find((line) => line.startsWith(`[127.0.0.1]:${server.inventory.hosts["t7-b"]!.port} `))!;
    const swapped = join(dir, "known_hosts_swapped");
    writeFileSync(swapped, `[127.0.0.1]:${entry.port} ${t7bLine.split(" ").slice(1).join(" ")}\n`);
    const wrongHost = await systemSsh(entry, swapped, "true");
    expect(wrongHost.status).toBe(255);
    expect(wrongHost.stderr).toContain("REMOTE HOST IDENTIFICATION HAS CHANGED");
  });

  it("cuts the connection after the configured exec: the command ran, no exit status came back", async () => {
    const entry = server.inventory.hosts["t7-a"]!;
    while (server.stats.execs < 4) await systemSsh(entry, server.knownHostsFile, "true");
    const before = lab.calls.length;
    const cut = await systemSsh(entry, server.knownHostsFile, "ldm cut-me");
    expect(cut.status).toBe(255);
    expect(lab.calls.slice(before)).toEqual(["t7-a: ldm cut-me"]);
    expect(server.stats.cuts).toBe(1);
    expect(await systemSsh(entry, server.knownHostsFile, "echo back")).toEqual({ status: 0, stdout: "back\n", stderr: "" });
  });
});

describe("lab ssh2 server: fault hooks seen through the project's SshExecutor", () => {
  it("cut before (not run), cut after (ran, no status), latency, then a normal exec on a new connection", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ldoms-lab-ssh-faults-"));
    const lab = standInLab();
    const server = await startLabServer({
      lab,
      stateDir: dir,
      faults: {
        latencyMs: 30,
        cut: (info) => (info.commandLine === "ldm before" ? "before" : info.commandLine === "ldm after" ? "after" : undefined),
      },
    });
    const entry = server.inventory.hosts["t7-a"]!;
    const executor = new SshExecutor({
      host: entry.address,
      port: entry.port,
      user: entry.user,
      hostKey: { fingerprints: [entry.hostKey!] },
      identityFile: entry.identityFile,
      agent: false,
    });
    try {
      await expect(executor.exec("ldm before")).rejects.toBeInstanceOf(OutcomeUnknownError);
      await expect(executor.exec("ldm after")).rejects.toBeInstanceOf(OutcomeUnknownError);
      const started = performance.now();
      expect(await executor.exec("ldm fine")).toEqual({ exitStatus: 0, stdout: "t7-a ldm fine\n", stderr: "" });
      expect(performance.now() - started).toBeGreaterThanOrEqual(29);
      expect(lab.calls).toEqual(["t7-a: ldm after", "t7-a: ldm fine"]);
      expect(server.stats).toMatchObject({ execs: 3, cuts: 2 });
      expect(server.stats.perHost["t7-a"]!.connections).toBe(3);
    } finally {
      await executor.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
