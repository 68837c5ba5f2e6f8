/**
 * Lab suite: one process serving 200 lab machines; how fast `ldm list-io -p` answers on a
 * machine with 64 VFs (target: under 5 ms in-process), plus a few neighbouring commands.
 */
import { performance } from "node:perf_hooks";
import { Lab, loadLabDefinition } from "../src/lab";

const MACHINES = 200;
const VFS = 64;

function definition(): unknown {
  const machines = Array.from({ length: MACHINES }, (_, i) => ({
    name: `m${String(i).padStart(3, "0")}`,
    addresses: [`m${i}.lab`],
    buses: [
      { name: "pci_0", dev: "pci@300", iov: true },
      { name: "pci_1", dev: "pci@301", iov: true },
    ],
    slots: [
      { alias: "/SYS/MB/NET0", bus: "pci_0", dev: "pci@300/pci@1/pci@0/pci@4" },
      { alias: "/SYS/MB/NET2", bus: "pci_1", dev: "pci@301/pci@1/pci@0/pci@4" },
    ],
    pfs: [
      {
        alias: "/SYS/MB/NET0/IOVNET.PF0",
        maxvfs: VFS,
        network: "lan-a",
        vfs: i === 0 ? Array.from({ length: VFS }, (_, v) => ({ name: `vf-${v}`, ...(v < 8 ? { domain: `ldg${v}` } : {}) })) : [],
      },
      { alias: "/SYS/MB/NET2/IOVNET.PF0", maxvfs: 16, network: "lan-a" },
    ],
    domains: [
      { name: "primary", state: "active", ncpu: 16, memory: "32G" },
      ...Array.from({ length: 8 }, (_, d) => ({ name: `ldg${d}`, state: "active", ncpu: 4, memory: "8G", vnets: [{ name: "vnet0", vswitch: "primary-vsw0" }] })),
    ],
    vswitches: [{ name: "primary-vsw0", netDev: "net0", network: "lan-a" }],
  }));
  return { machines };
}

function stats(samples: number[]): { medianMs: number; p95Ms: number; maxMs: number; runs: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return { medianMs: round(at(0.5)), p95Ms: round(at(0.95)), maxMs: round(s[s.length - 1]!), runs: s.length };
}

async function time(lab: Lab, machine: string, argv: string[], runs: number): Promise<ReturnType<typeof stats>> {
  for (let i = 0; i < 50; i++) await lab.runLdm(machine, argv);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = await lab.runLdm(machine, argv);
    samples.push(performance.now() - t0);
    if (r.exitCode !== 0) throw new Error(`ldm ${argv.join(" ")} failed: ${r.stderr}`);
  }
  return stats(samples);
}

export async function run(): Promise<object> {
  const t0 = performance.now();
  const lab = Lab.fromDefinition(loadLabDefinition(definition(), "bench"));
  const buildMs = Math.round((performance.now() - t0) * 10) / 10;
  const listIo = await time(lab, "m000", ["list-io", "-p"], 2000);
  const listIoLong = await time(lab, "m000", ["list-io", "-l", "-p"], 1000);
  const list = await time(lab, "m199", ["list", "-p"], 1000);
  const lines = (await lab.runLdm("m000", ["list-io", "-p"])).stdout.split("\n").length - 1;
  // A mutating command on a far machine: create then destroy a VF (store update + journal).
  const samples: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t = performance.now();
    await lab.runLdm("m150", ["create-vf", "/SYS/MB/NET2/IOVNET.PF0"]);
    samples.push(performance.now() - t);
    lab.store.update((s) => {
      s.machines.m150!.pfs[1]!.vfs.pop();
      s.machines.m150!.pfs[1]!.invUntil = 0;
    });
  }
  return {
    machines: lab.machineNames().length,
    vfsOnMeasuredMachine: VFS,
    labBuildMs: buildMs,
    listIoParseable: { ...listIo, outputLines: lines, targetMs: 5, withinTarget: listIo.p95Ms < 5 },
    listIoLongParseable: listIoLong,
    listDomainsParseable: list,
    createVf: stats(samples),
  };
}
