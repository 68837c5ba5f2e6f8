/**
 * The lab: emulated control domains (`ldm`) and guests (dladm/ipadm/ipmpstat) over one state
 * store. Every invocation is one short read or read-modify-write of the store; a live
 * migration is three (start, follow, finish) with the transfer time in between unlocked, so
 * concurrent `ldm list -o status` and `cancel-operation` see and steer it.
 */
import { ValidationError } from "../model/errors";
import { DELAYED_RECONFIG_NOTICE, DELAYED_RECONFIG_NOTICE_STREAM, LDM_ERRORS, LDM_FAILURE_EXIT_STATUS, MIGRATION_REASONS, USAGE_HEADER, migrationFailedTrailer } from "../ldm/assumptions";
import type { LdmInvocationResult, LdmRunner } from "./api";
import type { LabDefinition } from "./definition";
import { type FaultControl, StoreFaultControl } from "./faults";
import { runGuestCommand } from "./guest/run-guest";
import { type CommandSpec, isDryRun, lookupCommand } from "./ldm/commands";
import type { LdmContext } from "./ldm/context";
import { rebootDomain } from "./ldm/domain-commands";
import { LdmFailure } from "./ldm/failure";
import { checkMigration, finishMigration, isCancelled, parseMigrateArgs, rollBackMigration, startMigration, type StartedMigration } from "./ldm/migrate";
import { helpText, usageLines } from "./ldm/synopsis";
import { versionText } from "./ldm/version";
import { type JournalEntry, type LabState, type MachineState, initialLabState } from "./state";
import { InMemoryLabStore, type LabStateStore } from "./store";
import { type ErrorTextStyle, styleRefusal, variantsOf } from "./variants";

export interface LabOptionsOverride {
  /** Wall-clock source in milliseconds (inject to test INV and migration timing). */
  readonly now?: () => number;
  /** How the lab waits (latency, stalls, migration transfer). */
  readonly sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Migration progress is followed in steps this long, so a cancel is seen promptly. */
const MIGRATION_POLL_MS = 100;

function result(exitCode: number, stdout: string, stderr: string): LdmInvocationResult {
  return { exitCode, stdout, stderr };
}

/** How a refusal is worded: the lab's variant and the subcommand as typed (src/lab/variants.ts). */
interface RefusalStyle {
  readonly style: ErrorTextStyle;
  readonly typed: string;
}

function failureResult(e: LdmFailure, how?: RefusalStyle): LdmInvocationResult {
  const lines = how ? styleRefusal(e.lines, how.typed, how.style, USAGE_HEADER) : e.lines;
  return result(e.exitCode, "", `${lines.join("\n")}\n`);
}

function styleOf(state: LabState, typed: string | undefined): RefusalStyle {
  return { style: variantsOf(state).errors, typed: typed ?? "" };
}

/** Puts the delayed-reconfiguration notice first on the stream DELAYED_RECONFIG_NOTICE_STREAM names. */
function withNotice(answer: LdmInvocationResult, notice: readonly string[]): LdmInvocationResult {
  if (!notice.length) return answer;
  const text = `${notice.join("\n")}\n`;
  return DELAYED_RECONFIG_NOTICE_STREAM === "stderr" ? { ...answer, stderr: text + answer.stderr } : { ...answer, stdout: text + answer.stdout };
}

export class Lab implements LdmRunner {
  readonly faults: FaultControl;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    readonly store: LabStateStore,
    options: LabOptionsOverride = {},
  ) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? realSleep;
    this.faults = new StoreFaultControl(store);
  }

  /** A lab over an in-memory store built from a definition. */
  static fromDefinition(def: LabDefinition, options: LabOptionsOverride = {}): Lab {
    return new Lab(new InMemoryLabStore(initialLabState(def, (options.now ?? Date.now)())), options);
  }

  machineNames(): string[] {
    return this.store.read((s) => Object.keys(s.machines));
  }

  machineAddresses(): Record<string, string[]> {
    return this.store.read((s) => Object.fromEntries(Object.values(s.machines).map((m) => [m.name, [m.name, ...m.addresses]])));
  }

  guestDomains(): { machine: string; domain: string }[] {
    return this.store.read((s) =>
      Object.values(s.machines).flatMap((m) => m.domains.filter((d) => d.guestModel).map((d) => ({ machine: m.name, domain: d.name }))),
    );
  }

  journal(): readonly JournalEntry[] {
    return this.store.read((s) => s.journal.map((j) => ({ ...j, argv: [...j.argv] })));
  }

  /** Mutating `ldm` commands executed (on one machine, or lab-wide). */
  mutatingCount(machine?: string): number {
    return this.store.read((s) => s.journal.filter((j) => j.kind === "ldm" && (machine === undefined || j.machine === machine)).length);
  }

  /** Reboots a domain (e.g. primary after `start-reconf`, as `shutdown -i6` inside it would). */
  reboot(machine: string, domain: string): void {
    this.store.update((s) => {
      const m = this.machineOf(s, machine);
      const d = m.domains.find((x) => x.name === domain);
      if (!d) throw new ValidationError(`lab machine ${machine} has no domain ${domain}`);
      rebootDomain(s, m, d, this.now());
    });
  }

  private machineOf(state: LabState, machine: string): MachineState {
    const m = state.machines[machine];
    if (!m) throw new ValidationError(`${machine} is not a lab machine; use one of ${Object.keys(state.machines).join(", ")}`);
    return m;
  }

  async runLdm(machine: string, argv: readonly string[]): Promise<LdmInvocationResult> {
    this.store.read((s) => this.machineOf(s, machine));
    const first = argv[0];
    if (first === undefined) return result(LDM_FAILURE_EXIT_STATUS, "", helpText());
    if (first === "-V") return result(0, this.store.read((s) => versionText(s.options.ldmVersion)), "");
    if (first === "--help" || first === "-h") {
      const sub = argv[1] ? lookupCommand(argv[1]) : undefined;
      return result(0, sub ? `${usageLines(sub.name).join("\n")}\n` : helpText(), "");
    }
    const spec = lookupCommand(first);
    if (!spec) return result(LDM_FAILURE_EXIT_STATUS, "", `${LDM_ERRORS.unknownSubcommand(first)}\n`);
    const rest = argv.slice(1);
    const faults = this.store.read((s) => ({
      latency: s.faults.latencyMs[spec.name] ?? s.faults.latencyMs["*"] ?? 0,
      stall: s.faults.stallMs[spec.name] ?? s.faults.stallMs["*"] ?? 0,
      replaced: [...(s.faults.answers ?? [])].reverse().find((a) => (a.subcommand === spec.name || a.subcommand === "*") && (a.machine === undefined || a.machine === machine)),
      version: s.faults.parseableVersion,
    }));
    if (faults.latency > 0) await this.sleep(faults.latency);
    let answer = faults.replaced
      ? result(faults.replaced.exitCode, faults.replaced.stdout, faults.replaced.stderr)
      : spec.name === "migrate-domain"
        ? await this.migrate(machine, argv)
        : this.runSimple(machine, spec, argv, rest);
    if (faults.version !== undefined && !faults.replaced) answer = { ...answer, stdout: answer.stdout.replace(/^VERSION \S+$/m, `VERSION ${faults.version}`) };
    if (faults.stall > 0) await this.sleep(faults.stall);
    return answer;
  }

  private context(state: LabState, machine: string): LdmContext {
    return { state, machine: this.machineOf(state, machine), now: this.now(), out: [], err: [] };
  }

  private runSimple(machine: string, spec: CommandSpec, argv: readonly string[], rest: readonly string[]): LdmInvocationResult {
    const run = spec.run!;
    if (!spec.mutating || isDryRun(spec, rest)) {
      return this.store.read((state) => {
        const ctx = this.context(state, machine);
        try {
          run(ctx, rest);
          return result(0, ctx.out.join(""), ctx.err.length ? `${ctx.err.join("\n")}\n` : "");
        } catch (e) {
          if (e instanceof LdmFailure) return failureResult(e, styleOf(state, argv[0]));
          throw e;
        }
      });
    }
    return this.store.update((state) => {
      const ctx = this.context(state, machine);
      const notice = this.noticeFor(ctx.machine);
      let answer: LdmInvocationResult;
      const injected = this.takeInjectedFailure(state, machine);
      if (injected) answer = failureResult(injected);
      else {
        try {
          run(ctx, rest);
          answer = result(0, ctx.out.join(""), ctx.err.length ? `${ctx.err.join("\n")}\n` : "");
        } catch (e) {
          if (!(e instanceof LdmFailure)) throw e;
          answer = failureResult(e, styleOf(state, argv[0]));
        }
      }
      answer = withNotice(answer, notice);
      state.journal.push({ kind: "ldm", machine, argv: [...argv], exitCode: answer.exitCode, at: ctx.now });
      return answer;
    });
  }

  private noticeFor(machine: MachineState): string[] {
    return machine.domains.some((d) => d.control && d.delayedReconfig) ? [...DELAYED_RECONFIG_NOTICE, ""] : [];
  }

  /** The injected failure due for the mutating command about to run, if any (consumed). */
  private takeInjectedFailure(state: LabState, machine: string): LdmFailure | undefined {
    const ldm = state.journal.filter((j) => j.kind === "ldm");
    const lab = ldm.length + 1;
    const onMachine = ldm.filter((j) => j.machine === machine).length + 1;
    const index = state.faults.failNth.findIndex((f) => (f.machine === undefined ? f.at === lab : f.machine === machine && f.at === onMachine));
    if (index < 0) return undefined;
    const [f] = state.faults.failNth.splice(index, 1);
    return new LdmFailure([f!.message], f!.exitCode);
  }

  private async migrate(machine: string, argv: readonly string[]): Promise<LdmInvocationResult> {
    const rest = argv.slice(1);
    let args: ReturnType<typeof parseMigrateArgs>;
    try {
      args = parseMigrateArgs(rest);
    } catch (e) {
      if (e instanceof LdmFailure) return failureResult(e, this.store.read((s) => styleOf(s, argv[0])));
      throw e;
    }
    if (args.dryRun) {
      return this.store.read((state) => {
        try {
          checkMigration(state, this.machineOf(state, machine), args, this.now());
          return result(0, "", "");
        } catch (e) {
          if (e instanceof LdmFailure) return failureResult(e, styleOf(state, argv[0]));
          throw e;
        }
      });
    }
    const journal = (state: LabState, answer: LdmInvocationResult, at: number) => {
      state.journal.push({ kind: "ldm", machine, argv: [...argv], exitCode: answer.exitCode, at });
      return answer;
    };
    const started = this.store.update((state): StartedMigration | LdmInvocationResult => {
      const now = this.now();
      const m = this.machineOf(state, machine);
      const notice = this.noticeFor(m);
      const injected = this.takeInjectedFailure(state, machine);
      if (injected) return journal(state, withNotice(failureResult(injected), notice), now);
      try {
        return startMigration(state, checkMigration(state, m, args, now), args, now);
      } catch (e) {
        if (e instanceof LdmFailure) return journal(state, withNotice(failureResult(e, styleOf(state, argv[0])), notice), now);
        throw e;
      }
    });
    if (!("id" in started)) return started;
    const duration = this.store.read((s) => s.options.migrationMs);
    const begin = this.now();
    let cancelled = false;
    while (!cancelled) {
      const left = duration - (this.now() - begin);
      if (left <= 0) break;
      await this.sleep(Math.min(left, MIGRATION_POLL_MS));
      cancelled = this.store.read((s) => isCancelled(s, started));
    }
    return this.store.update((state) => {
      const now = this.now();
      const cancelledNow = isCancelled(state, started);
      const reason = cancelledNow ? undefined : finishMigration(state, started, now);
      if (cancelledNow || reason !== undefined) {
        rollBackMigration(state, started, reason !== undefined);
        const why = reason ?? MIGRATION_REASONS.cancelled(started.domain);
        return journal(state, failureResult(new LdmFailure([why, migrationFailedTrailer(started.domain)], LDM_FAILURE_EXIT_STATUS), styleOf(state, argv[0])), now);
      }
      return journal(state, result(0, "", ""), now);
    });
  }

  /** Runs `dladm`/`ipadm`/`ipmpstat` inside a modelled guest, on whichever machine it runs now. */
  async runGuest(domain: string, argv: readonly string[]): Promise<LdmInvocationResult> {
    return this.store.update((state) => {
      const now = this.now();
      const answer = runGuestCommand(state, domain, argv, now);
      if (answer.mutating) state.journal.push({ kind: "guest", machine: domain, argv: [...argv], exitCode: answer.exitCode, at: now });
      return result(answer.exitCode, answer.stdout, answer.stderr);
    });
  }
}
