import type { HostPlan } from "../model";
import { stableDigest } from "./stable-json";

/**
 * Fingerprint of what a host should look like and how to get there. Connection details are left
 * out on purpose: pointing the same stack at the lab or at production (an inventory) must not
 * look like a change of the host.
 */
export function hostDigest(host: HostPlan): string {
  // Keys in sorted order, as stableDigest writes them: the plan's own objects are taken as they are.
  return stableDigest({ desired: host.desired, guests: host.guests.map((g) => ({ domain: g.domain, ipmpGroups: g.ipmpGroups })), id: host.id, steps: host.steps });
}
