/**
 * Resource `ldoms_vf` RPCs as plain calls (no gRPC, no terraform) against the lab's SSH server:
 * applies of one host in parallel, a VF gone from its host, plan-time checks on the host's read,
 * import, destroy (run where ldm allows it, refused at plan time where not), and StopProvider.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sshConnect } from "../../src/provider/connect";
import { decodeDynamicValue, encodeDynamicValue, type TerraformValue } from "../../src/provider/dynamic-value";
import { LdomsProvider } from "../../src/provider/provider-rpcs";
import { LabExecutor } from "../../src/lab-serving/executor";
import { examplePlan } from "../../test-kit/example-plan";
import { writeProviderFiles } from "./support";
import { startSshLab, type SshLab } from "../engine/support/ssh-lab";

const PF = "/SYS/MB/NET2/IOVNET.PF0";
const NET0 = "/SYS/MB/NET0/IOVNET.PF0";
const TYPE = "ldoms_vf";
const vf = (v: Record<string, TerraformValue>): Record<string, TerraformValue> => ({ host: "t7-b", name: "v", pf: PF, domain: null, pvid: null, vid: null, mtu: null, mac_addr: null, alt_mac_addrs: null, pseudonym: null, id: null, ...v });

describe("ldoms_vf RPCs against the lab", () => {
  let lab: SshLab;
  let dir: string;

  beforeAll(async () => {
    lab = await startSshLab();
    dir = mkdtempSync(join(tmpdir(), "ldoms-provider-vf-rpcs-"));
    writeProviderFiles(dir, examplePlan(), lab.inventory.hosts);
  });

  afterAll(async () => {
    await lab?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const provider = (block: Record<string, TerraformValue> = {}) => {
    const p = new LdomsProvider(sshConnect(), dir, {});
    expect(p.configureProvider({ config: encodeDynamicValue({ plan_document: "ldoms.plan.json", inventory: "inventory.json", ...block }) }).diagnostics).toEqual([]);
    return p;
  };
  /** Another run's lock on t7-b, as a killed pipeline leaves it. */
  const holdLock = (shell: LabExecutor) =>
    shell.exec("mkdir /var/tmp/ldoms.lock && printf 'id=%s\\nowner=%s\\npid=%s\\ntime=%s\\noperation=%s\\n' 0123456789abcdef ci@runner 4242 2026-01-01T00:00:00.000Z 'ldoms apply' > /var/tmp/ldoms.lock/info");

  /** Plans and applies the creation of `config` as Terraform does. */
  async function create(p: LdomsProvider, config: Record<string, TerraformValue>) {
    const plan = await p.planResourceChange({ type_name: TYPE, prior_state: encodeDynamicValue(null), proposed_new_state: encodeDynamicValue(config), config: encodeDynamicValue(config) });
    expect(plan.diagnostics).toEqual([]);
    const applied = await p.applyResourceChange({ type_name: TYPE, prior_state: encodeDynamicValue(null), planned_state: plan.planned_state, config: encodeDynamicValue(config) });
    return { diagnostics: applied.diagnostics, state: decodeDynamicValue(applied.new_state) as Record<string, TerraformValue> | null };
  }

  it("two VFs of one host applied at once: one after the other under the host's lock, each state read back", async () => {
    const p = provider();
    const [a, b] = await Promise.all([create(p, vf({ name: "par-a", pvid: 10 })), create(p, vf({ name: "par-b", vid: [20, 21] }))]);
    expect(a.diagnostics).toEqual([]);
    expect(b.diagnostics).toEqual([]);
    expect(a.state).toMatchObject({ name: "par-a", pvid: 10, id: "t7-b/par-a", pseudonym: expect.stringMatching(/^\/SYS\/MB\/NET2\/IOVNET\.PF0\.VF\d$/) });
    expect(b.state).toMatchObject({ name: "par-b", vid: [20, 21], pvid: null, mtu: 1500 });
    expect(new Set([a.state?.["pseudonym"], b.state?.["pseudonym"]]).size).toBe(2);

    // A fresh process reads both from one read of t7-b.
    const fresh = provider();
    const before = structuredClone(lab.server.stats.perHost["t7-b"]!);
    const reads = await Promise.all([a.state, b.state].map((s) => fresh.readResource({ type_name: TYPE, current_state: encodeDynamicValue(s) })));
    expect(reads.map((r) => decodeDynamicValue(r.new_state))).toEqual([a.state, b.state]);
    const after = lab.server.stats.perHost["t7-b"]!;
    expect([after.connections - before.connections, after.execs - before.execs]).toEqual([1, 1]);
  });

  it("a VF gone from its host reads as no object: Terraform drops it from its state", async () => {
    const read = await provider().readResource({ type_name: TYPE, current_state: encodeDynamicValue(vf({ name: "never-made", pseudonym: `${PF}.VF6`, id: "t7-b/never-made" })) });
    expect(read.diagnostics).toEqual([]);
    expect(read.new_state).toBeDefined();
    expect(decodeDynamicValue(read.new_state)).toBeNull();
  });

  it("plan checks the host: a PF it does not have, a name used on another PF, a domain it does not have", async () => {
    const p = provider();
    const plan = (config: Record<string, TerraformValue>) =>
      p.planResourceChange({ type_name: TYPE, prior_state: encodeDynamicValue(null), proposed_new_state: encodeDynamicValue(config), config: encodeDynamicValue(config) });
    const noPf = await plan(vf({ name: "x1", pf: "/SYS/MB/NET9/IOVNET.PF0" }));
    expect(noPf.planned_state).toBeUndefined();
    expect(noPf.diagnostics).toMatchObject([{ summary: 'VF "x1" on t7-b: apply would fail as the host is now, so nothing will be changed', attribute: { steps: [{ attribute_name: "pf" }] } }]);
    expect(noPf.diagnostics[0]?.detail).toContain(`- PF /SYS/MB/NET9/IOVNET.PF0 does not exist on t7-b; Ethernet PFs there: ${PF}`);
    await create(p, vf({ name: "taken" }));
    const taken = await plan(vf({ name: "taken", pf: "/SYS/MB/NET0/IOVNET.PF0" }));
    expect(taken.diagnostics[0]?.summary).toMatch(/^a VF named "taken" already exists on t7-b, on PF \/SYS\/MB\/NET2\/IOVNET\.PF0 /);
    const noDomain = await plan(vf({ name: "x2", domain: "nosuch" }));
    expect(noDomain.diagnostics[0]?.detail).toContain("domain nosuch does not exist on t7-b");
    expect(noDomain.diagnostics[0]?.attribute).toEqual({ steps: [{ attribute_name: "domain" }] });
    const unknownHost = await plan(vf({ host: "t7-z" }));
    expect(unknownHost.diagnostics).toMatchObject([{ summary: "--host t7-z: no such host in stack prod-move; hosts: t7-a, t7-b", attribute: { steps: [{ attribute_name: "host" }] } }]);
  });

  it("import: HOST/NAME gives the identity, the read that follows the rest; a bad id is a diagnostic", async () => {
    const p = provider();
    await create(p, vf({ name: "imp", pvid: 42 }));
    const imported = provider().importResourceState({ type_name: TYPE, id: "t7-b/imp" });
    expect(imported.diagnostics).toEqual([]);
    const state = imported.imported_resources[0]!.state;
    expect(decodeDynamicValue(state)).toEqual(vf({ name: "imp", id: "t7-b/imp", pf: null }));
    const read = await provider().readResource({ type_name: TYPE, current_state: state });
    expect(decodeDynamicValue(read.new_state)).toMatchObject({ name: "imp", pf: PF, pvid: 42, id: "t7-b/imp" });
    expect(provider().importResourceState({ type_name: TYPE, id: "imp" })).toMatchObject({ imported_resources: [], diagnostics: [{ summary: expect.stringMatching(/^import id "imp" is not HOST\/NAME/) }] });
  });

  it("an update while another run holds t7-b's lock: the engine's message, nothing changed, the state as the host shows it", async () => {
    const p = provider();
    const made = await create(p, vf({ name: "locked", pvid: 7 }));
    expect(made.diagnostics).toEqual([]);
    const shell = new LabExecutor(lab.lab, "t7-b");
    await holdLock(shell);
    try {
      const mutations = lab.lab.mutatingCount("t7-b");
      const config = { ...made.state!, pvid: 8 };
      const update = await p.applyResourceChange({ type_name: TYPE, prior_state: encodeDynamicValue(made.state!), planned_state: encodeDynamicValue(config), config: encodeDynamicValue(config) });
      expect(update.diagnostics[0]?.summary).toMatch(/^t7-b: another run holds the lock \/var\/tmp\/ldoms\.lock on this host: held by ci@runner \(pid 4242, ldoms apply\)/);
      expect(update.diagnostics[0]?.summary).toContain("ldoms force-unlock t7-b 0123456789abcdef");
      expect(decodeDynamicValue(update.new_state)).toEqual(made.state);
      expect(lab.lab.mutatingCount("t7-b")).toBe(mutations);
    } finally {
      await shell.exec("rm -rf /var/tmp/ldoms.lock");
    }
  });

  it("lock_timeout: an update waits for another run's lock and runs once it is released; a shorter wait fails with the CLI's lock message", async () => {
    const made = await create(provider(), vf({ name: "waits", pvid: 7 }));
    expect(made.diagnostics).toEqual([]);
    const shell = new LabExecutor(lab.lab, "t7-b");
    const update = (p: LdomsProvider, pvid: number) => {
      const config = { ...made.state!, pvid };
      return p.applyResourceChange({ type_name: TYPE, prior_state: encodeDynamicValue(made.state!), planned_state: encodeDynamicValue(config), config: encodeDynamicValue(config) });
    };
    await holdLock(shell);
    try {
      const short = await update(provider({ lock_timeout: "1s" }), 8);
      expect(short.diagnostics[0]?.summary).toMatch(/^t7-b: another run holds the lock \/var\/tmp\/ldoms\.lock on this host \(still, after waiting 1 s: --lock-timeout\): held by ci@runner/);
      const started = Date.now();
      const waiting = update(provider({ lock_timeout: "20s" }), 9);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await shell.exec("rm -rf /var/tmp/ldoms.lock");
      const waited = await waiting;
      expect(waited.diagnostics).toEqual([]);
      expect(decodeDynamicValue(waited.new_state)).toMatchObject({ name: "waits", pvid: 9 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
    } finally {
      await shell.exec("rm -rf /var/tmp/ldoms.lock");
    }
  }, 30_000);

  it("mtu or mac_addr of a VF of the running ldg1 is refused at plan time with the provider's opt-in explained, allow_disruptive or not (ldm refuses it)", async () => {
    const made = await create(provider(), vf({ host: "t7-a", name: "run-mtu", pf: "/SYS/MB/NET0/IOVNET.PF0", domain: "ldg1" }));
    expect(made.diagnostics).toEqual([]);
    for (const allow of [false, true]) {
      const p = provider({ allow_disruptive: allow });
      const config = { ...made.state!, mtu: 9000 };
      const plan = await p.planResourceChange({ type_name: TYPE, prior_state: encodeDynamicValue(made.state!), proposed_new_state: encodeDynamicValue(config), config: encodeDynamicValue(config) });
      expect(plan.planned_state).toBeUndefined();
      expect(plan.diagnostics[0]?.attribute).toEqual({ steps: [{ attribute_name: "mtu" }] });
      const detail = plan.diagnostics[0]?.detail ?? "";
      expect(detail).toContain("ldm refuses it while domain ldg1 is active (the domain must be inactive or bound): stop it (ldm stop-domain ldg1), run terraform apply again, then start it (ldm start-domain ldg1)");
      expect(detail).toContain("allow_disruptive = true in the provider block is the opt-in for disruptive changes ldm accepts; ldm refuses this change while the domain runs, so it stays refused whatever allow_disruptive says");
    }
    const macConfig = { ...made.state!, mac_addr: "00:14:4f:fa:00:42" };
    const mac = await provider({ allow_disruptive: true }).planResourceChange({ type_name: TYPE, prior_state: encodeDynamicValue(made.state!), proposed_new_state: encodeDynamicValue(macConfig), config: encodeDynamicValue(macConfig) });
    expect(mac.diagnostics[0]?.attribute).toEqual({ steps: [{ attribute_name: "mac_addr" }] });
    expect(mac.diagnostics[0]?.detail).toContain("step vf/run-mtu/set/mac-addr (");
    expect(mac.diagnostics[0]?.detail).toContain("ldm refuses it while domain ldg1 is active");
    // Reaching apply anyway (the domain started after the plan): the engine refuses it before any change, in the same words.
    const mutations = lab.lab.mutatingCount("t7-a");
    const config = { ...made.state!, mtu: 9000 };
    const applied = await provider({ allow_disruptive: true }).applyResourceChange({ type_name: TYPE, prior_state: encodeDynamicValue(made.state!), planned_state: encodeDynamicValue(config), config: encodeDynamicValue(config) });
    expect(applied.diagnostics[0]?.summary).toBe("t7-a: apply would fail, so nothing was changed:");
    expect(applied.diagnostics[0]?.detail).toContain("run terraform apply again, then start it (ldm start-domain ldg1)");
    expect(applied.diagnostics[0]?.detail).toContain("so it stays refused whatever allow_disruptive says");
    expect(lab.lab.mutatingCount("t7-a")).toBe(mutations);
  });

  it("destroy: the last VF created on its PF, unassigned, is destroyed and proved gone; an earlier one or an assigned one is refused at plan time with the fix", async () => {
    const p = provider();
    // On t7-a's PF: t7-b's is full after the tests above.
    const onA = (v: Record<string, TerraformValue>) => vf({ host: "t7-a", pf: NET0, ...v });
    const assigned = await create(p, onA({ name: "d-assigned", domain: "ldg1" }));
    const first = await create(p, onA({ name: "d-first" }));
    const last = await create(p, onA({ name: "d-last" }));
    const planDestroy = (state: Record<string, TerraformValue> | null) =>
      p.planResourceChange({ type_name: TYPE, prior_state: encodeDynamicValue(state), proposed_new_state: encodeDynamicValue(null), config: encodeDynamicValue(null) });

    const notLast = await planDestroy(first.state);
    expect(notLast.diagnostics[0]?.summary).toBe('VF "d-first" on t7-a cannot be destroyed as the host is now, so nothing will be changed');
    expect(notLast.diagnostics[0]?.detail).toContain(`ldm destroys only the last VF created on a PF, and on ${NET0} that is ${String(last.state?.["pseudonym"])} ("d-last")`);
    expect(notLast.diagnostics[0]?.detail).toContain("lifecycle { destroy = false }");
    const inUse = await planDestroy(assigned.state);
    expect(inUse.diagnostics[0]?.detail).toContain(`is assigned to domain ldg1: remove it from the domain first (ldm remove-io ${String(assigned.state?.["pseudonym"])} ldg1)`);

    const mutations = lab.lab.mutatingCount("t7-a");
    const plan = await planDestroy(last.state);
    expect(plan.diagnostics).toEqual([]);
    expect(decodeDynamicValue(plan.planned_state)).toBeNull();
    const destroyed = await p.applyResourceChange({ type_name: TYPE, prior_state: encodeDynamicValue(last.state), planned_state: plan.planned_state, config: encodeDynamicValue(null) });
    expect(destroyed.diagnostics).toEqual([]);
    expect(decodeDynamicValue(destroyed.new_state)).toBeNull();
    expect(lab.lab.mutatingCount("t7-a")).toBe(mutations + 1);
    const listing = (await lab.lab.runLdm("t7-a", ["list-io", "-l", "-p"])).stdout;
    expect(listing).not.toContain("name=d-last");
    expect(listing).toContain("name=d-first");
  });

  it("after StopProvider no change is made", async () => {
    const mutations = lab.lab.mutatingCount("t7-b");
    const stopped = provider();
    await stopped.stopProvider();
    const config = vf({ name: "after-stop" });
    const applied = await stopped.applyResourceChange({ type_name: TYPE, prior_state: encodeDynamicValue(null), planned_state: encodeDynamicValue({ ...config, id: "t7-b/after-stop" }), config: encodeDynamicValue(config) });
    expect(applied.diagnostics[0]?.summary).toMatch(/interrupted|stopped/);
    expect(decodeDynamicValue(applied.new_state)).toBeNull();
    expect(lab.lab.mutatingCount("t7-b")).toBe(mutations);
  });
});
