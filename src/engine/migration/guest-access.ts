/**
 * How to reach a guest's own OS: the GuestPlan's access (from the GuestDomain construct), with
 * the inventory entry `guest/<domain>` laid over it; or the inventory entry alone, when the
 * domain declares IPMP groups (a lab or a site inventory may know guests the constructs do not).
 */
import { guestInventoryId, type DesiredIpmpGroup, type HostConnection, type Inventory, type PlanDocument } from "../../model";
import type { HostTarget } from "../host-session";

export interface GuestTarget {
  readonly target: HostTarget;
  readonly ipmpGroups: readonly DesiredIpmpGroup[];
}

export function guestTarget(document: PlanDocument, sourceHost: string, domain: string, inventory?: Inventory): GuestTarget | undefined {
  const host = document.hosts.find((h) => h.id === sourceHost);
  const plan = host?.guests.find((g) => g.domain === domain);
  const groups = plan?.ipmpGroups ?? host?.desired.domains.find((d) => d.name === domain)?.ipmpGroups ?? [];
  const id = guestInventoryId(domain);
  const entry = inventory?.hosts[id];
  const base = plan?.access;
  if (!base && !entry) return undefined;
  const pinsKey = entry?.hostKey !== undefined || entry?.knownHostsFile !== undefined;
  const connection: HostConnection = {
    address: entry?.address ?? base!.address,
    port: entry?.port ?? base!.port,
    user: entry?.user ?? base!.user,
    ...(pinsKey
      ? { ...(entry?.hostKey ? { hostKey: entry.hostKey } : {}), ...(entry?.knownHostsFile ? { knownHostsFile: entry.knownHostsFile } : {}) }
      : { ...(base?.hostKey ? { hostKey: base.hostKey } : {}), ...(base?.knownHostsFile ? { knownHostsFile: base.knownHostsFile } : {}) }),
    ...((entry?.identityFile ?? base?.identityFile) ? { identityFile: (entry?.identityFile ?? base?.identityFile)! } : {}),
    pfexec: false,
    ldmPath: "ldm",
  };
  return { target: { id, connection }, ipmpGroups: groups };
}
