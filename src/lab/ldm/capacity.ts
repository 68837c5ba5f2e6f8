/**
 * A machine's vCPUs and memory: what it has in all (its lab definition's `capacity`), what bound
 * and active domains hold (the control domain included), and what is free for one more domain.
 * `list-devices` prints the free part; `bind-domain`, the setters and `migrate-domain` need room in it.
 */
import { humanMemory } from "./domain-format";
import type { DomainState, MachineState } from "../state";

export interface Resources {
  readonly vcpus: number;
  readonly memoryBytes: number;
}

/**
 * The schema's defaults of `capacity` (src/lab/definition/document.ts), for states written before
 * machines had one; test/lab/list-devices.test.ts holds the two equal.
 */
export const LAB_DEFAULT_CAPACITY: Resources = { vcpus: 128, memoryBytes: 256 * 1024 ** 3 };

export function machineCapacity(machine: MachineState): Resources {
  return machine.capacity ?? LAB_DEFAULT_CAPACITY;
}

/** Domains holding resources (bound or active), in the machine's order. */
export function boundDomains(machine: MachineState): DomainState[] {
  return machine.domains.filter((d) => d.state !== "inactive");
}

export function heldResources(machine: MachineState): Resources {
  const held = boundDomains(machine);
  return { vcpus: held.reduce((n, d) => n + d.ncpu, 0), memoryBytes: held.reduce((n, d) => n + d.memory, 0) };
}

/** Never below zero (a state edited by hand may hold more than the machine has). */
export function freeResources(machine: MachineState): Resources {
  const total = machineCapacity(machine);
  const held = heldResources(machine);
  return { vcpus: Math.max(0, total.vcpus - held.vcpus), memoryBytes: Math.max(0, total.memoryBytes - held.memoryBytes) };
}

/** `8 VCPUs and 16G of memory`. */
export function describeResources(r: Resources): string {
  return `${r.vcpus} VCPU${r.vcpus === 1 ? "" : "s"} and ${humanMemory(r.memoryBytes)} of memory`;
}

/** Whether `need` more vCPUs and memory fit in what the machine has free. */
export function fitsFree(machine: MachineState, need: Resources): boolean {
  const free = freeResources(machine);
  return need.vcpus <= free.vcpus && need.memoryBytes <= free.memoryBytes;
}
