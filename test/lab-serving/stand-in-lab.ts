import type { LdmInvocationResult } from "../../src/lab/api";
import type { ServableLab } from "../../src/lab-serving/executor-endpoints";
import { standardFileTable } from "../../src/lab-serving/shell";
import type { LabState } from "../../src/lab/state";
import { InMemoryLabStore } from "../../src/lab/store";

/** A two-machine stand-in for the lab core: `ldm` echoes its argv, guests echo theirs. */
export function standInLab(): ServableLab & { calls: string[] } {
  const calls: string[] = [];
  const reply = (text: string): LdmInvocationResult => ({ exitCode: 0, stdout: `${text}\n`, stderr: "" });
  const state = { machines: { "t7-a": { files: standardFileTable() }, "t7-b": { files: standardFileTable() } } };
  return {
    calls,
    store: new InMemoryLabStore(state as unknown as LabState),
    machineNames: () => ["t7-a", "t7-b"],
    guestDomains: () => [{ machine: "t7-a", domain: "ldg1" }],
    runLdm: async (machine, argv) => {
      calls.push(`${machine}: ldm ${argv.join(" ")}`);
      return reply(`${machine} ldm ${argv.join(" ")}`);
    },
    runGuest: async (domain, argv) => {
      calls.push(`${domain}: ${argv.join(" ")}`);
      return reply(`${domain} ${argv.join(" ")}`);
    },
  };
}
