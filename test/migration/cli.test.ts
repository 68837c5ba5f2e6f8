/**
 * `ldoms migrate` at the CLI edge (runMigrate) against the lab's ssh2 server: approval without a
 * terminal, --json, Ctrl-C that asks and then cancels, and the guest script printed when ldoms
 * cannot reach the guest.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runMigrate, type MigrateIo } from "../../src/cli/commands/migrate";
import { stableJson } from "../../src/synth";
import { examplePlan } from "../../test-kit/example-plan";
import { prepare, startMigrationLab, type MigrationLab } from "./support";

let dir: string;
let planDocument: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "ldoms-migrate-cli-"));
  planDocument = join(dir, "ldoms.plan.json");
  writeFileSync(planDocument, stableJson(examplePlan()));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function capture() {
  let text = "";
  return { stream: { write: (t: string) => void (text += t), isTTY: false }, text: () => text };
}

function inventoryFile(lab: MigrationLab, withGuest: boolean): string {
  const { ["guest/ldg1"]: guest, ...hosts } = lab.inventory.hosts;
  const file = join(dir, `inventory-${withGuest ? "guest" : "hosts"}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({ hosts: withGuest ? { ...hosts, "guest/ldg1": guest } : hosts }));
  return file;
}

describe("ldoms migrate (CLI)", () => {
  it("refuses to migrate without approval when there is no terminal", async () => {
    const out = capture();
    await expect(runMigrate("ldg1-to-b", { planDocument }, { stdout: out.stream, stderr: out.stream, cwd: dir, env: {} })).rejects.toThrow(
      "ldoms migrate ldg1-to-b needs approval before it moves the domain, and there is no terminal to ask on: check it with ldoms migrate ldg1-to-b --dry-run, then run ldoms migrate ldg1-to-b --auto-approve",
    );
  });

  it("refuses --apply without approval when there is no terminal, even with --dry-run", async () => {
    const out = capture();
    await expect(runMigrate("ldg1-to-b", { planDocument, dryRun: true, apply: true }, { stdout: out.stream, stderr: out.stream, cwd: dir, env: {} })).rejects.toThrow(
      "ldoms migrate ldg1-to-b --apply needs approval before it changes the hosts, and there is no terminal to ask on: review with ldoms plan, then add --auto-approve",
    );
  });

  it("refuses --host: a migration always involves both of its hosts", async () => {
    const out = capture();
    await expect(runMigrate("ldg1-to-b", { planDocument, dryRun: true, host: ["t7-a"] }, { stdout: out.stream, stderr: out.stream, cwd: dir, env: {} })).rejects.toThrow(
      "ldoms migrate does not take --host (got t7-a): migration ldg1-to-b always involves its source and target hosts; drop --host",
    );
  });

  it("names the migrations when the id is unknown", async () => {
    const out = capture();
    await expect(runMigrate("ldg9-to-b", { planDocument, dryRun: true }, { stdout: out.stream, stderr: out.stream, cwd: dir, env: {} })).rejects.toThrow(
      "no migration ldg9-to-b in stack prod-move; migrations: ldg1-to-b",
    );
  });

  it("names an unknown id before anything about approval (no terminal, no --auto-approve, --apply)", async () => {
    const out = capture();
    for (const options of [{}, { apply: true }, { apply: true, dryRun: true }]) {
      await expect(runMigrate("ldg9-to-b", { planDocument, ...options }, { stdout: out.stream, stderr: out.stream, cwd: dir, env: {} })).rejects.toThrow(
        "no migration ldg9-to-b in stack prod-move; migrations: ldg1-to-b",
      );
    }
    const questions: string[] = [];
    const ask = async (q: string) => (questions.push(q), "yes");
    await expect(runMigrate("ldg9-to-b", { planDocument, apply: true }, { stdout: out.stream, stderr: out.stream, cwd: dir, env: {}, ask })).rejects.toThrow("no migration ldg9-to-b");
    expect(questions).toEqual([]);
  });

  it("needs the migration's two hosts in the inventory given, and says which one is missing", async () => {
    const out = capture();
    const inventory = join(dir, "one-host.json");
    writeFileSync(inventory, JSON.stringify({ hosts: { "t7-a": { address: "127.0.0.1", port: 22, user: "ldmops" } } }));
    await expect(runMigrate("ldg1-to-b", { planDocument, inventory, dryRun: true }, { stdout: out.stream, stderr: out.stream, cwd: dir, env: {} })).rejects.toThrow(
      `host t7-b is not in ${inventory}, which has t7-a; add "t7-b" under "hosts" (address, port, user)`,
    );
  });

  it("shows the preflight report before asking to migrate; answering no exits 1 and moves nothing", async () => {
    const lab = await startMigrationLab({ stateDir: join(dir, "keys") });
    try {
      await prepare(lab);
      const journal = lab.journalLength();
      const out = capture();
      const err = capture();
      let shownBeforeQuestion = "";
      const ask = async (q: string) => {
        shownBeforeQuestion = err.text();
        expect(q).toBe("Migrate ldg1 from t7-a to t7-b now? Only 'yes' is accepted: ");
        return "no";
      };
      const code = await runMigrate("ldg1-to-b", { planDocument, inventory: inventoryFile(lab, true) }, { stdout: out.stream, stderr: err.stream, cwd: dir, env: {}, ask });
      expect(code).toBe(1);
      expect(shownBeforeQuestion).toContain("\nPreflight (migration contract):\n  passed      1. ");
      expect(shownBeforeQuestion).toMatch(/\n {2}passed {6}5\. .*\n {2}passed {6}6\. ldm migrate-domain -n succeeded on t7-a\n/);
      expect(out.text()).toContain("Result: declined. Not confirmed; nothing was changed: ldg1 stays on t7-a.");
      expect(lab.journalLength()).toBe(journal);
    } finally {
      await lab.close();
    }
  });

  it("--dry-run --apply --json prints the report of every check; Ctrl-C asks, then cancels the running migration", async () => {
    const lab = await startMigrationLab({ stateDir: join(dir, "keys") });
    try {
      const inventory = inventoryFile(lab, true);
      const out = capture();
      const err = capture();
      const code = await runMigrate("ldg1-to-b", { planDocument, inventory, dryRun: true, apply: true, autoApprove: true, json: true }, { stdout: out.stream, stderr: err.stream, cwd: dir, env: {} });
      expect(code).toBe(0);
      const report = JSON.parse(out.text());
      expect(report.outcome).toBe("dry-run-passed");
      expect(report.preflight.map((c: { id: string; status: string }) => `${c.id} ${c.status}`)).toEqual([
        "preflight/1-domain-and-vf-names passed",
        "preflight/2-no-fc-ib-vf passed",
        "preflight/3-guest-ipmp passed",
        "preflight/4-same-network passed",
        "preflight/5-target-ready passed",
        "preflight/6-dry-run passed",
      ]);
      // Progress goes to stderr with --json too; stdout holds only the report (parsed above).
      expect(err.text()).toMatch(/^\S+Z reading t7-a and t7-b\n/);
      expect(err.text()).toContain("preflight: rules 1-5 of the migration contract\n");

      let interrupt: (() => void) | undefined;
      const questions: string[] = [];
      const text = capture();
      const progress = {
        write: (t: string) => {
          text.stream.write(t);
          if (/migration progress [1-9]/.test(t) && interrupt) {
            const fire = interrupt;
            interrupt = undefined;
            fire();
          }
        },
        isTTY: false,
      };
      const io: MigrateIo = {
        stdout: text.stream,
        stderr: progress,
        cwd: dir,
        env: {},
        ask: async (q) => {
          questions.push(q);
          return "yes";
        },
        onInterrupt: (handler) => {
          interrupt = handler;
          return () => (interrupt = undefined);
        },
      };
      // Cancelled by Ctrl-C (and the user's yes): the exit code of SIGINT.
      expect(await runMigrate("ldg1-to-b", { planDocument, inventory, pollInterval: 100 }, io)).toBe(130);
      expect(questions).toEqual([
        "Migrate ldg1 from t7-a to t7-b now? Only 'yes' is accepted: ",
        "\nCancel the running migration (ldm cancel-operation migration)? Only 'yes' is accepted: ",
      ]);
      expect(text.text()).toContain("cancel requested: 'ldm' 'cancel-operation' 'migration' 'ldg1'\n");
      expect(text.text()).toMatch(/\nResult: cancelled\. Cancelled: .*\. ldg1 is still on t7-a \(active\)\.\n/);
    } finally {
      await lab.close();
    }
  });

  it("SIGTERM before the migration starts: stops at the next phase, releases both locks, exits 143; a second signal exits at once naming them", async () => {
    const lab = await startMigrationLab({ stateDir: join(dir, "keys") });
    try {
      await prepare(lab);
      const inventory = inventoryFile(lab, true);
      const run = async (signals: number) => {
        let handler: ((s: "SIGINT" | "SIGTERM") => void) | undefined;
        const exits: number[] = [];
        const err = capture();
        let sent = 0;
        const stderr = {
          write: (t: string) => {
            err.stream.write(t);
            // The first signal once both hosts are locked, a second one right after it.
            const locked = (err.text().match(/ locked \(/g) ?? []).length === 2;
            if (sent < signals && (sent === 0 ? locked : /Interrupted \(SIGTERM\)/.test(err.text())) && handler) {
              sent++;
              handler("SIGTERM");
            }
          },
          isTTY: false,
        };
        const out = capture();
        const io: MigrateIo = { stdout: out.stream, stderr, cwd: dir, env: {}, onStop: (h) => ((handler = h), () => (handler = undefined)), exit: (c) => void exits.push(c) };
        const code = await runMigrate("ldg1-to-b", { planDocument, inventory, autoApprove: true }, io);
        return { code, exits, err: err.text(), out: out.text() };
      };
      const once = await run(1);
      expect(once.code, once.err).toBe(143);
      expect(once.err).toContain("Interrupted (SIGTERM): stopping at the next safe point; the domain will not be migrated, and the locks are released.");
      expect(once.out).toContain("Interrupted before the migration started; nothing was migrated: ldg1 stays on t7-a.");
      for (const host of ["t7-a", "t7-b"]) expect((await lab.ldm(host, "list")).exitCode).toBe(0);
      expect(lab.lab.journal().filter((j) => j.argv[0] === "migrate-domain")).toHaveLength(0);
      const twice = await run(2);
      expect(twice.exits).toEqual([143]);
      expect(twice.err).toMatch(/Exiting at once \(SIGTERM again\)\. This run's lock may remain on:\n {2}t7-a: \/var\/tmp\/ldoms\.lock \(lock id [0-9a-f]{16}\); once no ldoms command runs there: ldoms force-unlock t7-a [0-9a-f]{16}\n {2}t7-b: /);
    } finally {
      await lab.close();
    }
  });

  it("without guest access prints rule 3 as unverified and the guest script to run", async () => {
    const lab = await startMigrationLab({ stateDir: join(dir, "keys") });
    try {
      await prepare(lab);
      const out = capture();
      const code = await runMigrate("ldg1-to-b", { planDocument, inventory: inventoryFile(lab, false), dryRun: true }, { stdout: out.stream, stderr: capture().stream, cwd: dir, env: {} });
      expect(code).toBe(1);
      expect(out.text()).toContain(
        "  UNVERIFIED  3. no guest access for ldg1: IPMP group(s) ipmp0 could not be checked inside the guest\n" +
          "              fix: give the GuestDomain access (or an inventory entry guest/ldg1); or run scripts/guest-ldg1.sh in the guest, check ipmpstat -i, and pass --accept-unverified\n",
      );
      expect(out.text()).toContain("No guest access: run this in guest ldg1 to configure its IPMP group (scripts/guest-ldg1.sh):");
      expect(out.text()).toContain("    configure_group 'ipmp0' \"$vf_link\" \"$vnet_link\"\n");
      expect(out.text()).toContain("Result: preflight-failed. Rule 3 could not be verified; nothing was changed.");
    } finally {
      await lab.close();
    }
  });
});
