/**
 * The operations of a sequence, as fast-check model-based commands. Each runs against the World,
 * then checks the invariants; its `toString()` reads like the command line it stands for, so a
 * shrunk counterexample is a script to replay.
 */
import fc from "fast-check";
import { APP_PF, VF_VARIANT_NAMES, vfName, type VfVariant } from "./stack";
import { checkErrorMessages, checkMigratingUntouched, checkOnlyDeclared, checkState, InvariantViolation, undeclaredSnapshot } from "./invariants";
import { faultText, OOB_ACTIONS, type Fault, type OobAction, type Outcome, type World } from "./world";

/** The model is the world itself: the lab is the state, read back by the invariants. */
export type Model = Record<string, never>;
export type Op = fc.AsyncCommand<Model, World>;

function fail(message: string): never {
  throw new InvariantViolation(message);
}

const NO_FAULT: Fault = { kind: "none" };

/** Runs an engine command and checks everything that must hold after it. */
async function engineStep(world: World, what: string, go: () => Promise<Outcome>, settle?: (outcome: Outcome) => void): Promise<Outcome> {
  const sentBefore = world.sent.length;
  const before = undeclaredSnapshot(world);
  const outcome = await go();
  world.transcript?.push(`${what} -> exit ${outcome.code}${outcome.faulted ? " (fault hit)" : ""}`);
  settle?.(outcome);
  if (outcome.fault.kind === "meddle" && outcome.faulted) world.converged = false;
  const sent = world.sent.slice(sentBefore);
  checkState(world);
  checkMigratingUntouched(sent);
  checkOnlyDeclared(world, sent);
  // An admin's change during the command changes undeclared objects itself: the commands sent are checked instead.
  if (!(outcome.fault.kind === "meddle" && outcome.faulted) && undeclaredSnapshot(world) !== before) fail(`${what}: changed an object the configuration does not declare:\n before ${before}\n after  ${undeclaredSnapshot(world)}`);
  checkErrorMessages(world, what, outcome);
  if (outcome.code === 70) fail(`${what}: internal error: ${outcome.stderr}`);
  return outcome;
}

/** After an apply that ran to the end (exit 0): plan shows no change and apply again sends nothing. */
async function checkConverged(world: World, what: string, host: string | undefined): Promise<void> {
  const plan = await world.plan(NO_FAULT, host);
  if (plan.code !== 0) fail(`${what} exited 0, then plan${host ? ` --host ${host}` : ""} exited ${plan.code}:\n${plan.stdout}${plan.error ?? ""}`);
  const sentBefore = world.sent.length;
  const again = await world.apply(NO_FAULT, host);
  const report = JSON.parse(again.stdout) as { hosts: { id: string; mutatingCommands: number }[] };
  const mutating = report.hosts.reduce((n, h) => n + h.mutatingCommands, 0);
  if (again.code !== 0 || mutating !== 0 || world.sent.length !== sentBefore) {
    fail(`${what} exited 0, then apply again exited ${again.code} with ${mutating} mutating command(s): ${world.sent.slice(sentBefore).map((c) => `${c.machine}: ldm ${c.argv.join(" ")}`).join("; ")}`);
  }
}

/** A move that ended well on a converged lab leaves it converged (placement is observed, not declared). */
async function afterMove(world: World, what: string, out: Outcome): Promise<void> {
  if (out.code !== 0) world.converged = false;
  else if (world.converged && world.staleLocks.size === 0) await checkConverged(world, what, undefined);
}

export class SynthCmd implements Op {
  constructor(readonly domain: string, readonly variant: VfVariant) {}
  check = () => true;
  async run(_m: Model, world: World): Promise<void> {
    if (world.variants[this.domain] !== this.variant) world.converged = false;
    world.setVariant(this.domain, this.variant);
    world.transcript?.push(String(this));
  }
  toString = () => `synth ${this.domain}.vf0=${this.variant}`;
}

export class PlanCmd implements Op {
  constructor(readonly host: string | undefined, readonly fault: Fault) {}
  check = () => true;
  async run(_m: Model, world: World): Promise<void> {
    const out = await engineStep(world, this.toString(), () => world.plan(this.fault, this.host));
    // Plan takes no lock and the declared changes are all possible: only a fault may fail it.
    if (this.fault.kind === "none" && out.code !== 0 && out.code !== 2) fail(`${this}: exit ${out.code}:\n${out.stdout}${out.error ?? ""}`);
    if (this.fault.kind === "sigint" && out.faulted && out.code !== 130) fail(`${this}: exit ${out.code} after SIGINT (plan stops at once: 130)`);
  }
  toString = () => `plan${this.host ? ` --host ${this.host}` : ""}${faultText(this.fault)}`;
}

export class ApplyCmd implements Op {
  constructor(readonly host: string | undefined, readonly fault: Fault) {}
  check = () => true;
  async run(_m: Model, world: World): Promise<void> {
    const out = await engineStep(world, this.toString(), () => world.apply(this.fault, this.host));
    // A lock left by a killed run is the one reason an unfaulted apply may refuse (with a signal too: it refuses first).
    const locked = [...world.staleLocks.keys()].some((h) => this.host === undefined || h === this.host);
    if (this.fault.kind === "sigint" && out.faulted && out.code !== 130 && !(locked && out.code === 1)) fail(`${this}: exit ${out.code} after SIGINT (apply stops at its next safe point: 130)`);
    // An admin's change during the run may come after its last step: then there is something left to do.
    const meddled = this.fault.kind === "meddle" && out.faulted;
    if (out.code === 0 && !meddled) await checkConverged(world, this.toString(), this.host);
    // An apply of every host that ended well proves the lab converged (checkConverged above).
    if (out.code === 0 && !meddled && this.host === undefined) world.converged = true;
    if (out.code !== 0) world.converged = false;
    if (out.code !== 0 && this.fault.kind === "none" && !locked) fail(`${this}: exit ${out.code} with no lock in the way:\n${out.stdout}${out.error ?? ""}`);
  }
  toString = () => `apply${this.host ? ` --host ${this.host}` : ""}${faultText(this.fault)}`;
}

export class MigrateCmd implements Op {
  constructor(readonly domain: string, readonly to: string, readonly fault: Fault) {}
  check = () => true;
  async run(_m: Model, world: World): Promise<void> {
    const from = world.hostOf(this.domain);
    const out = await engineStep(world, this.toString(), () => world.migrate(this.fault, this.domain, this.to));
    const now = world.hostOf(this.domain);
    if (out.code === 0 && now !== this.to) fail(`${this}: exit 0 but ${this.domain} is on ${now}`);
    if (out.code !== 0 && now !== from && !(out.faulted && now === this.to)) fail(`${this}: exit ${out.code} but ${this.domain} moved from ${from} to ${now}`);
    await afterMove(world, String(this), out);
  }
  toString = () => `migrate ${this.domain} --to ${this.to}${faultText(this.fault)}`;
}

export class EvacuateCmd implements Op {
  constructor(readonly host: string, readonly fault: Fault) {}
  check = () => true;
  async run(_m: Model, world: World): Promise<void> {
    const out = await engineStep(world, this.toString(), () => world.evacuate(this.fault, this.host));
    const left = world.domains.filter((d) => world.hostOf(d) === this.host);
    if (out.code === 0 && left.length) fail(`${this}: exit 0 but ${left.join(", ")} still on ${this.host}`);
    await afterMove(world, String(this), out);
  }
  toString = () => `evacuate ${this.host}${faultText(this.fault)}`;
}

/** `ldoms force-unlock HOST ID` with the id the last refusal printed (a made-up one when none did). */
export class ForceUnlockCmd implements Op {
  constructor(readonly host: string) {}
  check = () => true;
  async run(_m: Model, world: World): Promise<void> {
    const target = world.lastRefusal ?? { host: this.host, id: "00000000deadbeef" };
    const expected = world.staleLocks.get(target.host) === target.id;
    const out = await engineStep(world, `force-unlock ${target.host} ${target.id}`, () => world.forceUnlock(target.host, target.id), (o) => {
      if (o.code !== 0) return;
      world.staleLocks.delete(target.host);
      world.lastRefusal = undefined;
    });
    if ((out.code === 0) !== expected) fail(`${this}: exit ${out.code}, expected ${expected ? 0 : 1}: ${out.stdout}${out.error ?? ""}`);
  }
  toString = () => `force-unlock <the host and id the last refusal printed; else ${this.host} 00000000deadbeef>`;
}

/** A run killed at once leaves its lock (owner process gone). */
export class KillRunCmd implements Op {
  constructor(readonly host: string) {}
  check = () => true;
  async run(_m: Model, world: World): Promise<void> {
    const id = await world.killedRunLock(this.host);
    world.transcript?.push(`kill a run holding the lock on ${this.host} -> ${world.staleLocks.get(this.host) === id ? `lock ${id}` : "the lock was taken already"}`);
    checkState(world);
  }
  toString = () => `kill a run holding the lock on ${this.host}`;
}


const OOB_TEXT: Record<OobAction, string> = {
  "create-vf": `ldm create-vf name=oob-N ${APP_PF}`,
  "destroy-vf": "ldm destroy-vf <the last VF of the PF>",
  "rename-vf": "ldm set-io name=oob-N <an unassigned VF>",
  "set-pvid": "ldm set-io pvid=77 <a declared VF>",
  "remove-vnet": "ldm remove-vnet <the first vnet> <a guest>",
  "stop-domain": "ldm stop-domain <an active guest>",
  "start-domain": "ldm start-domain <a bound guest>",
};

/** An admin's `ldm` command on a machine, resolved against the machine as it is when it runs. */
export class OobCmd implements Op {
  constructor(readonly host: string, readonly action: OobAction, readonly pick: number) {}
  check = () => true;
  async run(_m: Model, world: World): Promise<void> {
    const argv = world.oobArgv(this.host, this.action, this.pick);
    if (!argv) {
      world.transcript?.push(`${this} -> nothing to do`);
      return;
    }
    const out = await world.ldm(this.host, argv);
    if (out.exitCode === 0) world.converged = false;
    world.transcript?.push(`ldm ${this.host} ${argv.join(" ")} -> exit ${out.exitCode}${out.exitCode ? `: ${out.stderr.trim()}` : ""}`);
    checkState(world);
  }

  toString = () => `by hand on ${this.host}: ${OOB_TEXT[this.action]} (choice ${this.pick})`;
}

/** Two operations started at once; both may wait for the other's lock. */
export class TogetherCmd implements Op {
  constructor(readonly a: Together, readonly b: Together, readonly lockTimeout: number) {}
  check = () => true;
  async run(_m: Model, world: World): Promise<void> {
    const what = this.toString();
    await engineStep(world, what, async () => {
      const [x, y] = await Promise.all([start(world, this.a, this.lockTimeout), start(world, this.b, this.lockTimeout)]);
      checkErrorMessages(world, `${what} (first)`, x, true);
      checkErrorMessages(world, `${what} (second)`, y, true);
      if (this.lockTimeout > 0 && world.staleLocks.size === 0) {
        for (const [op, out] of [[this.a, x], [this.b, y]] as const) {
          if (op.kind === "apply" && out.code !== 0) fail(`${what}: ${describe(op)} exited ${out.code} although it could wait for the lock:\n${out.stdout}${out.error ?? ""}`);
        }
      }
      world.converged = false;
      // Both outcomes were checked above, as concurrent: their texts are not checked again as if each ran alone.
      return { ...x, code: 0, error: undefined, stdout: "", stderr: "" } as Outcome;
    });
  }
  toString = () => `${describe(this.a)} & ${describe(this.b)} (lock timeout ${this.lockTimeout} ms)`;
}

export type Together =
  | { readonly kind: "apply"; readonly host?: string }
  | { readonly kind: "plan" }
  | { readonly kind: "migrate"; readonly domain: string; readonly to: string }
  | { readonly kind: "evacuate"; readonly host: string };

function describe(op: Together): string {
  switch (op.kind) {
    case "apply":
      return `apply${op.host ? ` --host ${op.host}` : ""}`;
    case "plan":
      return "plan";
    case "migrate":
      return `migrate ${op.domain} --to ${op.to}`;
    case "evacuate":
      return `evacuate ${op.host}`;
  }
}

function start(world: World, op: Together, lockTimeout: number): Promise<Outcome> {
  switch (op.kind) {
    case "apply":
      return world.apply(NO_FAULT, op.host, lockTimeout);
    case "plan":
      return world.plan(NO_FAULT);
    case "migrate":
      return world.migrate(NO_FAULT, op.domain, op.to, lockTimeout);
    case "evacuate":
      return world.evacuate(NO_FAULT, op.host, lockTimeout);
  }
}

/**
 * What an admin may do by hand while a command runs. Renaming a VF is left out: the engine names
 * a VF by its pseudonym in the command after its read, so a VF renamed in between is changed
 * under its new, undeclared name (ldm offers no compare-and-set; see the issue 15 notes).
 */
const MEDDLE_ACTIONS = OOB_ACTIONS.filter((a) => a !== "rename-vf");

const STALLABLE = ["list-domain", "list-io", "list-devices", "create-vf", "set-io", "add-io", "add-vnet"] as const;

export function faultArb(): fc.Arbitrary<Fault> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant(NO_FAULT) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("cut" as const), at: fc.integer({ min: 1, max: 30 }), point: fc.constantFrom("before" as const, "after" as const) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("sigint" as const), at: fc.integer({ min: 1, max: 30 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("timeout" as const), subcommand: fc.constantFrom(...STALLABLE), stallMs: fc.constant(400), timeoutMs: fc.constant(150) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("meddle" as const), at: fc.integer({ min: 1, max: 30 }), action: fc.constantFrom(...MEDDLE_ACTIONS), choice: fc.nat(7) }) },
  );
}

/** The command arbitraries for a lab of these hosts and domains. */
export function commandArbs(hosts: readonly string[], domains: readonly string[]): fc.Arbitrary<Op>[] {
  const host = fc.constantFrom(...hosts);
  const domain = fc.constantFrom(...domains);
  const someHost = fc.option(host, { nil: undefined, freq: 3 });
  const together: fc.Arbitrary<Together> = fc.oneof(
    fc.record({ kind: fc.constant("apply" as const), host: someHost }, { requiredKeys: ["kind"] }),
    fc.constant({ kind: "plan" as const }),
    fc.record({ kind: fc.constant("migrate" as const), domain, to: host }),
    fc.record({ kind: fc.constant("evacuate" as const), host }),
  );
  const synth = fc.tuple(domain, fc.constantFrom(...VF_VARIANT_NAMES)).map(([d, v]): Op => new SynthCmd(d, v));
  const plan = fc.tuple(someHost, faultArb()).map(([h, f]): Op => new PlanCmd(h, f));
  const apply = fc.tuple(someHost, faultArb()).map(([h, f]): Op => new ApplyCmd(h, f));
  const migrate = fc.tuple(domain, host, faultArb()).map(([d, h, f]): Op => new MigrateCmd(d, h, f));
  const evacuate = fc.tuple(host, faultArb()).map(([h, f]): Op => new EvacuateCmd(h, f));
  const forceUnlock = host.map((h): Op => new ForceUnlockCmd(h));
  const killRun = host.map((h): Op => new KillRunCmd(h));
  const oob = fc.tuple(host, fc.constantFrom(...OOB_ACTIONS), fc.nat(7)).map(([h, a, p]): Op => new OobCmd(h, a, p));
  const two = fc.tuple(together, together, fc.constantFrom(0, 3_000)).map(([a, b, t]): Op => new TogetherCmd(a, b, t));
  // fc.commands picks among its arbitraries evenly: repeats weigh the common operations more.
  const weighted: [fc.Arbitrary<Op>, number][] = [[synth, 2], [plan, 1], [apply, 3], [migrate, 3], [evacuate, 1], [forceUnlock, 2], [killRun, 1], [oob, 2], [two, 2]];
  return weighted.flatMap(([arb, n]) => Array.from({ length: n }, () => arb));
}

export { vfName };
