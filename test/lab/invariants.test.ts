import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NET0, NET2, testLab } from "./helpers";

const WORDS = [
  "list", "list-io", "create-vf", "destroy-vf", "set-io", "add-io", "rm-io", "add-vnet", "set-vnet", "rm-vnet", "add-vsw",
  "start-reconf", "cancel-operation", "add-domain", "bind", "start", "stop", "unbind", "destroy", "set-vcpu", "set-memory",
  "-n", "max", "2", "-p", "-l", "-r", "-c", "ldg1", "ldg2", "primary", "nosuch", "t7-b", "vnet0", "vnet1", "primary-vsw0",
  "migration", "reconf", "pci_0", NET0, NET2, `${NET0}.VF0`, `${NET0}.VF1`, `${NET2}.VF0`, "name=a", "name=b", "pvid=5",
  "vid=1,2", "mtu=9000", "mac-addr=00:14:4f:f8:aa:01", "iov=on", "iov=off", "4", "8G", "bogus=1", "",
];

describe("lab invariants under arbitrary command sequences", () => {
  it("never throws; a refused command exits 1 with stderr and changes nothing", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 25 }), fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 25, maxLength: 25 }), async (commands, gaps) => {
        const t = testLab();
        for (const [i, argv] of commands.entries()) {
          t.clock.now += gaps[i]!;
          const before = t.snapshot();
          const r = await t.ldm("t7-a", ...argv);
          if (r.exitCode !== 0) {
            expect(r.exitCode).toBe(1);
            expect(r.stderr.length).toBeGreaterThan(0);
            expect(t.snapshot()).toBe(before);
          }
          // VF numbering stays dense and every assignment names an existing domain.
          t.lab.store.read((s) => {
            const m = s.machines["t7-a"]!;
            for (const pf of m.pfs) {
              expect(pf.vfs.map((v) => v.index)).toEqual(pf.vfs.map((_, k) => k));
              expect(pf.vfs.length).toBeLessThanOrEqual(pf.maxvfs);
              for (const vf of pf.vfs) if (vf.domain) expect(m.domains.some((d) => d.name === vf.domain)).toBe(true);
            }
            const names = m.pfs.flatMap((p) => p.vfs.map((v) => v.name)).filter(Boolean);
            expect(new Set(names).size).toBe(names.length);
          });
        }
      }),
      { numRuns: 150 },
    );
  });
});
