/**
 * Call-site checks shared by the constructs. Each throws a ValidationError whose message names
 * the construct path, the property, the value received and how to fix it, so a mistake is
 * reported where it was made instead of on a control domain.
 */
import { ValidationError } from "../model";
import { NAME_MAX_LENGTH, SAFE_NAME_PATTERN, VLAN_RANGE } from "../ldm/assumptions";
import { HOST_KEY_FINGERPRINT, MAC_ADDRESS, PSEUDONYM_CLASS_WORDS, normalizeMac, parsePseudonym, type PseudonymClass } from "../ldm/syntax";

const SHELL_METACHARACTERS = /[;&|<>`$\\"'*?[\]#~(){}!\s]/;

/** Formats a received value for an error message without losing quotes or control characters. */
export function show(value: unknown): string {
  if (typeof value === "string" || Array.isArray(value)) {
    try {
      return JSON.stringify(value);
    } catch {
      return String(value);
    }
  }
  return String(value);
}

export function invalid(path: string, property: string, value: unknown, problem: string, fix: string): never {
  throw new ValidationError(`${path}: ${property} ${show(value)} ${problem}; ${fix}`);
}

/** A domain, service, vnet, VF or host name: the `ldm` name set without shell metacharacters. */
export function checkName(path: string, property: string, value: unknown): string {
  const rule = `use 1-${NAME_MAX_LENGTH} characters: letters, digits and - _ + . : (starting with a letter or digit)`;
  if (typeof value !== "string" || value.length === 0) invalid(path, property, value, "is not a name", rule);
  if (value.length > NAME_MAX_LENGTH) invalid(path, property, value, `is longer than ${NAME_MAX_LENGTH} characters`, rule);
  const meta = SHELL_METACHARACTERS.exec(value);
  if (meta) invalid(path, property, value, `contains ${show(meta[0])}, which is not allowed in LDoms names here`, rule);
  if (!SAFE_NAME_PATTERN.test(value)) invalid(path, property, value, "is not a valid LDoms name", rule);
  return value;
}

export function checkVlan(path: string, property: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < VLAN_RANGE.min || value > VLAN_RANGE.max) {
    invalid(path, property, value, "is not a VLAN id", `use an integer from ${VLAN_RANGE.min} to ${VLAN_RANGE.max}`);
  }
  return value;
}

export function checkVlanList(path: string, property: string, value: unknown): number[] {
  if (!Array.isArray(value) || value.length === 0) {
    invalid(path, property, value, "is not a list of VLAN ids", `use e.g. [${VLAN_RANGE.min}, 200]`);
  }
  const ids = value.map((v, i) => checkVlan(path, `${property}[${i}]`, v));
  const seen = new Set<number>();
  for (const id of ids) {
    if (seen.has(id)) invalid(path, property, value, `lists VLAN ${id} twice`, "list each VLAN id once");
    seen.add(id);
  }
  return ids;
}

/** Appends a tagged VLAN id to a `vid` list (VF or vnet), refusing an invalid or repeated one. */
export function addVidTo(path: string, vids: number[], vlan: number): void {
  checkVlan(path, "vid", vlan);
  if (vids.includes(vlan)) invalid(path, "vid", vlan, "is already in the vid list", "add each VLAN id once");
  vids.push(vlan);
}

export function checkIntegerRange(path: string, property: string, value: unknown, range: { min: number; max: number }, what: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < range.min || value > range.max) {
    invalid(path, property, value, `is not a valid ${what}`, `use an integer from ${range.min} to ${range.max}`);
  }
  return value;
}

/** Returns the MAC in the canonical lower-case, two-digit form `ldm` prints. */
export function checkMac(path: string, property: string, value: unknown): string {
  if (typeof value !== "string" || !MAC_ADDRESS.test(value)) {
    invalid(path, property, value, "is not a MAC address", "use six colon-separated hex octets, e.g. 00:14:4f:f8:1c:a5");
  }
  return normalizeMac(value);
}

/** `alt-mac-addrs`: a non-empty list, each entry a MAC address (canonical form) or `auto`. */
export function checkMacList(path: string, property: string, value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    invalid(path, property, value, "is not a list", 'use e.g. ["auto"] or ["00:14:4f:f8:1c:a5"]');
  }
  return value.map((mac, i) => (mac === "auto" ? "auto" : checkMac(path, `${property}[${i}]`, mac)));
}

/** Whether `value` is a pseudonym of the class, a PF (`vf: false`) or a VF (`vf: true`). */
function isPseudonym(value: string, cls: PseudonymClass, vf: boolean): boolean {
  const p = parsePseudonym(value);
  return p !== undefined && p.class === cls && (p.vf !== undefined) === vf;
}

/** The other class a malformed or foreign pseudonym names by its class word (`.../IOVFC.…`), for the message. */
function classOfPseudonym(value: string): string | undefined {
  if (value.includes(`/${PSEUDONYM_CLASS_WORDS.fibreChannel}.`)) return "a Fibre Channel";
  if (value.includes(`/${PSEUDONYM_CLASS_WORDS.infiniBand}.`)) return "an InfiniBand";
  return undefined;
}

/** PF pseudonym of an Ethernet physical function, e.g. `/SYS/MB/NET0/IOVNET.PF0`. */
export function checkEthernetPf(path: string, property: string, value: unknown): string {
  const fix = "use the pseudonym of an Ethernet PF as `ldm list-io` prints it, e.g. /SYS/MB/NET0/IOVNET.PF0";
  if (typeof value !== "string") invalid(path, property, value, "is not a PF pseudonym", fix);
  if (isPseudonym(value, "ethernet", false)) return value;
  const other = classOfPseudonym(value);
  if (other) invalid(path, property, value, `is ${other} PF; only Ethernet (IOVNET) VFs can be migrated with a domain`, fix);
  if (isPseudonym(value, "ethernet", true)) invalid(path, property, value, "is a VF, not a PF", `${fix} (or adopt the existing VF with \`vf\`)`);
  invalid(path, property, value, "is not the pseudonym of an Ethernet PF (.../IOVNET.PF<n>)", fix);
}

/** VF pseudonym of an Ethernet virtual function, e.g. `/SYS/MB/NET0/IOVNET.PF0.VF1`. */
export function checkEthernetVfPseudonym(path: string, property: string, value: unknown): string {
  const fix = "use the pseudonym of an Ethernet VF as `ldm list-io` prints it, e.g. /SYS/MB/NET0/IOVNET.PF0.VF0";
  if (typeof value !== "string") invalid(path, property, value, "is not a VF pseudonym", fix);
  if (isPseudonym(value, "ethernet", true)) return value;
  const other = classOfPseudonym(value);
  if (other) invalid(path, property, value, `is ${other} VF, not an Ethernet VF`, fix);
  if (isPseudonym(value, "ethernet", false)) invalid(path, property, value, "is a PF, not a VF", `${fix} (or create a VF on the PF with \`pf\`)`);
  invalid(path, property, value, "is not the pseudonym of an Ethernet VF (.../IOVNET.PF<n>.VF<m>)", fix);
}

/** VF pseudonym of a given non-Ethernet class (`FC` or `IB`). */
export function checkOtherVfPseudonym(path: string, property: string, value: unknown, cls: "FC" | "IB"): string {
  const example = cls === "FC" ? "/SYS/MB/PCIE7/IOVFC.PF0.VF0" : "/SYS/MB/RISER1/PCIE4/IOVIB.PF0.VF0";
  if (typeof value !== "string" || !isPseudonym(value, cls === "FC" ? "fibreChannel" : "infiniBand", true)) {
    invalid(path, property, value, `is not the pseudonym of a${cls === "FC" ? " Fibre Channel" : "n InfiniBand"} VF (.../IOV${cls}.PF<n>.VF<m>)`, `use the pseudonym \`ldm list-io\` prints, e.g. ${example}`);
  }
  return value;
}

export function checkHostKey(path: string, property: string, value: unknown): string {
  if (typeof value !== "string" || !HOST_KEY_FINGERPRINT.test(value)) {
    invalid(path, property, value, "is not a SHA256 host key fingerprint", "use the form `ssh-keygen -lf` prints: SHA256: followed by 43 base64 characters");
  }
  return value;
}

const ADDRESS = /^[A-Za-z0-9]([A-Za-z0-9.:_%-]*[A-Za-z0-9])?$/;

export function checkAddress(path: string, property: string, value: unknown): string {
  if (typeof value !== "string" || !ADDRESS.test(value) || value.length > 253) {
    invalid(path, property, value, "is not a host name or IP address", "use e.g. t7-a.example.net or 192.0.2.10");
  }
  return value;
}

const USER = /^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/;

export function checkUser(path: string, property: string, value: unknown): string {
  if (typeof value !== "string" || !USER.test(value)) {
    invalid(path, property, value, "is not a user name", "use a login name such as ldmops (letters, digits, _ . -)");
  }
  return value;
}

export function checkPort(path: string, property: string, value: unknown): number {
  return checkIntegerRange(path, property, value, { min: 1, max: 65535 }, "TCP port");
}

/** A file path: plain text on one line, no NUL. Paths are data, never shell text. */
export function checkFilePath(path: string, property: string, value: unknown): string {
  if (typeof value !== "string" || value.length === 0 || /[\0\n\r]/.test(value)) {
    invalid(path, property, value, "is not a file path", "use a path on one line, e.g. ~/.ssh/id_ed25519");
  }
  return value;
}

const COMMAND_PATH = /^[A-Za-z0-9/_.+-]+$/;

export function checkCommandPath(path: string, property: string, value: unknown): string {
  if (typeof value !== "string" || !COMMAND_PATH.test(value)) {
    invalid(path, property, value, "is not a command name or path", "use e.g. ldm or /opt/SUNWldm/bin/ldm");
  }
  return value;
}

/** Throws when `value` is neither undefined nor one of `allowed`. */
export function checkOneOf<T extends string>(path: string, property: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
    invalid(path, property, value, "is not supported", `use one of ${allowed.map((a) => show(a)).join(", ")}`);
  }
  return value as T;
}
