/**
 * The system under the operation sequences: a lab of two to four control domains in one
 * MigrationGroup with several mobile domains, the CLI commands run in-process against it
 * (LabExecutor connections, no SSH), and the fault switches the commands use (a cut at one
 * exec, a stop signal after some execs, a stalled `ldm` subcommand with a short command
 * timeout, an admin's `ldm` by hand before one exec). Every `ldm` command the engine sends is
 * recorded with what was migrating then, and every lock directory that goes away with the exec
 * that removed it.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runApply } from "../../../src/cli/commands/apply";
import { runEvacuate } from "../../../src/cli/commands/evacuate";
import { runForceUnlock } from "../../../src/cli/commands/force-unlock";
import { runMigrate } from "../../../src/cli/commands/migrate";
import { runPlan } from "../../../src/cli/commands/plan";
import type { StopSignalName, SubscribeStop } from "../../../src/cli/interrupts";
import type { ConnectHost } from "../../../src/engine";
import { acquireLockPart, DEFAULT_LOCK_DIR, newLockInfo } from "../../../src/engine/lock";
import { Lab } from "../../../src/lab/lab";
import { loadLabDefinition } from "../../../src/lab/definition";
import { lookupCommand, isDryRun } from "../../../src/lab/ldm/commands";
import { vfAlias } from "../../../src/lab/ldm/lookup";
import type { LabState } from "../../../src/lab/state";
import { LabExecutor, newLabExecCounters, type CutPoint } from "../../../src/lab-serving/executor";
import type { ExecOptions } from "../../../src/transport/executor";
import type { ServableLab } from "../../../src/lab-serving/executor-endpoints";
import { LdomsError } from "../../../src/model";
import { stableJson } from "../../../src/synth";
import { PAIR_LAB_FILE } from "../../../src/lab/paths";
import { Capture } from "../../support/capture";
import { locksOf } from "./invariants";
import { APP_PF, domainNames, hostIds, stackPlan, vfName, type VfVariant } from "./stack";

export interface WorldOptions {
  readonly hosts: number;
  readonly domains: number;
  /** How long a created or destroyed VF shows INV in the lab. Default 30 ms. */
  readonly invSettleMs?: number;
  /** How long a live migration takes in the lab. Default 120 ms. */
  readonly migrationMs?: number;
}

export const OOB_ACTIONS = ["create-vf", "destroy-vf", "rename-vf", "set-pvid", "remove-vnet", "stop-domain", "start-domain"] as const;
export type OobAction = (typeof OOB_ACTIONS)[number];

/** How one command meets a fault. */
export type Fault =
  | { readonly kind: "none" }
  /** The connection drops at the `at`-th exec of the command, before or after it ran. */
  | { readonly kind: "cut"; readonly at: number; readonly point: CutPoint }
  /** SIGINT arrives while the `at`-th exec of the command is in flight. */
  | { readonly kind: "sigint"; readonly at: number }
  /** `ldm <subcommand>` answers `stallMs` late; the command runs with a command timeout of `timeoutMs`. */
  | { readonly kind: "timeout"; readonly subcommand: string; readonly stallMs: number; readonly timeoutMs: number }
  /** An admin runs `ldm` by hand on the host of the `at`-th exec, just before it. */
  | { readonly kind: "meddle"; readonly at: number; readonly action: OobAction; readonly choice: number };

export function faultText(fault: Fault): string {
  switch (fault.kind) {
    case "none":
      return "";
    case "cut":
      return ` [cut ${fault.point} exec ${fault.at}]`;
    case "sigint":
      return ` [SIGINT at exec ${fault.at}]`;
    case "timeout":
      return ` [ldm ${fault.subcommand} stalls ${fault.stallMs} ms, --command-timeout ${fault.timeoutMs}]`;
    case "meddle":
      return ` [before exec ${fault.at}, by hand on its host: ${fault.action} (choice ${fault.choice})]`;
  }
}

/** What a command did: its exit code and output, or the typed error the CLI edge would print. */
export interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The message of a typed error (the CLI prints it and exits with its code). */
  readonly error?: string;
  readonly fault: Fault;
  /** Execs the command made. */
  readonly execs: number;
  /** The fault took effect (the cut happened, the signal was sent, a stalled command timed out). */
  readonly faulted: boolean;
}

/** One `ldm` command the engine sent that changes a host, and what was migrating when it ran. */
export interface SentCommand {
  readonly machine: string;
  readonly argv: readonly string[];
  /** Domains with a migration in progress on this machine when the command was sent, and their VFs. */
  readonly migrating: readonly { readonly domain: string; readonly devices: readonly string[] }[];
  /** The operation that sent it (for messages). */
  readonly by: string;
  /** Pseudonyms and names of the machine's VFs the configuration does not declare, when it was sent. */
  readonly undeclared: readonly string[];
}

/** The exec in flight in this async context: which run sent which command line. */
const execContext = new AsyncLocalStorage<{ readonly label: string; readonly commandLine: string }>();

interface Run {
  readonly label: string;
  readonly fault: Fault;
  execs: number;
  faulted: boolean;
  stop?: (signal: StopSignalName) => void;
}

/** The pair lab's machine shape for `count` machines, mobile domains spread round-robin, room for all. */
function labJson(hosts: readonly string[], domains: readonly string[], options: WorldOptions): object {
  const pair = JSON.parse(readFileSync(PAIR_LAB_FILE, "utf8")) as { options: object; machines: Record<string, any>[] };
  const template = pair.machines[0] as Record<string, any>;
  const guest = template.domains.find((d: { name: string }) => d.name === "ldg1");
  const machines = hosts.map((name, i) => {
    const m = JSON.parse(JSON.stringify(template)) as Record<string, any>;
    m.name = name;
    m.addresses = [`${name}.lab`, `${name}.example.net`];
    m.capacity = { vcpus: 16 + 8 * domains.length, memory: `${32 + 16 * domains.length}G` };
    const mine = domains.filter((_, d) => d % hosts.length === i);
    m.domains = [
      template.domains.find((d: { name: string }) => d.name === "primary"),
      ...mine.map((name) => ({ ...guest, name, vdisks: [{ name: "vdisk0", volume: `${name}-disk0@primary-vds0` }] })),
    ];
    m.vdiskServices[0].volumes = domains.map((n) => ({ name: `${n}-disk0`, dev: `/dev/zvol/dsk/rpool/${n}-disk0` }));
    return m;
  });
  return { options: { ...pair.options, invSettleMs: options.invSettleMs ?? 30, migrationMs: options.migrationMs ?? 120 }, machines };
}

export class World {
  readonly lab: Lab;
  readonly hosts: readonly string[];
  readonly domains: readonly string[];
  readonly variants: Record<string, VfVariant>;
  readonly dir = mkdtempSync(join(tmpdir(), "ldoms-prop-"));
  readonly planFile = join(this.dir, "ldoms.plan.json");
  /** Locks left by runs that were killed (`kill-run`), by host: the id each carries. */
  readonly staleLocks = new Map<string, string>();
  /** The last `ldoms force-unlock HOST ID` a refusal printed. */
  lastRefusal: { readonly host: string; readonly id: string } | undefined;
  /** Every changing `ldm` command the engine sent. */
  readonly sent: SentCommand[] = [];
  /** Locks removed by an exec that did not carry their id (another run's lock taken away). */
  readonly lockViolations: string[] = [];
  /** Names given by out-of-band `ldm` commands, counted so each is new. */
  oobCounter = 0;
  /** Known to need no change: a full apply proved it, and nothing changed the lab or the stack since. */
  converged = true;
  /** When set, each command adds a line: what it ran, resolved, and its exit code. */
  transcript: string[] | undefined;
  private readonly counters = newLabExecCounters();
  private readonly runs = new Set<Run>();
  private readonly servable: ServableLab;

  constructor(options: WorldOptions) {
    this.hosts = hostIds(options.hosts);
    this.domains = domainNames(options.domains);
    this.variants = Object.fromEntries(this.domains.map((d) => [d, "base" as VfVariant]));
    this.lab = Lab.fromDefinition(loadLabDefinition(labJson(this.hosts, this.domains, options), "property lab"));
    this.servable = this.recordingLab();
    this.writePlan();
  }

  /** Declared VF names of the current stack. */
  declaredVfNames(): Set<string> {
    return new Set(this.domains.map(vfName));
  }

  /** Pseudonyms and names of a machine's VFs that the configuration does not declare. */
  undeclaredVfs(machine: string): string[] {
    const declared = this.declaredVfNames();
    return this.state((s) =>
      (s.machines[machine]?.pfs ?? []).flatMap((pf) => pf.vfs.filter((vf) => vf.name === undefined || !declared.has(vf.name)).flatMap((vf) => [vfAlias(pf, vf), ...(vf.name ? [vf.name] : [])])),
    );
  }

  setVariant(domain: string, variant: VfVariant): void {
    this.variants[domain] = variant;
    this.writePlan();
  }

  private writePlan(): void {
    writeFileSync(this.planFile, stableJson(stackPlan(this.hosts, this.variants)));
  }

  /** The lab as the executors see it, recording each changing `ldm` command with what was migrating. */
  private recordingLab(): ServableLab {
    const lab = this.lab;
    return {
      store: {
        read: (fn) => lab.store.read(fn),
        // The shell's files live in the state: a lock directory that disappears, or changes hands,
        // must go by an exec that names its id (its own release, or force-unlock with that id).
        update: (fn) => {
          const before = lab.store.read(locksOf);
          const out = lab.store.update(fn);
          const after = lab.store.read(locksOf);
          for (const [host, id] of before) {
            if (id === undefined || after.get(host) === id) continue;
            const exec = execContext.getStore();
            if (!exec?.commandLine.includes(`held-${id}`)) this.lockViolations.push(`${host}: the lock ${id} was removed by ${exec ? `${exec.label}: ${exec.commandLine}` : "a command outside any run"}`);
          }
          return out;
        },
      },
      machineNames: () => lab.machineNames(),
      guestDomains: () => lab.guestDomains(),
      runGuest: (domain, argv) => lab.runGuest(domain, argv),
      runLdm: (machine, argv) => {
        const spec = argv[0] === undefined ? undefined : lookupCommand(argv[0]);
        if (spec?.mutating && !isDryRun(spec, argv.slice(1))) {
          const migrating = lab.store.read((s) => migratingOn(s, machine));
          const by = [...this.runs].map((r) => r.label).join(" & ") || "?";
          this.sent.push({ machine, argv: [...argv], migrating, by, undeclared: this.undeclaredVfs(machine) });
        }
        return lab.runLdm(machine, argv);
      },
    };
  }

  /** Connections for one command's run: its cut and its stop signal decided per exec. */
  private connectFor(run: Run): ConnectHost {
    return (target) => {
      // Decided per exec just before the executor asks (synchronously, inside its exec).
      let cutNow: CutPoint | undefined;
      const inner = new LabExecutor(this.servable, target.id, { counters: this.counters, cut: () => cutNow });
      const exec = async (commandLine: string, options?: ExecOptions) => {
        run.execs += 1;
        const f = run.fault;
        // A signal before the command listens for one is not sent (nothing would receive it).
        const at = f.kind !== "none" && f.kind !== "timeout" && run.execs === f.at && (f.kind !== "sigint" || run.stop !== undefined);
        if (at && f.kind === "meddle") {
          const argv = this.oobArgv(target.id, f.action, f.choice);
          if (argv) await this.lab.runLdm(target.id, argv);
          this.transcript?.push(`  (by hand on ${target.id} before exec ${f.at}: ${argv ? `ldm ${argv.join(" ")}` : "nothing to do"})`);
        }
        if (at && f.kind === "sigint") run.stop?.("SIGINT");
        if (at) run.faulted = true;
        cutNow = at && f.kind === "cut" ? f.point : undefined;
        return execContext.run({ label: run.label, commandLine }, () => inner.exec(commandLine, options));
      };
      return { label: inner.label, close: () => inner.close(), exec };
    };
  }

  /** Runs one CLI command in-process with its fault; typed errors become exit 1 with their message. */
  async run(label: string, fault: Fault, body: (io: CommandIoLike, timeouts: { commandTimeout?: number }) => Promise<number>): Promise<Outcome> {
    const run: Run = { label, fault, execs: 0, faulted: false };
    this.runs.add(run);
    const stdout = new Capture();
    const stderr = new Capture();
    const onStop: SubscribeStop = (handler) => {
      run.stop = handler;
      return () => void (run.stop = undefined);
    };
    const timeouts: { commandTimeout?: number } = {};
    if (fault.kind === "timeout") {
      this.lab.faults.stall(fault.subcommand, fault.stallMs);
      timeouts.commandTimeout = fault.timeoutMs;
    }
    let code: number;
    let error: string | undefined;
    try {
      code = await body({ stdout, stderr, cwd: this.dir, env: {}, connect: this.connectFor(run), onStop, exit: unexpectedExit }, timeouts);
    } catch (e) {
      if (!(e instanceof LdomsError)) throw e;
      code = e.exitCode;
      error = e.message;
    } finally {
      this.runs.delete(run);
      if (fault.kind === "timeout") this.lab.faults.clear();
    }
    if (fault.kind === "timeout" && /no exit status after \d+ ms|did not finish within/.test(stdout.text + stderr.text + (error ?? ""))) run.faulted = true;
    const outcome: Outcome = { code, stdout: stdout.text, stderr: stderr.text, ...(error !== undefined ? { error } : {}), fault, execs: run.execs, faulted: run.faulted };
    const refusal = /ldoms force-unlock (t7-[a-d]) ([0-9a-f]+)/.exec(outcome.stdout + outcome.stderr + (error ?? ""));
    if (refusal) this.lastRefusal = { host: refusal[1] as string, id: refusal[2] as string };
    return outcome;
  }

  plan(fault: Fault, host?: string): Promise<Outcome> {
    return this.run(`plan${host ? ` --host ${host}` : ""}`, fault, (io, t) => runPlan({ planDocument: this.planFile, detailedExitcode: true, json: true, ...t, ...(host ? { host: [host] } : {}) }, io));
  }

  apply(fault: Fault, host?: string, lockTimeout?: number): Promise<Outcome> {
    return this.run(`apply${host ? ` --host ${host}` : ""}`, fault, (io, t) =>
      runApply(undefined, { planDocument: this.planFile, autoApprove: true, json: true, invTimeout: 20_000, ...t, ...(lockTimeout ? { lockTimeout } : {}), ...(host ? { host: [host] } : {}) }, io),
    );
  }

  migrate(fault: Fault, domain: string, to: string, lockTimeout?: number): Promise<Outcome> {
    return this.run(`migrate ${domain} --to ${to}`, fault, (io, t) =>
      runMigrate(domain, { planDocument: this.planFile, to, autoApprove: true, acceptUnverified: true, json: true, pollInterval: 20, ...t, ...(lockTimeout ? { lockTimeout } : {}) }, io),
    );
  }

  evacuate(fault: Fault, host: string, lockTimeout = 0): Promise<Outcome> {
    return this.run(`evacuate ${host}`, fault, (io, t) =>
      runEvacuate(host, { planDocument: this.planFile, autoApprove: true, acceptUnverified: true, json: true, pollInterval: 20, lockTimeout, ...t }, io),
    );
  }

  forceUnlock(host: string, id: string): Promise<Outcome> {
    return this.run(`force-unlock ${host} ${id}`, { kind: "none" }, (io) => runForceUnlock(host, id, { planDocument: this.planFile }, io));
  }

  /** Leaves the lock a run killed at once would leave (its owner process gone). */
  async killedRunLock(host: string): Promise<string> {
    const info = { ...newLockInfo("ldoms apply (stack ops)"), pid: "999999" };
    const result = await new LabExecutor(this.lab, host).exec(acquireLockPart(DEFAULT_LOCK_DIR, info).commandLine);
    if (result.exitStatus === 0) this.staleLocks.set(host, info.id);
    return info.id;
  }

  /** An admin's `ldm` command of this kind on a machine, resolved against the machine as it is now. */
  oobArgv(host: string, action: OobAction, choice: number): string[] | undefined {
    const pick = <T>(xs: readonly T[]): T | undefined => (xs.length ? xs[choice % xs.length] : undefined);
    const { vfs, guests } = this.state((s) => {
      const m = s.machines[host]!;
      const pf = m.pfs.find((p) => p.alias === APP_PF)!;
      return {
        vfs: pf.vfs.map((vf) => ({ alias: vfAlias(pf, vf), name: vf.name, domain: vf.domain })),
        guests: m.domains.filter((d) => !d.control).map((d) => ({ name: d.name, state: d.state, vnets: d.vnets.map((v) => v.name) })),
      };
    });
    const declared = this.declaredVfNames();
    switch (action) {
      case "create-vf":
        return ["create-vf", `name=oob-${++this.oobCounter}`, APP_PF];
      case "destroy-vf": {
        const last = vfs[vfs.length - 1];
        return last ? ["destroy-vf", last.alias] : undefined;
      }
      case "rename-vf": {
        const vf = pick(vfs.filter((v) => v.domain === undefined));
        return vf ? ["set-io", `name=oob-${++this.oobCounter}`, vf.alias] : undefined;
      }
      case "set-pvid": {
        const vf = pick(vfs.filter((v) => v.name !== undefined && declared.has(v.name)));
        return vf ? ["set-io", "pvid=77", vf.alias] : undefined;
      }
      case "remove-vnet": {
        const d = pick(guests.filter((g) => g.vnets.length));
        return d ? ["remove-vnet", d.vnets[0]!, d.name] : undefined;
      }
      case "stop-domain": {
        const d = pick(guests.filter((g) => g.state === "active"));
        return d ? ["stop-domain", d.name] : undefined;
      }
      case "start-domain": {
        const d = pick(guests.filter((g) => g.state === "bound"));
        return d ? ["start-domain", d.name] : undefined;
      }
    }
  }


  /** `ldm` run by hand on a machine (not recorded as the engine's). */
  ldm(machine: string, argv: readonly string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
    return this.lab.runLdm(machine, argv);
  }

  state<T>(fn: (s: LabState) => T): T {
    return this.lab.store.read(fn);
  }

  /** The machine a domain runs on (the first that has it). */
  hostOf(domain: string): string | undefined {
    return this.state((s) => Object.values(s.machines).find((m) => m.domains.some((d) => d.name === domain))?.name);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export type CommandIoLike = Parameters<typeof runMigrate>[2] & Parameters<typeof runEvacuate>[2];

/** A second signal is never sent, so nothing may exit the process. */
function unexpectedExit(code: number): never {
  throw new Error(`the command tried to exit the process (code ${code})`);
}

/** Domains with a migration in progress on a machine, with the pseudonyms and names of their VFs. */
function migratingOn(state: LabState, machine: string): { domain: string; devices: string[] }[] {
  const m = state.machines[machine];
  if (!m) return [];
  return m.domains
    .filter((d) => d.migration !== undefined)
    .map((d) => ({
      domain: d.name,
      devices: m.pfs.flatMap((pf) => pf.vfs.filter((vf) => vf.domain === d.name).flatMap((vf) => [vfAlias(pf, vf), ...(vf.name ? [vf.name] : [])])),
    }));
}
