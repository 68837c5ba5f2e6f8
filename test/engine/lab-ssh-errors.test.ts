import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engineHosts, planHosts } from "../../src/engine";
import { sshConnect } from "../../src/cli/engine-input";
import type { HostConnection, InventoryEntry } from "../../src/model";
import { examplePlan } from "../../test-kit/example-plan";
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
    const presented = env.inventory.hosts["t7-a"]!.hostKey!;
    const error = await planWith({ hostKey: "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" });
    expect(error?.kind).toBe("connection");
    expect(error?.message).toMatch(/^t7-a: HOST KEY MISMATCH for ldmops@127\.0\.0\.1:\d+: expected SHA256:A{43}, but the server presented /);
    expect(error?.message).toContain(presented);
    expect(error?.message).toContain("Do not connect until you have checked the key on the host's console");
  });

  it("unknown host key: refused unless trust-on-first-use", async () => {
    const error = await planWith({ hostKey: undefined });
    expect(error?.message).toMatch(/^t7-a: UNKNOWN HOST KEY for ldmops@127\.0\.0\.1:\d+: the server presented SHA256:/);
    expect(error?.message).toContain("or allow trust-on-first-use explicitly.");
    expect(await planWith({ hostKey: undefined }, { trustOnFirstUse: true })).toBeUndefined();
  });

  it("unreachable host", async () => {
    const error = await planWith({ port: 1 });
    expect(error?.message).toMatch(/^t7-a: Cannot reach ldmops@127\.0\.0\.1:1 \(ECONNREFUSED: .*\)\. Check the address and port in the inventory, and that sshd runs on the host\.$/);
  });

  it("authentication failure", async () => {
    const wrongKey = join(env.stateDir, "host_t7-b_ed25519");
    const error = await planWith({ identityFile: wrongKey });
    expect(error?.message).toMatch(/^t7-a: Permission denied \(publickey\) for ldmops@127\.0\.0\.1:\d+: the server refused .*Check the user name, that the public key is in ~ldmops\/\.ssh\/authorized_keys on the host/);
  });

  it("ldm missing on the host", async () => {
    const error = await planWith({ ldmPath: "/opt/missing/ldm" });
    expect(error?.message).toMatch(/^`\/opt\/missing\/ldm` was not found on t7-a \(ldmops@127\.0\.0\.1:\d+\) \(exit status 127\)\. Is this a control domain\? Set ldmPath/);
  });
});
