/**
 * Engine suite (`npm run bench -- engine`): a lab of 100 machines x 8 guest domains served over
 * SSH, each machine behind a TCP proxy adding 20 ms of round trip, every `ldm` command taking
 * 100 ms. Measures `apply` from scratch and the converged `plan`, against
 * - the floor of DESIGN §8: per host one connection, one batched read, one exec per change,
 *   hosts in parallel at the same parallelism. It is run for real (the engine's mutating
 *   commands replayed onto a fresh lab of the same shape, through the same proxies, in the same
 *   process), and also computed from components measured on one idle host (`floorModelMs`);
 * - a naive baseline for plan: a new connection per command, one check per object (the VF and
 *   the vnet of every guest), as a shell loop or a typical playbook does.
 * Prints wall times, ratios, and connection/exec counts.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Lab, loadLabDefinition } from "../src/lab";
import { startLabServer, type SshServingStats } from "../src/lab-serving/ssh-server";
import { applyHosts, engineHosts, planHosts, type EngineHost, type HostTarget } from "../src/engine";
import { batchCommandLine, ldmParts } from "../src/engine/read-batch";
import { ALL_LISTINGS } from "../src/engine/observe";
import { mapWithLimit } from "../src/engine/pool";
import { ldmCommandLine } from "../src/ldm";
import { SshExecutor } from "../src/transport";
import type { Inventory, InventoryEntry, PlanDocument } from "../src/model";
import { fleetLabDefinition, fleetPlan } from "../test-kit/fleet";
import { startTcpProxy, type TcpProxy } from "../test-kit/tcp-proxy";
import { observedLab } from "../test-kit/observed-lab";

/** Fleet size; LDOMS_BENCH_MACHINES overrides it for quick local runs. */
export const MACHINES = Number(process.env.LDOMS_BENCH_MACHINES ?? 100);
export const GUESTS = 8;
export const RTT_MS = 20;
export const LDM_MS = 100;
export const PARALLELISM = 10;

export function executorFor(target: HostTarget): SshExecutor {
  const c = target.connection;
  return new SshExecutor({ host: c.address, port: c.port, user: c.user, label: target.id, hostKey: { fingerprints: [c.hostKey as string] }, ...(c.identityFile ? { identityFile: c.identityFile } : {}), agent: false });
}

const round = (ms: number) => Math.round(ms);

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

/** Connect, read and one-`ldm`-command exec costs, measured on one idle host (median of 5). */
async function measureComponents(target: HostTarget) {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const connect: number[] = [];
  const read: number[] = [];
  const change: number[] = [];
  const readLine = batchCommandLine(ldmParts(ALL_LISTINGS, { ldmPath: "ldm" }));
  const oneLdm = ldmCommandLine(["list-services", "-p"]);
  for (let i = 0; i < 5; i++) {
    const executor = executorFor(target);
    const first = await timed(() => executor.exec("true"));
    const second = await timed(() => executor.exec("true"));
    connect.push(first.ms - second.ms);
    read.push((await timed(() => executor.exec(readLine))).ms);
    change.push((await timed(() => executor.exec(oneLdm))).ms);
    await executor.close();
  }
  return { connectMs: median(connect), readMs: median(read), execPerChangeMs: median(change) };
}

/** Hosts in parallel at `parallelism`, each taking `perHost(i)` ms: greedy list scheduling. */
function parallelMakespan(durations: readonly number[], parallelism: number): number {
  const workers = new Array<number>(Math.min(parallelism, durations.length)).fill(0);
  for (const d of durations) {
    const i = workers.indexOf(Math.min(...workers));
    workers[i] = (workers[i] as number) + d;
  }
  return Math.max(...workers);
}

/** Naive plan: per guest, a new connection to check its VF, another to check its vnet. */
async function naivePlan(hosts: readonly EngineHost[]): Promise<{ connections: number; execs: number }> {
  let connections = 0;
  let execs = 0;
  await mapWithLimit(hosts, PARALLELISM, async (host) => {
    for (const domain of host.plan.desired.domains) {
      for (const argv of [["list-io", "-l", "-p"], ["list", "-l", "-p", domain.name]]) {
        const executor = executorFor(host.target);
        connections++;
        execs++;
        await executor.exec(ldmCommandLine(argv));
        await executor.close();
      }
    }
  });
  return { connections, execs };
}

export interface Fleet {
  readonly lab: Lab;
  readonly targets: EngineHost[];
  /** How each host is reached through its proxy (what `--inventory` and the provider read). */
  readonly inventory: Inventory;
  /** Every `ldm` command each machine ran (listings too), counted as the lab served it. */
  readonly ldmCalls: Map<string, number>;
  /** SSH connections and exec requests each host's server accepted. */
  readonly stats: SshServingStats;
  close(): Promise<void>;
}

/** A fresh lab of `machines` fleet machines served over SSH, each behind a proxy adding RTT_MS. */
export async function serveFleet(document: PlanDocument, machines: number = MACHINES): Promise<Fleet> {
  const stateDir = mkdtempSync(join(tmpdir(), "ldoms-bench-engine-"));
  const proxies: TcpProxy[] = [];
  const lab = Lab.fromDefinition(loadLabDefinition(fleetLabDefinition(machines, GUESTS, { ldmLatencyMs: LDM_MS }), "engine bench"));
  const ldmCalls = new Map<string, number>();
  const counted = observedLab(lab, (machine) => void ldmCalls.set(machine, (ldmCalls.get(machine) ?? 0) + 1));
  const server = await startLabServer({ lab: counted, stateDir });
  const hosts: Record<string, InventoryEntry> = {};
  for (const [id, entry] of Object.entries(server.inventory.hosts)) {
    const proxy = await startTcpProxy({ targetPort: entry.port, rttMs: RTT_MS });
    proxies.push(proxy);
    hosts[id] = { ...entry, port: proxy.port };
  }
  const inventory: Inventory = { hosts };
  return {
    lab,
    ldmCalls,
    inventory,
    stats: server.stats,
    targets: engineHosts(document, { inventory }),
    async close() {
      await Promise.all(proxies.map((p) => p.close()));
      await server.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/**
 * The floor, run for real: per host one connection, one batched read, then exactly the
 * mutating commands the engine ran on that host (replayed from the lab journal onto a fresh
 * lab), one exec each; hosts at the same parallelism. No locks, checks, waits or proofs.
 */
export async function replayFloor(fleet: Fleet, commands: ReadonlyMap<string, readonly (readonly string[])[]>): Promise<number> {
  const readLine = batchCommandLine(ldmParts(ALL_LISTINGS, { ldmPath: "ldm" }));
  const start = performance.now();
  await mapWithLimit(fleet.targets, PARALLELISM, async (host) => {
    const executor = executorFor(host.target);
    await executor.exec(readLine);
    for (const argv of commands.get(host.target.id) ?? []) {
      const result = await executor.exec(ldmCommandLine(argv));
      if (result.exitStatus !== 0) throw new Error(`floor replay: ldm ${argv.join(" ")} failed on ${host.target.id}: ${result.stderr}`);
    }
    await executor.close();
  });
  return performance.now() - start;
}

/**
 * `ldm` calls per host against their floor: the host's mutating commands, the three listings of
 * the first read, the two of the final proof (`list-io`, `list`), and the `list-io` reads a later
 * step had to wait for (a new VF's pseudonym and its leaving INV: `settleReads`).
 */
function ldmCallFigures(hosts: readonly { calls: number; mutating: number; settleReads: number }[]) {
  const floors = hosts.map((h) => h.mutating + ALL_LISTINGS.length + 2 + h.settleReads);
  const worst = Math.max(...hosts.map((h, i) => h.calls / (floors[i] as number)));
  return {
    max: Math.max(...hosts.map((h) => h.calls)),
    min: Math.min(...hosts.map((h) => h.calls)),
    floor: Math.max(...floors),
    settleReadsMax: Math.max(...hosts.map((h) => h.settleReads)),
    ratioToFloor: Number(worst.toFixed(2)),
  };
}

export async function run(): Promise<object> {
  const setup = performance.now();
  const document = fleetPlan(MACHINES, GUESTS);
  const fleet = await serveFleet(document);
  let floorFleet: Fleet | undefined;
  try {
    const targets = fleet.targets;
    const lab = fleet.lab;
    const connect = (target: HostTarget) => executorFor(target);
    const setupMs = performance.now() - setup;

    const components = await measureComponents(targets[0]!.target);

    fleet.ldmCalls.clear();
    const apply = await timed(() => applyHosts(targets, { connect, parallelism: PARALLELISM }));
    const ldmCalls = ldmCallFigures(apply.value.hosts.map((h) => ({
      calls: fleet.ldmCalls.get(h.id) ?? 0,
      mutating: h.mutatingCommands,
      settleReads: h.counters.settleReads,
    })));
    const failed = apply.value.hosts.filter((h) => h.status !== "applied");
    if (failed.length) throw new Error(`apply failed on ${failed.length} hosts: ${failed[0]!.error?.message}`);
    const changes = apply.value.hosts.map((h) => h.actions.length);
    const applyFloorModel = parallelMakespan(
      changes.map((c) => components.connectMs + components.readMs + c * components.execPerChangeMs),
      PARALLELISM,
    );
    const commands = new Map<string, string[][]>();
    for (const entry of lab.journal()) commands.set(entry.machine, [...(commands.get(entry.machine) ?? []), [...entry.argv]]);
    floorFleet = await serveFleet(document);
    const applyFloor = await replayFloor(floorFleet, commands);

    const plan = await timed(() => planHosts(targets, { connect, parallelism: PARALLELISM }));
    const planChanges = plan.value.hosts.reduce((n, h) => n + h.actions.length + (h.error ? 1 : 0), 0);
    const planFloorModel = parallelMakespan(targets.map(() => components.connectMs + components.readMs), PARALLELISM);
    const planFloor = await replayFloor(fleet, new Map());
    const perHost = plan.value.hosts.map((h) => h.counters);
    const exactlyOne = perHost.every((c) => c.connections === 1 && c.execs === 1 && c.readExecs === 1);

    const naive = await timed(() => naivePlan(targets));
    return {
      setup: { machines: MACHINES, guestsPerMachine: GUESTS, rttMs: RTT_MS, ldmCommandMs: LDM_MS, parallelism: PARALLELISM, setupMs: round(setupMs) },
      measuredComponents: { connectMs: round(components.connectMs), batchedReadMs: round(components.readMs), execPerChangeMs: round(components.execPerChangeMs) },
      applyFromScratch: {
        wallMs: round(apply.ms),
        floorMs: round(applyFloor),
        ratioToFloor: Number((apply.ms / applyFloor).toFixed(2)),
        floorModelMs: round(applyFloorModel),
        ratioToFloorModel: Number((apply.ms / applyFloorModel).toFixed(2)),
        changes: changes.reduce((a, b) => a + b, 0),
        mutatingCommands: apply.value.hosts.reduce((n, h) => n + h.mutatingCommands, 0),
        connections: apply.value.hosts.reduce((n, h) => n + h.counters.connections, 0),
        execs: apply.value.hosts.reduce((n, h) => n + h.counters.execs, 0),
        labJournal: lab.mutatingCount(),
        ldmCallsPerHost: ldmCalls,
      },
      convergedPlan: {
        wallMs: round(plan.ms),
        floorMs: round(planFloor),
        ratioToFloor: Number((plan.ms / planFloor).toFixed(2)),
        floorModelMs: round(planFloorModel),
        ratioToFloorModel: Number((plan.ms / planFloorModel).toFixed(2)),
        changesFound: planChanges,
        connections: perHost.reduce((n, c) => n + c.connections, 0),
        execs: perHost.reduce((n, c) => n + c.execs, 0),
        exactlyOneConnectionAndOneReadPerHost: exactlyOne,
      },
      naivePlan: {
        wallMs: round(naive.ms),
        connections: naive.value.connections,
        execs: naive.value.execs,
        planSpeedup: Number((naive.ms / plan.ms).toFixed(1)),
      },
      targets: {
        planWithin1_5xFloor: plan.ms <= 1.5 * planFloor,
        applyWithin1_3xFloor: apply.ms <= 1.3 * applyFloor,
        applyLdmCallsWithin1_1xFloor: ldmCalls.ratioToFloor <= 1.1,
        planAtLeast5xFasterThanNaive: naive.ms >= 5 * plan.ms,
        exactlyOneConnectionAndOneReadPerHost: exactlyOne,
      },
    };
  } finally {
    await fleet.close();
    await floorFleet?.close();
  }
}
