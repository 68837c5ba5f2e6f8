import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fingerprintOf, persistentKeyPair } from "../../src/lab-serving/ssh-server/keys";
import { REPO } from "./standalone-support";

describe("lab SSH keys", () => {
  const dir = mkdtempSync(join(tmpdir(), "ldoms-keys-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("generates an ed25519 pair OpenSSH reads, then reuses it", () => {
    const first = persistentKeyPair(dir, "k_ed25519");
    expect(statSync(first.privateKeyFile).mode & 0o777).toBe(0o600);
    // OpenSSH derives the same public key and fingerprint from the private key file.
    const derived = execFileSync("ssh-keygen", ["-y", "-f", first.privateKeyFile], { encoding: "utf8" }).trim();
    expect(derived.split(" ").slice(0, 2).join(" ")).toBe(first.publicKey);
    expect(execFileSync("ssh-keygen", ["-l", "-f", `${first.privateKeyFile}.pub`], { encoding: "utf8" }).split(" ")[1]).toBe(
      fingerprintOf(first.publicKey),
    );
    const again = persistentKeyPair(dir, "k_ed25519");
    expect(again).toEqual(first);
  });

  it("replaces an unusable key file", () => {
    writeFileSync(join(dir, "broken_ed25519"), "not a key");
    const pair = persistentKeyPair(dir, "broken_ed25519");
    expect(readFileSync(pair.privateKeyFile, "utf8")).toBe(pair.privateKey);
    expect(pair.privateKey).toContain("BEGIN OPENSSH PRIVATE KEY");
  });

  it("processes creating the same key at once all end up with the one on disk", async () => {
    const shared = join(dir, "race");
    const script = `const { persistentKeyPair } = require(${JSON.stringify(join(REPO, "src/lab-serving/ssh-server/keys.ts"))}); process.stdout.write(persistentKeyPair(${JSON.stringify(shared)}, "c_ed25519").publicKey);`;
    const runs = await Promise.all(
      Array.from({ length: 4 }, () =>
        new Promise<string>((resolve, reject) => {
          const child = spawn(process.execPath, [join(REPO, "node_modules/tsx/dist/cli.mjs"), "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
          let out = "";
          child.stdout.on("data", (d: Buffer) => (out += d.toString()));
          child.once("error", reject);
          child.once("close", () => resolve(out));
        }),
      ),
    );
    expect(new Set(runs).size).toBe(1);
    expect(runs[0]).toBe(readFileSync(join(shared, "c_ed25519.pub"), "utf8").trim());
  });
});
