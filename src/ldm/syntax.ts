/**
 * The value syntaxes `ldm` uses, written once: MAC addresses, SR-IOV pseudonyms and SSH host-key
 * fingerprints. Constructs check user input with them, the engine compares observed values with
 * them, and the lab accepts and prints the same shapes.
 */

/** A MAC address as `ldm` accepts it: six colon-separated hex octets, one or two digits each. */
export const MAC_ADDRESS = /^[0-9A-Fa-f]{1,2}(:[0-9A-Fa-f]{1,2}){5}$/;

/** The canonical lower-case, two-digit form `ldm` prints, e.g. `0:14:4F:f8:1c:a5` -> `00:14:4f:f8:1c:a5`. */
export function normalizeMac(mac: string): string {
  return mac.split(":").map((octet) => octet.toLowerCase().padStart(2, "0")).join(":");
}

/** SHA256 host-key fingerprint in the form `ssh-keygen -lf` prints. */
export const HOST_KEY_FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}=?$/;

/** The SR-IOV device classes and the word each pseudonym carries (`IOVNET.PF0`, ...). */
export const PSEUDONYM_CLASS_WORDS = { ethernet: "IOVNET", fibreChannel: "IOVFC", infiniBand: "IOVIB" } as const;
export type PseudonymClass = keyof typeof PSEUDONYM_CLASS_WORDS;

/** A pseudonym taken apart: `/SYS/MB/NET0/IOVNET.PF0.VF3` is slot `/SYS/MB/NET0`, ethernet, PF 0, VF 3. */
export interface Pseudonym {
  readonly slot: string;
  readonly class: PseudonymClass;
  readonly pf: number;
  /** Absent for a PF. */
  readonly vf?: number;
}

const PSEUDONYM = /^(\/SYS(?:\/[A-Za-z0-9_+-]+)+)\/(IOVNET|IOVFC|IOVIB)\.PF(0|[1-9][0-9]*)(?:\.VF(0|[1-9][0-9]*))?$/;
const CLASS_OF_WORD = new Map<string, PseudonymClass>(
  (Object.entries(PSEUDONYM_CLASS_WORDS) as [PseudonymClass, string][]).map(([cls, word]) => [word, cls]),
);

/** The parts of a PF or VF pseudonym; undefined for anything else. */
export function parsePseudonym(alias: string): Pseudonym | undefined {
  const m = PSEUDONYM.exec(alias);
  if (!m) return undefined;
  const [, slot, word, pf, vf] = m as unknown as [string, string, string, string, string | undefined];
  return { slot, class: CLASS_OF_WORD.get(word) as PseudonymClass, pf: Number(pf), ...(vf !== undefined ? { vf: Number(vf) } : {}) };
}

/** The pseudonym of a PF or VF from its parts. */
export function formatPseudonym(p: Pseudonym): string {
  return `${p.slot}/${PSEUDONYM_CLASS_WORDS[p.class]}.PF${p.pf}${p.vf !== undefined ? `.VF${p.vf}` : ""}`;
}

/** The PF a VF pseudonym belongs to: `/SYS/MB/NET0/IOVNET.PF0.VF3` -> `/SYS/MB/NET0/IOVNET.PF0`. */
export function pfOfVf(alias: string): string {
  return alias.replace(/\.VF\d+$/, "");
}

/**
 * Compares two `ldm` property values: comma lists as sets, MAC addresses by their octets (they
 * print without leading zeros in some places), everything else as text.
 */
export function sameLdmValue(actual: string | undefined, wanted: string): boolean {
  const a = (actual ?? "").trim();
  const w = wanted.trim();
  if (a === w) return true;
  if (a.includes(",") || w.includes(",")) {
    const set = (s: string) => s.split(",").map((x) => x.trim()).filter(Boolean).sort().join(",");
    return set(a) === set(w);
  }
  return MAC_ADDRESS.test(a) && MAC_ADDRESS.test(w) && normalizeMac(a) === normalizeMac(w);
}
