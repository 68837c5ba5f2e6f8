/**
 * Guest IPMP steps in `plan` and in saved plans (against the default lab in-process, with the
 * guest ldg1 reachable as inventory entry guest/ldg1): plan reads the guest and shows the ipadm
 * commands it would run; a saved plan pins them to the guest as read; `apply FILE` runs only
 * those, and refuses when the guest changed since.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runApply } from "../../src/cli/commands/apply";
import { runPlan, type CommandIo } from "../../src/cli/commands/plan";
import { applyHosts, engineHosts, type ConnectHost } from "../../src/engine";
import { ConnectionError, type Inventory } from "../../src/model";
import { defaultLabJson } from "../migration/support";
import { examplePlan } from "../../test-kit/example-plan";
import { inProcessLab, type InProcessLab } from "./support/engine-lab";
import { Capture } from "../support/capture";


const GUEST_COMMANDS = [
  "'ipadm' 'create-ip' 'net1'",
  "'ipadm' 'create-ip' 'net0'",
  "'ipadm' 'create-ipmp' 'ipmp0'",
  "'ipadm' 'add-ipmp' '-i' 'net1' 'ipmp0'",
  "'ipadm' 'add-ipmp' '-i' 'net0' 'ipmp0'",
  "'ipadm' 'set-ifprop' '-p' 'standby=on' '-m' 'ip' 'net0'",
];

const INVENTORY: Inventory = {
  hosts: {
    "t7-a": { address: "t7-a.lab", port: 22, user: "ldmops" },
    "t7-b": { address: "t7-b.lab", port: 22, user: "ldmops" },
    "guest/ldg1": { address: "ldg1.lab", port: 22, user: "ldmops" },
  },
};

describe("guest IPMP steps in plan and saved plans", () => {
  let dir: string;
  let env: InProcessLab;
  let planDocument: string;
  let inventory: string;
  let out: Capture;
  let err: Capture;
  const io = (extra: Partial<CommandIo> = {}): CommandIo => ({ stdout: out, stderr: err, cwd: dir, connect: env.connect(), env: {}, ...extra });
  const guestJournal = () => env.lab.journal().filter((j) => j.kind === "guest").map((j) => j.argv.join(" "));
  const ldmMutating = () => env.lab.mutatingCount();
  const convergeHosts = async (hostIds?: string[]) => {
    const run = await applyHosts(engineHosts(examplePlan(), { inventory: INVENTORY, ...(hostIds ? { hostIds } : {}) }), { connect: env.connect(), invTimeoutMs: 10_000 });
    expect(run.hosts.every((h) => h.status === "applied" || h.status === "unchanged")).toBe(true);
  };
  const unreachableGuest = (): ConnectHost => {
    const inner = env.connect();
    return (target) => {
      if (target.id.startsWith("guest/")) throw new ConnectionError(`${target.id}: connect ECONNREFUSED ldg1.lab:22`, target.id);
      return inner(target);
    };
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "ldoms-guest-plan-"));
    const json = defaultLabJson();
    json.options = { ...json.options, invSettleMs: 50 };
    env = inProcessLab(json);
    planDocument = join(dir, "ldoms.plan.json");
    writeFileSync(planDocument, JSON.stringify(examplePlan()));
    inventory = join(dir, "inventory.json");
    writeFileSync(inventory, JSON.stringify(INVENTORY));
    out = new Capture();
    err = new Capture();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("plan shows the guest's ipadm commands and counts them as changes; apply FILE runs exactly those", async () => {
    await convergeHosts();
    expect(await runPlan({ planDocument, inventory, out: "guest.saved", detailedExitcode: true }, io())).toBe(2);
    expect(out.text).toContain("t7-a: no changes");
    expect(out.text).toContain('guest ldg1 (on t7-a): 6 to change\n  + create IP interface net1 (VF "ldg1-app")\n      because the guest has no IP interface on datalink net1\n      ipadm create-ip net1\n');
    for (const line of GUEST_COMMANDS) expect(out.text).toContain(`      ${line.replace(/'/g, "")}\n`);
    expect(out.text).toContain("No changes on the control domains. 8 step(s) already in the desired state.\nGuests: 6 ipadm command(s) in 1 guest(s).\n");
    const saved = JSON.parse(readFileSync(join(dir, "guest.saved"), "utf8"));
    expect(saved.guests).toHaveLength(1);
    expect(saved.guests[0]).toMatchObject({ domain: "ldg1", host: "t7-a", guest: "guest/ldg1", status: "planned" });
    expect(saved.guests[0].fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(saved.guests[0].steps.map((s: { commandLine: string }) => s.commandLine)).toEqual(GUEST_COMMANDS);
    expect(guestJournal()).toEqual([]);

    out.text = "";
    expect(await runApply("guest.saved", { inventory }, io())).toBe(0);
    expect(guestJournal()).toEqual(GUEST_COMMANDS.map((l) => l.replace(/'/g, "")));
    expect(out.text).toContain("guest ldg1 (on t7-a): 6 ipadm command(s)");

    out.text = "";
    expect(await runPlan({ planDocument, inventory, detailedExitcode: true }, io())).toBe(0);
    expect(out.text).toContain("guest ldg1 (on t7-a): IPMP configured, no changes");
  });

  it("plan --json lists the guest steps", async () => {
    await convergeHosts();
    expect(await runPlan({ planDocument, inventory, json: true }, io())).toBe(0);
    const json = JSON.parse(out.text);
    expect(json.guests).toHaveLength(1);
    expect(json.guests[0]).toMatchObject({ domain: "ldg1", host: "t7-a", status: "planned", problems: [] });
    expect(json.guests[0].steps.map((s: { commandLine: string }) => s.commandLine)).toEqual(GUEST_COMMANDS);
    expect(json.guests[0].fingerprint).toMatch(/^sha256:/);
    expect(json.totals.guestCommands).toBe(6);
  });

  it("a saved plan made while the host still had changes runs no guest command", async () => {
    expect(await runPlan({ planDocument, inventory, out: "early.saved" }, io())).toBe(0);
    expect(out.text).toContain("guest ldg1 (on t7-a): IPMP not planned yet: its datalinks depend on t7-a's 3 pending change(s); apply them, then plan again");
    expect(out.text).toContain("Plan: 3 to create, 1 to update in place, 0 disruptive, 4 unchanged.\nGuests: 1 waiting on host changes.\n");
    const saved = JSON.parse(readFileSync(join(dir, "early.saved"), "utf8"));
    expect(saved.guests[0]).toMatchObject({ domain: "ldg1", status: "waiting", steps: [] });
    out.text = "";
    expect(await runApply("early.saved", { inventory }, io())).toBe(0);
    expect(ldmMutating()).toBe(4);
    expect(guestJournal()).toEqual([]);
    expect(out.text).toContain("guest ldg1 (on t7-a): not in the saved plan (IPMP not planned yet: its datalinks depend on t7-a's 3 pending change(s)); run ldoms plan --out FILE again to plan it");
  });

  it("apply FILE refuses a guest that changed since the plan, naming the change; nothing runs anywhere", async () => {
    await convergeHosts(["t7-a"]);
    expect(await runPlan({ planDocument, inventory, out: "stale.saved" }, io())).toBe(0);
    expect(out.text).toContain("t7-b: 1 to change");
    expect(out.text).toContain("guest ldg1 (on t7-a): 6 to change");
    expect((await env.lab.runGuest("ldg1", ["ipadm", "create-ip", "net1"])).exitCode).toBe(0);
    const ldmBefore = ldmMutating();
    await expect(runApply("stale.saved", { inventory }, io())).rejects.toThrow(
      "guest ldg1 (on t7-a): the saved plan is stale: the guest changed since the plan was made:\n  - IP interface net1 appeared\nRun ldoms plan --out FILE again, review it, and apply the new plan. Nothing was changed.",
    );
    expect(ldmMutating()).toBe(ldmBefore);
    expect(guestJournal()).toEqual(["ipadm create-ip net1"]);
  });

  it("an unreachable guest is reported by plan without failing the host plan; its saved plan runs nothing there", async () => {
    await convergeHosts();
    expect(await runPlan({ planDocument, inventory, out: "down.saved", detailedExitcode: true }, io({ connect: unreachableGuest() }))).toBe(0);
    expect(out.text).toContain("guest ldg1 (on t7-a): unreachable, IPMP not planned: guest/ldg1: connect ECONNREFUSED ldg1.lab:22");
    expect(out.text).toContain("No changes. 8 step(s) already in the desired state.\nGuests: 1 unreachable.\n");
    const saved = JSON.parse(readFileSync(join(dir, "down.saved"), "utf8"));
    expect(saved.guests[0]).toMatchObject({ domain: "ldg1", status: "unreachable", steps: [] });
    out.text = "";
    expect(await runApply("down.saved", { inventory, json: true }, io())).toBe(0);
    expect(guestJournal()).toEqual([]);
    const json = JSON.parse(out.text);
    expect(json.guestsNotInPlan).toEqual([{ domain: "ldg1", host: "t7-a", guest: "guest/ldg1", reason: "unreachable when the plan was made: guest/ldg1: connect ECONNREFUSED ldg1.lab:22" }]);
  });

  it("apply (no saved plan) lists a guest it cannot reach in unreachable", async () => {
    await convergeHosts();
    expect(await runApply(undefined, { planDocument, inventory, autoApprove: true, json: true }, io({ connect: unreachableGuest() }))).toBe(1);
    const json = JSON.parse(out.text);
    expect(json.guestsUnreachable).toEqual([{ domain: "ldg1", host: "t7-a", guest: "guest/ldg1", reason: "guest/ldg1: connect ECONNREFUSED ldg1.lab:22" }]);
  });
});
