import type { Network } from "./network";

/**
 * Why a device's VLAN tagging does not put it on its declared network, or undefined when it does.
 * A tagged network needs its VLAN as the device's pvid or in its vid list; an untagged network
 * accepts any tagging (the switch port decides).
 */
export function vlanMismatch(network: Network | undefined, pvid: number | undefined, vids: readonly number[]): string | undefined {
  if (network === undefined || network.vlan === undefined) return undefined;
  if (pvid === network.vlan || vids.includes(network.vlan)) return undefined;
  const tagging = pvid === undefined && vids.length === 0 ? "has no pvid or vid" : `has pvid ${pvid ?? "(none)"} and vid [${vids.join(",")}]`;
  return `${tagging} but is on ${network.describeTagging()}; set pvid: ${network.vlan} (or add ${network.vlan} to vid)`;
}
