import type { HostPlan } from "../model";
import { stableDigest } from "./stable-json";

/**
 * Fingerprint of what a host should look like and how to get there. Connection details are left
 * out on purpose: pointing the same stack at the lab or at production (an inventory) must not
 * look like a change of the host.
 */
export function hostDigest(host: HostPlan): string {
  return stableDigest({ id: host.id, desired: host.desired, steps: host.steps, guests: host.guests.map((g) => ({ domain: g.domain, ipmpGroups: g.ipmpGroups })) });
}
