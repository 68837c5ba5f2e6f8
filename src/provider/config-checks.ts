/** Configuration checks the VF and vnet resources share: names, PF pseudonyms and the VLAN/MTU ranges. */
import { NAME_MAX_LENGTH, SAFE_NAME_PATTERN, VLAN_RANGE } from "../ldm/assumptions";
import { MAC_ADDRESS, normalizeMac, parsePseudonym } from "../ldm/syntax";
import type { Unknown } from "./dynamic-value";
import { errorDiagnostic, type DiagnosticMessage } from "./diagnostics";

/** A name attribute (or `pf`, a PF pseudonym); unknown and unset values pass. */
export function nameProblem(attr: string, value: string | null | Unknown, what: string): DiagnosticMessage[] {
  if (typeof value !== "string") return [];
  if (value.trim() === "") return [errorDiagnostic(`${attr} is empty: give ${what}`, attr)];
  if (attr === "pf") {
    const p = parsePseudonym(value);
    if (p?.class === "ethernet" && p.vf === undefined) return [];
    const what = p === undefined ? "is not the pseudonym of an Ethernet PF (.../IOVNET.PF<n>)" : p.vf !== undefined ? "is a VF, not a PF" : "is not an Ethernet (IOVNET) PF";
    return [errorDiagnostic(`pf ${JSON.stringify(value)} ${what}: use the pseudonym of an Ethernet PF as \`ldm list-io\` prints it, e.g. /SYS/MB/NET0/IOVNET.PF0`, attr)];
  }
  if (!SAFE_NAME_PATTERN.test(value) || value.length > NAME_MAX_LENGTH) {
    return [errorDiagnostic(`${attr} ${JSON.stringify(value)} is not a valid name: letters, digits and _ + . : - (not first), at most ${NAME_MAX_LENGTH} characters`, attr)];
  }
  return [];
}

function rangeProblem(attr: string, value: number, range: { min: number; max: number }): DiagnosticMessage[] {
  if (Number.isInteger(value) && value >= range.min && value <= range.max) return [];
  return [errorDiagnostic(`${attr} ${value} is out of range: ${range.min}-${range.max}`, attr)];
}

/** `pvid`, `vid` and `mtu` of a VF or vnet; `whose` names what the unmanaged VLANs belong to. */
export function vlanAndMtuProblems(
  config: { readonly pvid?: unknown; readonly vid?: unknown; readonly mtu?: unknown },
  mtuRange: { min: number; max: number },
  whose: string,
): DiagnosticMessage[] {
  const problems: DiagnosticMessage[] = [];
  if (typeof config.pvid === "number") problems.push(...rangeProblem("pvid", config.pvid, VLAN_RANGE));
  if (Array.isArray(config.vid) && config.vid.length === 0) {
    // The engine sets VLANs, it does not clear them: an empty list could never be reached.
    problems.push(errorDiagnostic(`vid is empty: leave vid out (${whose} tagged VLANs are then not managed) or list VLAN ids`, "vid"));
  }
  if (Array.isArray(config.vid)) {
    const vids = config.vid as number[];
    for (const v of vids) problems.push(...rangeProblem("vid", v, VLAN_RANGE));
    if (new Set(vids).size !== vids.length) problems.push(errorDiagnostic(`vid lists a VLAN id twice: ${vids.join(", ")}`, "vid"));
  }
  if (typeof config.mtu === "number") problems.push(...rangeProblem("mtu", config.mtu, mtuRange));
  return problems;
}

const MAC_FIX = "write six colon-separated hex octets, e.g. 00:14:4f:f8:1c:a5";

/** `mac_addr` and `alt_mac_addrs` of a VF: MAC addresses, each once (ldm's `auto` is not accepted: its value is never the one written). */
export function macProblems(config: { readonly mac_addr?: unknown; readonly alt_mac_addrs?: unknown }): DiagnosticMessage[] {
  const problems: DiagnosticMessage[] = [];
  if (typeof config.mac_addr === "string" && !MAC_ADDRESS.test(config.mac_addr)) {
    problems.push(errorDiagnostic(`mac_addr ${JSON.stringify(config.mac_addr)} is not a MAC address: ${MAC_FIX}, or leave mac_addr out (not managed)`, "mac_addr"));
  }
  if (!Array.isArray(config.alt_mac_addrs)) return problems;
  const macs = config.alt_mac_addrs as unknown[];
  if (macs.length === 0) problems.push(errorDiagnostic("alt_mac_addrs is empty: leave alt_mac_addrs out (not managed) or list MAC addresses", "alt_mac_addrs"));
  for (const mac of macs) {
    if (typeof mac !== "string" || MAC_ADDRESS.test(mac)) continue;
    const why = mac === "auto" ? "is ldm's automatic choice, which the provider cannot compare with what the host shows" : "is not a MAC address";
    problems.push(errorDiagnostic(`alt_mac_addrs entry ${JSON.stringify(mac)} ${why}: ${MAC_FIX} (ldm list-io -l shows the ones a VF has)`, "alt_mac_addrs"));
  }
  const canonical = macs.filter((m): m is string => typeof m === "string" && MAC_ADDRESS.test(m)).map(normalizeMac);
  if (new Set(canonical).size !== canonical.length) problems.push(errorDiagnostic(`alt_mac_addrs lists a MAC address twice: ${macs.join(", ")}`, "alt_mac_addrs"));
  return problems;
}
