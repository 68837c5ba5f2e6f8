/**
 * `ldoms doctor` over the lab's SSH server (the ssh2 client path), on the default lab with the
 * example applied: a named VF assigned to ldg1, a vnet, the guest's IPMP group.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { sshConnect } from "../../src/cli/engine-input";
import { HostSession } from "../../src/engine";
import { DOCTOR_GUEST_COMMANDS, DOCTOR_HOST_COMMANDS, DoctorRefusal, runDoctorCommands, type BundleManifest } from "../../src/engine/doctor";
import { parseListDomains, parseListIo, parseListServices } from "../../src/ldm";
import { packageVersion } from "../../src/model/package-files";
import { defaultLabJson } from "../migration/support";
import { startSshLab, type SshLab } from "../engine/support/ssh-lab";
import { applyExample, bundleFiles, doctorWorkspace, type DoctorWorkspace } from "./support";
import { HEALTHY_HOST_VERDICTS } from "./samples";

describe("ldoms doctor over the lab's SSH server", () => {
  let env: SshLab;
  let ws: DoctorWorkspace;
  let inventory: string;

  beforeAll(async () => {
    env = await startSshLab({ json: defaultLabJson() });
    ws = doctorWorkspace(mkdtempSync(join(tmpdir(), "ldoms-doctor-")));
    inventory = ws.inventory(env.inventory);
    await applyExample(ws, inventory);
  }, 60_000);
  afterAll(async () => {
    await env?.close();
    if (ws) rmSync(ws.dir, { recursive: true, force: true });
  });

  it("runs the allow-list only, one exec per command, changes nothing (lab journal), and writes the bundle", async () => {
    // An ldm older than list-devices (the lab knows it).
    env.lab.faults.answer("list-devices", { exitCode: 1, stderr: 'Unknown command list-devices; use "ldm --help" to list the commands\n' });
    onTestFinished(() => env.lab.faults.clear());
    const journal = env.lab.journal().length;
    const mutating = env.lab.mutatingCount();
    const execs = (id: string) => env.server.stats.perHost[id]?.execs ?? 0;
    const before = { host: execs("t7-a"), guest: execs("guest/ldg1") };
    const run = await ws.doctor({ inventory, host: ["t7-a"], guest: "ldg1", out: "bundle" });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(env.lab.mutatingCount()).toBe(mutating);
    expect(env.lab.journal().length).toBe(journal);
    expect({ host: execs("t7-a") - before.host, guest: execs("guest/ldg1") - before.guest }).toEqual({ host: DOCTOR_HOST_COMMANDS.length, guest: DOCTOR_GUEST_COMMANDS.length });

    const dir = join(ws.dir, "bundle");
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as BundleManifest;
    expect({ ...manifest, commands: manifest.commands.length }).toEqual({
      format: "ldoms-doctor-bundle",
      formatVersion: 1,
      tool: { name: "cdktf-ldoms", version: packageVersion() },
      host: "t7-a",
      guest: "ldg1",
      capturedAt: "2026-12-01T12:00:00.000Z",
      ldmVersion: "3.5.0.0",
      redacted: false,
      commands: 16,
    });
    expect(manifest.commands.map((c) => c.argv.join(" "))).toEqual([...DOCTOR_HOST_COMMANDS, ...DOCTOR_GUEST_COMMANDS].map((c) => c.argv.join(" ")));
    // Each command is captured exactly as the lab answers it, whatever its exit status: the
    // listings the engine reads exit 0, a command this ldm does not know (list-devices, made to
    // fail above) exits non-zero and is captured, not fatal.
    for (const c of manifest.commands) {
      const answer = c.scope === "host" ? await env.lab.runLdm("t7-a", c.argv.slice(1)) : await env.lab.runGuest("ldg1", c.argv);
      expect([c.exitStatus, readFileSync(join(dir, c.stdout.file), "utf8").length > 0], c.id).toEqual([answer.exitCode, answer.stdout.length > 0]);
      expect(readFileSync(join(dir, c.stderr.file), "utf8"), c.id).toBe(answer.stderr);
    }
    expect(manifest.commands.filter((c) => ["ldm-version", "list-l-p", "list-io-l-p", "list-services-p", "list-bindings-p"].includes(c.id)).map((c) => c.exitStatus)).toEqual([0, 0, 0, 0, 0]);
    const files = bundleFiles(dir);
    expect(Object.keys(files).sort()).toEqual(["manifest.json", ...manifest.commands.flatMap((c) => [c.stdout.file, c.stderr.file])].sort());
    for (const c of manifest.commands) {
      expect(c.durationMs).toBeGreaterThanOrEqual(0);
      expect(createHash("sha256").update(files[c.stdout.file]!).digest("hex"), c.id).toBe(c.stdout.sha256);
    }
    expect(manifest.commands.find((c) => c.id === "list-devices-a-p")!.exitStatus).not.toBe(0);

    expect(run.stdout).toMatch(/^confirmed\s+vf-name-location: the VF name shows as name= on the VF record of `ldm list-io -l -p`$/m);
    expect(run.stdout).toContain("Summary (paste into a bug report");
    expect(run.stdout).toContain("ldoms doctor: cdktf-ldoms");
    expect(run.stdout).toContain("host t7-a, guest ldg1, captured 2026-12-01T12:00:00.000Z");
  }, 60_000);

  it("--json: the same report as one document; exit 0 with nothing contradicted", async () => {
    const run = await ws.doctor({ inventory, host: ["t7-a"], out: "bundle-json", json: true });
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { exitCode: number; totals: object; checks: { assumption: string; verdict: string }[] };
    expect(report.exitCode).toBe(0);
    expect(report.checks.map((c) => `${c.assumption} ${c.verdict}`)).toEqual(HEALTHY_HOST_VERDICTS);
    expect(report.totals).toEqual({ confirmed: 10, contradicted: 0, "not-observable": 1 });
  });

  it("the runner refuses a mutating argv before sending anything", async () => {
    const target = { id: "t7-a", connection: { ...env.inventory.hosts["t7-a"]!, pfexec: false, ldmPath: "ldm" } } as const;
    const session = new HostSession(target as never, sshConnect({}));
    const execs = env.server.stats.execs;
    const journal = env.lab.journal().length;
    await expect(runDoctorCommands(session, "host", [["ldm", "list-io", "-l", "-p"], ["ldm", "create-vf", "name=x", "/SYS/MB/NET0/IOVNET.PF0"]])).rejects.toThrow(DoctorRefusal);
    await expect(runDoctorCommands(session, "host", [["ldm", "list-io", "-l", "-p", ";", "ldm", "destroy-vf"]])).rejects.toThrow(
      "doctor refused to run `ldm list-io -l -p ; ldm destroy-vf` (host): it runs only its allow-list of read-only commands (src/engine/doctor/commands.ts); nothing was run",
    );
    // A guest command is not allowed on the host, nor an ldm command in a guest.
    await expect(runDoctorCommands(session, "guest", [["ldm", "-V"]])).rejects.toThrow(DoctorRefusal);
    await expect(runDoctorCommands(session, "guest", [["ipadm", "create-ip", "net9"]])).rejects.toThrow(DoctorRefusal);
    await session.close();
    expect(env.server.stats.execs).toBe(execs);
    expect(env.lab.journal().length).toBe(journal);
  });

  it("--redact: no MAC, domain or host name of the capture remains; the listings still parse and agree", async () => {
    const plain = bundleFiles(join(ws.dir, "bundle"));
    const run = await ws.doctor({ inventory, host: ["t7-a"], guest: "ldg1", out: "bundle-redacted", redact: true });
    expect(run.code).toBe(0);
    const files = bundleFiles(join(ws.dir, "bundle-redacted"));
    const text = Object.values(plain).join("\n");
    const macs = [...new Set(text.match(/\b[0-9a-f]{1,2}(?::[0-9a-f]{1,2}){5}\b/gi))];
    expect(macs.length).toBeGreaterThan(3);
    const secrets = [...macs, "ldg1", "t7-a", "t7-b", "127.0.0.1"];
    for (const [file, content] of Object.entries(files)) for (const secret of secrets) expect(content.includes(secret), `${secret} in ${file}`).toBe(false);
    expect(run.stdout.includes("ldg1") || run.stdout.includes("t7-a")).toBe(false);

    const manifest = JSON.parse(files["manifest.json"]!) as BundleManifest;
    expect([manifest.host, manifest.guest, manifest.redacted]).toEqual(["host-1", "domain-1", true]);
    const devices = parseListIo(files["list-io-l-p.stdout"]!);
    const vf = devices.find((d) => d.type === "VF" && d.domain !== undefined)!;
    const domains = parseListDomains(files["list-l-p.stdout"]!).domains;
    expect(domains.map((d) => d.name)).toEqual(["primary", "domain-1"]);
    expect(vf.domain).toBe("domain-1");
    expect(vf.properties["mac-addr"]).toMatch(/^02:00:00:00:00:[0-9a-f]{2}$/);
    const services = parseListServices(files["list-services-p.stdout"]!);
    expect(services.vdss[0]!.volumes[0]!.dev).toBe("/dev/zvol/dsk/rpool/domain-1-disk0");
    // The same MAC got the same placeholder in every listing.
    const vnetMac = domains[1]!.vnets[0]!.macAddr!;
    expect(files["list-services-p.stdout"]).toContain(`|peer=vnet0@domain-1|mac-addr=${vnetMac}|`);
  });

  it("honours pfexec and ldmPath of the connection", async () => {
    const entry = { ...env.inventory.hosts["t7-a"]!, pfexec: true, ldmPath: "/usr/sbin/ldm" };
    const other = ws.inventory({ hosts: { ...env.inventory.hosts, "t7-a": entry } }, "inventory-pfexec.json");
    const run = await ws.doctor({ inventory: other, host: ["t7-a"], out: "bundle-pfexec" });
    expect(run.code, run.stdout).toBe(0);
    const manifest = JSON.parse(readFileSync(join(ws.dir, "bundle-pfexec", "manifest.json"), "utf8")) as BundleManifest;
    expect(manifest.commands.slice(0, 2).map((c) => c.commandLine)).toEqual(["'pfexec' '/usr/sbin/ldm' '-V'", "'pfexec' '/usr/sbin/ldm' 'list' '-l' '-p'"]);
    expect(run.stdout).toMatch(/^confirmed\s+ldm-access: pfexec \/usr\/sbin\/ldm runs and lists the configuration for ldmops$/m);
  });

  it("a host key that does not match the pin: the connection error, no bundle", async () => {
    const { knownHostsFile: _ignored, ...entry } = env.inventory.hosts["t7-a"]!;
    const other = ws.inventory({ hosts: { ...env.inventory.hosts, "t7-a": { ...entry, hostKey: "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" } } }, "inventory-badkey.json");
    await expect(ws.doctor({ inventory: other, host: ["t7-a"], out: "bundle-badkey" })).rejects.toThrow(/^t7-a: .*host key/i);
    expect(existsSync(join(ws.dir, "bundle-badkey"))).toBe(false);
  });

  it("ldm not found: exit 1, a message naming ldmPath, and the bundle of what was captured", async () => {
    const entry = { ...env.inventory.hosts["t7-a"]!, ldmPath: "/opt/nowhere/ldm" };
    const other = ws.inventory({ hosts: { ...env.inventory.hosts, "t7-a": entry } }, "inventory-noldm.json");
    const run = await ws.doctor({ inventory: other, host: ["t7-a"], out: "bundle-noldm" });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^contradicted\s+ldm-access: `\/opt\/nowhere\/ldm` was not found \(`ldm -V` exited 127: sh: \/opt\/nowhere\/ldm: not supported by the lab\)$/m);
    expect(run.stderr).toContain("set ldmPath (e.g. /usr/sbin/ldm)");
    expect(run.stderr).toContain(`What was captured is in ${join(ws.dir, "bundle-noldm")}.`);
    expect(existsSync(join(ws.dir, "bundle-noldm", "manifest.json"))).toBe(true);
  });

  it("ldm not permitted: exit 1, the message names the LDoms Review rights profile and pfexec", async () => {
    env.lab.faults.answer("*", { stderr: "Authorization failed\n", exitCode: 1 });
    try {
      const run = await ws.doctor({ inventory, host: ["t7-a"], out: "bundle-denied" });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain("Error: `ldm list -l -p` was refused: Authorization failed. Fix: give ldmops the \"LDoms Review\" rights profile (enough for plan and doctor; \"LDoms Management\" for apply): usermod -P \"LDoms Review\" ldmops; and set pfexec: true so ldm runs through pfexec");
      expect(readFileSync(join(ws.dir, "bundle-denied", "list-l-p.stderr"), "utf8")).toBe("Authorization failed\n");
    } finally {
      env.lab.faults.clear();
    }
  });
});
