/**
 * Guest-side faults, kept in the lab state like the `ldm` faults (src/lab/faults.ts), so every
 * process sharing a state file sees them.
 */
import type { LabStateStore } from "../store";

/**
 * Takes the carrier of an Ethernet PF away (a pulled cable, a switch port down), or gives it
 * back. `ldm` does not show it; inside a guest, every VF of that PF assigned to it has its link
 * down, so an IPMP group stays on (or fails over to) its standby vnet.
 */
export function setPfLinkDown(store: LabStateStore, machine: string, pf: string, down: boolean): void {
  store.update((s) => {
    const m = s.machines[machine];
    if (!m) throw new RangeError(`setPfLinkDown: no lab machine ${machine}; machines: ${Object.keys(s.machines).join(", ")}`);
    const found = m.pfs.find((p) => p.alias === pf);
    if (!found || found.class !== "NETWORK") throw new RangeError(`setPfLinkDown: ${machine} has no Ethernet PF ${pf}`);
    if (down) found.linkDown = true;
    else delete found.linkDown;
  });
}
