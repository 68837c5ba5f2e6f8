import { ValidationError, guestInventoryId } from "../model";
import type { LdmInvocationResult } from "../lab/api";
import { type FileTable, MemoryShellFiles, type ShellEndpoint, type ShellFiles, standardFileTable } from "./shell";
import type { LabState } from "../lab/state";
import type { LabStateStore } from "../lab/store";

/** What serving needs from the lab core (the `Lab` class satisfies it). */
export interface ServableLab {
  /** Where the lab's state lives; the shell's per-machine files are part of it. */
  readonly store: LabStateStore;
  machineNames(): string[];
  guestDomains(): { machine: string; domain: string }[];
  runLdm(machine: string, argv: readonly string[]): Promise<LdmInvocationResult>;
  runGuest(domain: string, argv: readonly string[]): Promise<LdmInvocationResult>;
}

/** Account name lab endpoints report for `id -un` and accept over SSH. */
export const DEFAULT_LAB_USER = "ldmops";

/** Inventory ids of every endpoint: machines by name, guests with a model as `guest/<domain>`. */
export function labHostIds(lab: ServableLab): string[] {
  return [...lab.machineNames(), ...lab.guestDomains().map((g) => guestInventoryId(g.domain))];
}

/** A machine's file table inside the lab state, so every process sharing the store sees one filesystem. */
function machineFiles(store: LabStateStore, machine: string): ShellFiles {
  const table = (state: LabState): FileTable => {
    const m = state.machines[machine];
    if (!m) throw new ValidationError(`lab machine ${machine} is not in the lab state`);
    m.files ??= standardFileTable();
    return m.files;
  };
  return {
    read: (fn) => store.read((state) => fn(table(state))),
    update: (fn) => store.update((state) => fn(table(state))),
  };
}

/**
 * Guests have no files in the lab state: their scratch filesystem lives with the serving
 * process, shared by every executor and server of that process for one lab.
 */
const guestFileTables = new WeakMap<LabStateStore, Map<string, MemoryShellFiles>>();

function guestFiles(store: LabStateStore, domain: string): ShellFiles {
  let byDomain = guestFileTables.get(store);
  if (!byDomain) guestFileTables.set(store, (byDomain = new Map()));
  let files = byDomain.get(domain);
  if (!files) byDomain.set(domain, (files = new MemoryShellFiles()));
  return files;
}

/** The shell endpoint for one inventory id (`t7-a`, `guest/ldg1`) of a lab. */
export function labEndpoint(lab: ServableLab, hostId: string, user: string = DEFAULT_LAB_USER): ShellEndpoint {
  const { store } = lab;
  if (lab.machineNames().includes(hostId)) {
    return {
      kind: "machine",
      hostname: hostId,
      user,
      files: machineFiles(store, hostId),
      runTool: (_tool, argv) => lab.runLdm(hostId, argv),
    };
  }
  const guest = lab.guestDomains().find((g) => guestInventoryId(g.domain) === hostId);
  if (guest) {
    return {
      kind: "guest",
      hostname: guest.domain,
      user,
      files: guestFiles(store, guest.domain),
      runTool: (tool, argv) => lab.runGuest(guest.domain, [tool, ...argv]),
    };
  }
  throw new ValidationError(`${hostId} is not an endpoint of this lab: use one of ${labHostIds(lab).join(", ")}`);
}
