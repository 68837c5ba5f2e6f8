/** Configuration checks the VF and vnet resources share: names, PF pseudonyms and the VLAN/MTU ranges. */
import { NAME_MAX_LENGTH, SAFE_NAME_PATTERN, VLAN_RANGE } from "../ldm/assumptions";
import { parsePseudonym } from "../ldm/syntax";
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
