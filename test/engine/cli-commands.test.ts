import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runApply } from "../../src/cli/commands/apply";
import { runPlan, type CommandIo } from "../../src/cli/commands/plan";
import { runForceUnlock } from "../../src/cli/commands/force-unlock";
import { inProcessLab, type InProcessLab } from "./support/engine-lab";
import { defaultLabJson } from "../migration/support";
import type { Capture } from "../support/capture";
import { cliFixture, type CliFixture } from "../support/cli-fixture";


describe("ldoms plan / apply / force-unlock (commands, against the lab in-process)", () => {
  let dir: string;
  let env: InProcessLab;
  let planDocument: string;
  let out: Capture;
  let err: Capture;
  let fixture: CliFixture;
  const io = (extra: Partial<CommandIo> = {}): CommandIo => fixture.io(extra);

  beforeEach(() => {
    fixture = cliFixture("ldoms-cli-");
    ({ dir, env, planDocument, out, err } = fixture);
  });
  afterEach(() => fixture.remove());

  it("plan --detailed-exitcode: 2 with changes, 0 once applied; text shows +/~ with reasons", async () => {
    expect(await runPlan({ planDocument, detailedExitcode: true }, io())).toBe(2);
    expect(out.text).toContain('t7-a: 3 to change, 3 unchanged\n  + create VF "ldg1-app" on /SYS/MB/NET0/IOVNET.PF0 (pvid=100)\n      because no VF is named "ldg1-app"\n      ldm create-vf name=ldg1-app pvid=100 /SYS/MB/NET0/IOVNET.PF0\n  ~ assign VF "ldg1-app" to domain ldg1');
    expect(out.text).toContain("Plan: 3 to create, 1 to update in place, 0 disruptive, 4 unchanged.");
    expect(err.text).toMatch(/^\d{4}-\d\d-\d\dT\S+Z t7-a reading\n/m);
    expect(await runApply(undefined, { planDocument, autoApprove: true, json: true }, io())).toBe(0);
    const json = JSON.parse(out.text.slice(out.text.indexOf('{\n  "hosts"')));
    expect(json.hosts.map((h: { id: string; mutatingCommands: number; actions: unknown[] }) => [h.id, h.mutatingCommands, h.actions.length])).toEqual([
      ["t7-a", 3, 3],
      ["t7-b", 1, 1],
    ]);
    out.text = "";
    expect(await runPlan({ planDocument, detailedExitcode: true }, io())).toBe(0);
    expect(out.text).toContain("No changes. 8 step(s) already in the desired state.");
    expect(await runPlan({ planDocument }, io())).toBe(0);
  });

  it("plan --json", async () => {
    expect(await runPlan({ planDocument, json: true }, io())).toBe(0);
    const json = JSON.parse(out.text);
    expect(json.stack).toBe("prod-move");
    expect(json.totals).toEqual({ create: 3, update: 1, disruptive: 0, unchanged: 4, failedHosts: 0 });
    expect(json.hosts[0].fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    // Progress stays on stderr (README): stdout is the report alone.
    expect(err.text).toMatch(/^\S+Z t7-a reading\n/m);
    expect(err.text).toMatch(/^\S+Z t7-b 1 to change, 1 unchanged\n/m);
  });

  it("apply --json: progress on stderr, only the report on stdout", async () => {
    expect(await runApply(undefined, { planDocument, autoApprove: true, json: true }, io())).toBe(0);
    expect(JSON.parse(out.text).hosts.map((h: { id: string; status: string }) => `${h.id} ${h.status}`)).toEqual(["t7-a applied", "t7-b applied"]);
    expect(err.text).toMatch(/^\S+Z t7-a \[1\/3\] \+ create VF "ldg1-app"/m);
    expect(err.text).toMatch(/^\S+Z t7-a done \(3 mutating command\(s\)\)\n/m);
  });

  it("plan --out then apply FILE; a host changed since makes it stale", async () => {
    expect(await runPlan({ planDocument, out: "plan.saved" }, io())).toBe(0);
    expect(out.text).toContain("Saved the plan to plan.saved; apply exactly it with: ldoms apply plan.saved");
    expect(await runApply("plan.saved", {}, io())).toBe(0);
    expect(env.lab.mutatingCount()).toBe(4);
    await env.ldm("t7-b", "set-io", "pvid=7", "/SYS/MB/NET2/IOVNET.PF0.VF0");
    expect(await runPlan({ planDocument, out: "plan2.saved" }, io())).toBe(0);
    await env.ldm("t7-b", "set-io", "pvid=8", "/SYS/MB/NET2/IOVNET.PF0.VF0");
    out.text = "";
    expect(await runApply("plan2.saved", {}, io())).toBe(1);
    expect(out.text).toContain('t7-b: FAILED before any change\n  t7-b: the saved plan is stale: the host changed since the plan was made:\n    - VF /SYS/MB/NET2/IOVNET.PF0.VF0 changed: properties.pvid "7" -> "8"');
    expect(env.lab.mutatingCount()).toBe(6);
  });

  it("apply without --auto-approve and without a terminal refuses before connecting", async () => {
    await expect(runApply(undefined, { planDocument }, io())).rejects.toThrow(
      "apply needs approval, and there is no terminal to ask on: review with ldoms plan, then run ldoms apply --auto-approve (pipelines), or save a plan with ldoms plan --out FILE and apply it with ldoms apply FILE",
    );
    expect(env.counters.connections).toBe(0);
  });

  it("apply asks on a terminal: anything but yes cancels (exit 1, as Terraform), yes applies", async () => {
    expect(await runApply(undefined, { planDocument }, { ...io(), ask: async () => "no" })).toBe(1);
    expect(out.text).toContain("Apply cancelled. Nothing was changed.");
    expect(err.text).toContain("Plan: 3 to create, 1 to update in place");
    expect(env.lab.mutatingCount()).toBe(0);
    expect(await runApply(undefined, { planDocument }, { ...io(), ask: async () => "yes" })).toBe(0);
    expect(env.lab.mutatingCount()).toBe(4);
  });

  it("apply: declining the guest's IPMP commands exits 1 and says nothing ran in the guest", async () => {
    const lab = inProcessLab(defaultLabJson());
    const inventory = join(dir, "guest-inventory.json");
    const entry = (port: number) => ({ address: "127.0.0.1", port, user: "ldmops" });
    writeFileSync(inventory, JSON.stringify({ hosts: { "t7-a": entry(1), "t7-b": entry(2), "guest/ldg1": entry(3) } }));
    const questions: string[] = [];
    const ask = async (q: string) => (questions.push(q), q.includes("in the guest") ? "no" : "yes");
    expect(await runApply(undefined, { planDocument, inventory, invTimeout: 10_000 }, { ...io({ connect: lab.connect() }), ask })).toBe(1);
    expect(questions.map((q) => q.split("\n").pop())).toEqual(["Apply these changes? Only 'yes' is accepted: ", "Run these commands in the guest? Only 'yes' is accepted: "]);
    expect(out.text).toContain("guest ldg1 (on t7-a): IPMP commands not confirmed; nothing ran in the guest");
    expect(lab.lab.journal().some((j) => JSON.stringify(j).includes("ipadm"))).toBe(false);
  });

  it("apply names the guests whose IPMP group it could not configure for want of access (was silent until migrate)", async () => {
    expect(await runApply(undefined, { planDocument, autoApprove: true }, io())).toBe(0);
    expect(out.text).toContain(
      "guest ldg1 (on t7-a): IPMP not configured: ldoms has no access to the guest; give the GuestDomain access (or an inventory entry guest/ldg1), or run scripts/guest-ldg1.sh in the guest (until then ldoms migrate reports rule 3 unverified)\n",
    );
    out.text = "";
    expect(await runApply(undefined, { planDocument, autoApprove: true, json: true }, io())).toBe(0);
    expect(JSON.parse(out.text).guestsNoAccess).toEqual([{ domain: "ldg1", host: "t7-a", guest: "guest/ldg1" }]);
  });

  it("force-unlock of a lock that is not there", async () => {
    await expect(runForceUnlock("t7-a", "0123456789abcdef", { planDocument }, io())).rejects.toThrow(
      "t7-a: there is no lock (/var/tmp/ldoms.lock does not exist); nothing to release: run the refused command again",
    );
  });

  describe("bad inputs, each a clear error", () => {
    it("unknown --host", async () => {
      await expect(runPlan({ planDocument, host: ["t7-z"] }, io())).rejects.toThrow("--host t7-z: no such host in stack prod-move; hosts: t7-a, t7-b");
    });
    it("wrong --stack for a plan document", async () => {
      await expect(runPlan({ planDocument, stack: "other" }, io())).rejects.toThrow(
        `--stack other: ${planDocument} holds stack prod-move; choose that stack or another plan document`,
      );
    });
    it("missing inventory file", async () => {
      await expect(runPlan({ planDocument, inventory: "nope.json" }, io())).rejects.toThrow(
        `cannot read inventory ${join(dir, "nope.json")}: ENOENT; check the --inventory path (ldoms lab up writes one with --inventory-out)`,
      );
    });
    it("invalid inventory entries, all reported", async () => {
      writeFileSync(join(dir, "inv.json"), JSON.stringify({ hosts: { "t7-a": { address: "", port: 70000, user: "x", hostKey: "md5:zz" } } }));
      await expect(runPlan({ planDocument, inventory: "inv.json" }, io())).rejects.toThrow(
        [
          `invalid inventory ${join(dir, "inv.json")}`,
          `  - ${join(dir, "inv.json")}: $.hosts["t7-a"].address: "" is not a host name or IP address; write the name or address ssh connects to, e.g. "t7-a.example.com" or "127.0.0.1"`,
          `  - ${join(dir, "inv.json")}: $.hosts["t7-a"].port: expected an integer from 1 to 65535, got 70000`,
          `  - ${join(dir, "inv.json")}: $.hosts["t7-a"].hostKey: "md5:zz" is not a SHA256 host key fingerprint; write "SHA256:" and 43 base64 characters, as ssh-keygen -lf prints`,
        ].join("\n"),
      );
    });
    it("an unknown inventory key is an error naming the key, the host, the file and the known keys (closest first)", async () => {
      const inv = join(dir, "typo.json");
      writeFileSync(inv, JSON.stringify({ hosts: { "t7-a": { address: "127.0.0.1", port: 22, user: "ldmops", hostkey: "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }, "t7-b": { address: "127.0.0.1", port: 22, user: "ldmops", pfexce: true, colour: "blue" } } }));
      const known = "(known keys: address, port, user, hostKey, knownHostsFile, identityFile, pfexec, ldmPath)";
      await expect(runPlan({ planDocument, inventory: "typo.json" }, io())).rejects.toThrow(
        [
          `invalid inventory ${inv}`,
          `  - ${inv}: $.hosts["t7-a"]: unknown key "hostkey"; did you mean "hostKey"? ${known}`,
          `  - ${inv}: $.hosts["t7-b"]: unknown key "pfexce"; did you mean "pfexec"? ${known}`,
          `  - ${inv}: $.hosts["t7-b"]: unknown key "colour"; remove it ${known}`,
        ].join("\n"),
      );
      expect(env.counters.connections).toBe(0);
      writeFileSync(inv, JSON.stringify({ host: {} }));
      await expect(runPlan({ planDocument, inventory: "typo.json" }, io())).rejects.toThrow(
        [
          `invalid inventory ${inv}`,
          `  - ${inv}: $: missing required key "hosts"; add "hosts" (an object keyed by host id)`,
          `  - ${inv}: $: unknown key "host"; did you mean "hosts"? (known keys: hosts)`,
        ].join("\n"),
      );
    });
    it("a host missing from the inventory given is named, with the file and the hosts it has", async () => {
      const inv = join(dir, "partial.json");
      const entry = { address: "127.0.0.1", port: 22, user: "ldmops" };
      writeFileSync(inv, JSON.stringify({ hosts: { "t7-a": entry, "guest/ldg1": entry, "t7-z": entry } }));
      await expect(runPlan({ planDocument, inventory: "partial.json" }, io())).rejects.toThrow(
        `host t7-b is not in ${inv}, which has t7-a, guest/ldg1, t7-z; add "t7-b" under "hosts" (address, port, user), or drop --inventory (and $LDOMS_INVENTORY) to use the addresses of the constructs`,
      );
      await expect(runApply(undefined, { planDocument, inventory: "partial.json", autoApprove: true }, io())).rejects.toThrow(`host t7-b is not in ${inv}`);
      expect(env.counters.connections).toBe(0);
      // --host limits the run: the other host need not be in the inventory; extra entries are fine.
      expect(await runPlan({ planDocument, inventory: "partial.json", host: ["t7-a"] }, io())).toBe(0);
      expect(out.text).toContain("t7-a: 3 to change, 3 unchanged");
    });
    it("LDOMS_INVENTORY is used when --inventory is absent", async () => {
      await expect(runPlan({ planDocument }, io({ env: { LDOMS_INVENTORY: join(dir, "absent.json") } }))).rejects.toThrow(`cannot read inventory ${join(dir, "absent.json")}: ENOENT`);
    });
    it("no project and no plan document", async () => {
      rmSync(planDocument);
      await expect(runPlan({}, io())).rejects.toThrow(`no cdktf.json in ${dir} and no ldoms.plan.json here: run from the project folder, or give --plan-document FILE`);
    });
    it("a saved plan that is not one", async () => {
      writeFileSync(join(dir, "bogus.plan"), JSON.stringify({ hello: 1 }));
      await expect(runApply("bogus.plan", {}, io())).rejects.toThrow(
        `${join(dir, "bogus.plan")} is not a saved plan (no "kind": "ldoms-saved-plan"); give a file written by ldoms plan --out, or use --plan-document for an ldoms.plan.json`,
      );
    });
  });

  it("a saved plan file is byte-stable JSON with the document inside", async () => {
    await runPlan({ planDocument, out: "a.saved" }, io());
    const saved = JSON.parse(readFileSync(join(dir, "a.saved"), "utf8"));
    expect(saved.kind).toBe("ldoms-saved-plan");
    expect(saved.document.stack).toBe("prod-move");
    await runPlan({ planDocument, out: "b.saved" }, io());
    expect(readFileSync(join(dir, "b.saved"), "utf8")).toBe(readFileSync(join(dir, "a.saved"), "utf8"));
  });
});
