/**
 * A lab as its servers see it, with a hook after every `ldm` command it runs (whether the command
 * changed the lab): how tests cut a connection right after a change and the bench counts calls.
 */
import type { Lab } from "../src/lab";
import type { ServableLab } from "../src/lab-serving/executor-endpoints";

export type AfterLdm = (machine: string, argv: readonly string[], mutating: boolean) => void;

export function observedLab(lab: Lab, afterLdm: AfterLdm): ServableLab {
  return {
    store: lab.store,
    machineNames: () => lab.machineNames(),
    guestDomains: () => lab.guestDomains(),
    runGuest: (domain, argv) => lab.runGuest(domain, argv),
    runLdm: async (machine, argv) => {
      const before = lab.mutatingCount();
      const result = await lab.runLdm(machine, argv);
      afterLdm(machine, argv, lab.mutatingCount() > before);
      return result;
    },
  };
}
