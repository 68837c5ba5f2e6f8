import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engineHosts, planHosts } from "../../src/engine";
import { sshConnect } from "../../src/cli/engine-input";
import type { HostConnection, InventoryEntry } from "../../src/model";
import { examplePlan } from "./support/example-plan";
import { startSshLab, type SshLab } from "./support/ssh-lab";

describe("connection and host errors, each one paragraph saying what to do", () => {
  let env: SshLab;
  beforeAll(async () => {
    env = await startSshLab();
  });
  afterAll(async () => env?.close());

  /** Plans t7-a with its lab inventory entry changed by `entry` (an undefined value removes the key). */
  async function planWith(entry: Partial<Record<keyof InventoryEntry, unknown>>, options = {}) {
    const [host] = engineHosts(examplePlan(), { inventory: env.inventory, hostIds: ["t7-a"] });
    const connection: Record<string, unknown> = { ...host!.target.connection, ...entry };
    for (const key of Object.keys(connection)) if (connection[key] === undefined) delete connection[key];
    const target = { id: "t7-a", connection: connection as unknown as HostConnection };
    const run = await planHosts([{ plan: host!.plan, target }], { connect: sshConnect(options) });
    return run.hosts[0]!.error;
  }

  it("changed host key: refused, showing both fingerprints", async () => {
    const error = await planWith({ hostKey: "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" });
    expect(error?.kind).toBe("connection");
    expect(error?.message).toContain("Refusing t7-a (ldmops@127.0.0.1:");
    expect(error?.message).toContain("SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    expect(error?.message).toContain(env.inventory.hosts["t7-a"]!.hostKey!);
    expect(error?.message).toContain("check with the host's administrator before updating the pinned fingerprint");
  });

  it("unknown host key: refused unless trust-on-first-use", async () => {
    const error = await planWith({ hostKey: undefined });
    expect(error?.message).toContain("Cannot connect to t7-a (ldmops@127.0.0.1:");
    expect(error?.message).toContain("its host key is not pinned");
    expect(await planWith({ hostKey: undefined }, { trustOnFirstUse: true })).toBeUndefined();
  });

  it("unreachable host", async () => {
    const error = await planWith({ port: 1 });
    expect(error?.message).toMatch(/^Cannot reach t7-a \(ldmops@127\.0\.0\.1:1\)\. /);
    expect(error?.message).toContain("Check the address and port (inventory or ControlDomain), that sshd runs there, and that no firewall is in the way.");
  });

  it("authentication failure", async () => {
    const wrongKey = join(env.stateDir, "host_t7-b_ed25519");
    const error = await planWith({ identityFile: wrongKey });
    expect(error?.message).toMatch(/^Authentication to t7-a \(ldmops@127\.0\.0\.1:\d+\) failed\. /);
    expect(error?.message).toContain("that its authorized_keys holds your public key");
  });

  it("ldm missing on the host", async () => {
    const error = await planWith({ ldmPath: "/opt/missing/ldm" });
    expect(error?.message).toMatch(/^`\/opt\/missing\/ldm` was not found on t7-a \(ldmops@127\.0\.0\.1:\d+\) \(exit status 127\)\. Is this a control domain\? Set ldmPath/);
  });
});
