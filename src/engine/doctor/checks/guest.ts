/**
 * Guest layouts the IPMP handling reads (evidence §7, §8): the `ipmpstat -g`/`-i` columns, the
 * `dladm show-phys -m` MAC table, `dladm show-link` and bare `ipadm`. Reported only when doctor
 * read a guest (`--guest DOMAIN`).
 */
import { doctorCheck, numbered, okOutput, whyMissing, type DoctorCheck, type DoctorOutputs } from "./types";
import { label } from "./version";

interface Layout {
  readonly assumption: string;
  readonly id: string;
  readonly columns: readonly string[];
  /** What the engine does with it. */
  readonly use: string;
}

export const GUEST_LAYOUTS: readonly Layout[] = [
  { assumption: "guest-ipmpstat-g", id: "guest-ipmpstat-g", columns: ["GROUP", "GROUPNAME", "STATE", "FDT", "INTERFACES"], use: "IPMP group state" },
  { assumption: "guest-ipmpstat-i", id: "guest-ipmpstat-i", columns: ["INTERFACE", "ACTIVE", "GROUP", "FLAGS", "LINK", "PROBE", "STATE"], use: "active and standby members" },
  { assumption: "guest-dladm-show-phys-m", id: "guest-dladm-show-phys-m", columns: ["LINK", "SLOT", "ADDRESS", "INUSE", "CLIENT"], use: "VF to datalink by MAC" },
  { assumption: "guest-dladm-show-link", id: "guest-dladm-show-link", columns: ["LINK", "CLASS", "MTU", "STATE", "OVER"], use: "datalinks" },
  { assumption: "guest-ipadm", id: "guest-ipadm", columns: ["NAME", "CLASS/TYPE", "STATE", "UNDER", "ADDR"], use: "IP interfaces and their IPMP group" },
];

export function guestLayoutChecks(outputs: DoctorOutputs): DoctorCheck[] {
  if (!GUEST_LAYOUTS.some((g) => outputs[g.id] !== undefined)) return [];
  return GUEST_LAYOUTS.map((g) => {
    const cmd = label(g.id);
    const text = okOutput(outputs, g.id);
    if (text === undefined) return doctorCheck(g.assumption, "not-observable", `${whyMissing(outputs, g.id, cmd)}: the ${g.use} layout cannot be read`);
    const header = numbered(text).find((l) => l.text.trim() !== "");
    if (!header) return doctorCheck(g.assumption, "not-observable", `\`${cmd}\` printed nothing`);
    const words = header.text.trim().split(/\s+/);
    if (g.columns.every((c, i) => words[i] === c)) {
      return doctorCheck(g.assumption, "confirmed", `\`${cmd}\` columns ${words.join(" ")}`, { notes: [`header at ${columnStarts(header.text)}`] });
    }
    return doctorCheck(g.assumption, "contradicted", `\`${cmd}\` columns are ${words.join(" ")}, not ${g.columns.join(" ")}`, {
      quote: { command: cmd, line: header.line, text: header.text },
      fix: `report this header: the engine reads ${g.use} from these columns`,
    });
  });
}

/** `GROUP 0, GROUPNAME 12, ...`: where each column starts (evidence §7 gives real offsets). */
function columnStarts(header: string): string {
  return [...header.matchAll(/\S+/g)].map((m) => `${m[0]} ${m.index}`).join(", ");
}
