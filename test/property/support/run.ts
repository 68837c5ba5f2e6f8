/**
 * Runs random operation sequences on fresh labs (two to four hosts, two to four mobile domains)
 * with a budget of sequences and commands, and on a failure reports the shrunk sequence as a
 * script with the seed and path that replay it. Used by the fast test and by scripts/soak.mjs.
 */
import fc from "fast-check";
import { commandArbs, type Model, type Op } from "./commands";
import { checkState } from "./invariants";
import { domainNames, hostIds } from "./stack";
import { World } from "./world";

export interface BudgetOptions {
  /** Sequences to run. */
  readonly numRuns: number;
  /** Most commands per sequence. */
  readonly maxCommands: number;
  readonly seed?: number;
  /** With `seed`: replays one failing run (the path a failure report prints). */
  readonly path?: string;
  /** With `path`: which commands of the sequence ran (the replay path a failure report prints). */
  readonly replayPath?: string;
  /** Stops starting sequences after this long (the one running finishes). */
  readonly timeLimitMs?: number;
  /** Called after each sequence with the commands it ran. */
  readonly onSequence?: (steps: number) => void;
}

export interface BudgetResult {
  readonly failed: boolean;
  readonly seed: number;
  readonly runs: number;
  /** Commands run, over every sequence (the shrinking runs included). */
  readonly steps: number;
  readonly ms: number;
  /** On a failure: the shrunk sequence as a script, the error, and how to replay it. */
  readonly report: string;
}

interface Sequence {
  readonly hosts: number;
  readonly domains: number;
  readonly cmds: Iterable<Op>;
}

/** A fresh lab, prepared by one apply that must converge. */
export async function startWorld(hosts: number, domains: number): Promise<World> {
  const world = new World({ hosts, domains });
  const first = await world.apply({ kind: "none" });
  if (first.code !== 0) throw new Error(`the first apply on a fresh lab exited ${first.code}: ${first.stdout}${first.error ?? ""}`);
  checkState(world);
  world.sent.length = 0;
  return world;
}

/** Runs `ops` in order on a fresh lab, checking the invariants after each (a regression test's replay). */
export async function replay(hosts: number, domains: number, ops: readonly Op[], transcript?: string[]): Promise<World> {
  const world = await startWorld(hosts, domains);
  world.transcript = transcript;
  try {
    await fc.asyncModelRun(() => ({ model: {} as Model, real: world }), ops);
  } finally {
    world.remove();
  }
  return world;
}

function sequenceArb(maxCommands: number, replayPath?: string): fc.Arbitrary<Sequence> {
  return fc
    .record({ hosts: fc.integer({ min: 2, max: 4 }), domains: fc.integer({ min: 2, max: 4 }) })
    .chain(({ hosts, domains }) =>
      fc.record({
        hosts: fc.constant(hosts),
        domains: fc.constant(domains),
        cmds: fc.commands(commandArbs(hostIds(hosts), domainNames(domains)), { maxCommands, ...(replayPath ? { replayPath } : {}) }),
      }),
    );
}

function ran(cmds: Iterable<Op>): Op[] {
  return [...cmds].filter((c) => (c as { hasRan?: boolean }).hasRan !== false);
}

/** The commands' replay path fast-check keeps in the text of a shrunk command list. */
function replayPathOf(sequence: Sequence): string | undefined {
  return /replayPath="([^"]*)"/.exec(String(sequence.cmds))?.[1];
}

export function scriptOf(sequence: Sequence): string {
  const lines = ran(sequence.cmds).map((c) => `  ${String(c)}`);
  return [`lab: ${hostIds(sequence.hosts).join(" ")} with ${domainNames(sequence.domains).join(" ")} (mobile), after one apply`, ...lines].join("\n");
}

export async function runBudget(options: BudgetOptions): Promise<BudgetResult> {
  const started = Date.now();
  let steps = 0;
  let runs = 0;
  const property = fc.asyncProperty(sequenceArb(options.maxCommands, options.replayPath), async (sequence) => {
    runs += 1;
    const world = await startWorld(sequence.hosts, sequence.domains);
    try {
      await fc.asyncModelRun(() => ({ model: {} as Model, real: world }), sequence.cmds);
    } finally {
      world.remove();
      const count = [...sequence.cmds].filter((c) => (c as { hasRan?: boolean }).hasRan).length;
      steps += count;
      options.onSequence?.(count);
    }
  });
  const seed = options.seed ?? (Date.now() ^ (Math.random() * 0x100000000)) >>> 0;
  const details = await fc.check(property, {
    numRuns: options.numRuns,
    seed,
    ...(options.path ? { path: options.path, endOnFailure: true } : {}),
    ...(options.timeLimitMs ? { plugins: [fc.interruptAfterTimeLimit(options.timeLimitMs)] } : {}),
  });
  const ms = Date.now() - started;
  if (!details.failed || details.counterexample === null) return { failed: false, seed, runs, steps, ms, report: "" };
  const [sequence] = details.counterexample as [Sequence];
  const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  // Once more, with each command as it resolved on the lab (the ids and VFs it used) and its exit code.
  const transcript: string[] = [];
  const again = await replay(sequence.hosts, sequence.domains, ran(sequence.cmds), transcript).then(
    () => "passed this time (timing-dependent)",
    (e: unknown) => `failed again: ${e instanceof Error ? e.message : String(e)}`,
  );
  const report = [
    `Failing sequence (shrunk ${details.numShrinks} time(s), seed ${seed}, path ${details.counterexamplePath}):`,
    scriptOf(sequence),
    `failed: ${error}`,
    `replayed once more, ${again}; as run:`,
    ...transcript.map((l) => `  ${l}`),
    `replay: node scripts/soak.mjs --seed ${seed} --path ${details.counterexamplePath} --max-commands ${options.maxCommands}${replayPathOf(sequence) ? ` --replay-path '${replayPathOf(sequence)}'` : ""}`,
  ].join("\n");
  return { failed: true, seed, runs, steps, ms, report };
}
