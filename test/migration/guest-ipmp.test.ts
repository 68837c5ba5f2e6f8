/**
 * The guest side on its own, over the lab's ssh2 server: convergeDocumentGuests configures the
 * IPMP group of every reachable guest with only the missing ipadm commands, and a second run
 * runs none. Ambiguous datalinks are reported, never guessed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sshConnect } from "../../src/cli/engine-input";
import { applyHosts, engineHosts } from "../../src/engine";
import { convergeDocumentGuests } from "../../src/engine/migration";
import { startMigrationLab } from "./support";

let stateDir: string;
beforeAll(() => {
  stateDir = mkdtempSync(join(tmpdir(), "ldoms-guest-ipmp-"));
});
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

describe("guest IPMP convergence", () => {
  it("configures what is missing, then nothing", async () => {
    const lab = await startMigrationLab({ stateDir });
    try {
      const connect = sshConnect({});
      const applied = await applyHosts(engineHosts(lab.document, { inventory: lab.inventory }), { connect, invTimeoutMs: 10_000 });
      expect(applied.hosts.map((h) => h.status)).toEqual(["applied", "applied"]);
      const first = await convergeDocumentGuests(lab.document, { connect, inventory: lab.inventory });
      expect(first.map((g) => [g.host, g.domain, g.actions.map((a) => `${a.exitStatus} ${a.commandLine}`), g.problems])).toEqual([
        [
          "t7-a",
          "ldg1",
          [
            "0 'ipadm' 'create-ip' 'net1'",
            "0 'ipadm' 'create-ip' 'net0'",
            "0 'ipadm' 'create-ipmp' 'ipmp0'",
            "0 'ipadm' 'add-ipmp' '-i' 'net1' 'ipmp0'",
            "0 'ipadm' 'add-ipmp' '-i' 'net0' 'ipmp0'",
            "0 'ipadm' 'set-ifprop' '-p' 'standby=on' '-m' 'ip' 'net0'",
          ],
          [],
        ],
      ]);
      const journal = lab.journalLength();
      const second = await convergeDocumentGuests(lab.document, { connect, inventory: lab.inventory });
      expect(second.map((g) => [g.domain, g.actions.length, g.problems])).toEqual([["ldg1", 0, []]]);
      expect(lab.journalLength()).toBe(journal);
    } finally {
      await lab.close();
    }
  });

  it("a second VF in the guest: the group's VF is found by its MAC (dladm show-phys -m), not guessed", async () => {
    const lab = await startMigrationLab({ stateDir });
    try {
      const connect = sshConnect({});
      await applyHosts(engineHosts(lab.document, { inventory: lab.inventory }), { connect, invTimeoutMs: 10_000 });
      expect((await lab.ldm("t7-a", "create-vf", "name=ldg1-extra", "/SYS/MB/NET2/IOVNET.PF0")).exitCode).toBe(0);
      await new Promise((r) => setTimeout(r, 500));
      expect((await lab.ldm("t7-a", "add-io", "/SYS/MB/NET2/IOVNET.PF0.VF0", "ldg1")).exitCode).toBe(0);
      const result = await convergeDocumentGuests(lab.document, { connect, inventory: lab.inventory });
      expect(result.map((g) => g.problems)).toEqual([[]]);
      // ldg1-app's link (net1, the first VF) carries the group; the extra VF's link is left alone.
      const commands = result[0]!.actions.map((a) => a.commandLine.replace(/'/g, ""));
      expect(commands).toContain("ipadm add-ipmp -i net1 ipmp0");
      expect(commands.some((c) => c.includes("net2"))).toBe(false);
    } finally {
      await lab.close();
    }
  });
});
