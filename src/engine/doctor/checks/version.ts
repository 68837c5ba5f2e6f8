/** The `ldm -V` banner and the `VERSION x.y` line of each parseable listing. */
import { KNOWN_PARSEABLE_VERSIONS } from "../../../ldm/assumptions";
import { doctorCommand } from "../commands";
import { doctorCheck, numbered, okOutput, whyMissing, type DoctorCheck, type DoctorOutputs } from "./types";

export function label(id: string): string {
  return doctorCommand(id)?.argv.join(" ") ?? id;
}

const BANNER = /^Logical Domains? Manager \(v ([^)\s]+)\)$/;

/** `ldm -V` prints `Logical Domains Manager (v X)` (ref §8 [V]; the plural form is accepted too). */
export function ldmBannerCheck(outputs: DoctorOutputs): DoctorCheck {
  const text = okOutput(outputs, "ldm-version");
  if (text === undefined) {
    return doctorCheck("ldm-version-banner", "not-observable", `${whyMissing(outputs, "ldm-version", "ldm -V")}: the banner cannot be read`, {
      fix: "check that ldm runs for this account (see the ldm-access line)",
    });
  }
  const lines = numbered(text).filter((l) => l.text.trim() !== "");
  const banner = lines.find((l) => BANNER.test(l.text.trim()));
  if (banner) {
    const version = BANNER.exec(banner.text.trim())![1]!;
    return doctorCheck("ldm-version-banner", "confirmed", `\`ldm -V\` banner "${banner.text.trim()}": Logical Domains Manager ${version}`, { notes: [`ldm version ${version}`] });
  }
  const first = lines[0];
  return doctorCheck("ldm-version-banner", "contradicted", "`ldm -V` printed no `Logical Domains Manager (v X)` line", {
    fix: "report the first lines of ldm-version.stdout: the banner form is new",
    ...(first ? { quote: { command: "ldm -V", line: first.line, text: first.text } } : {}),
  });
}

/** The listings printed with `-p`, in the order they are reported. */
export const PARSEABLE_IDS = ["list-l-p", "list-io-p", "list-io-l-p", "list-bindings-p", "list-services-p", "list-devices-a-p", "list-o-status-p"] as const;

/**
 * Every `-p` listing starts with `VERSION x.y` (evidence §6: 1.11, 1.6, 1.0 seen); any x.y is
 * read the same way. Contradicted: a listing with records but no VERSION line first, or a
 * VERSION value that is not x.y.
 */
export function parseableVersionCheck(outputs: DoctorOutputs): DoctorCheck {
  const seen: string[] = [];
  const notes: string[] = [];
  for (const id of PARSEABLE_IDS) {
    const text = okOutput(outputs, id);
    if (text === undefined) continue;
    const first = numbered(text).find((l) => l.text.trim() !== "");
    if (first === undefined) {
      notes.push(`\`${label(id)}\` printed nothing`);
      continue;
    }
    const m = /^VERSION\s+(\S+)$/.exec(first.text.trim());
    if (!m || !/^\d+\.\d+$/.test(m[1]!)) {
      return doctorCheck("parseable-version", "contradicted", `\`${label(id)}\` does not start with a \`VERSION x.y\` line`, {
        quote: { command: label(id), line: first.line, text: first.text },
        fix: "report this line: the parsers read -p listings from their VERSION line on",
      });
    }
    seen.push(`${label(id)} ${m[1]}`);
    if (!KNOWN_PARSEABLE_VERSIONS.includes(m[1]!)) notes.push(`VERSION ${m[1]} (\`${label(id)}\`) was not compared with the parsers yet`);
  }
  if (!seen.length) return doctorCheck("parseable-version", "not-observable", "no -p listing answered", { fix: "check that ldm runs for this account (see the ldm-access line)", notes });
  return doctorCheck("parseable-version", "confirmed", `VERSION lines: ${seen.join(", ")}`, { notes });
}
