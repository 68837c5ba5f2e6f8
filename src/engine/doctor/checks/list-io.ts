/**
 * What the engine assumes about `ldm list-io -l -p` (and the human `list-io -l`): the record
 * field order, the class values, where a VF's user-assigned name shows, the property keys of
 * VFs and PFs.
 */
import { IO_CLASSES, LIST_IO_VF_NAME_KEY } from "../../../ldm/assumptions";
import { LdmParseError } from "../../../ldm/parse-error";
import { parseListIo, type ListIoDevice } from "../../../ldm/parse-list-io";
import { VF_PROPERTIES } from "../../../ldm/properties";
import { doctorCheck, fieldsOf, numbered, okOutput, whyMissing, type DoctorCheck, type DoctorOutputs, type QuotedLine } from "./types";

const LONG_P = "ldm list-io -l -p";
const RECORD_KEYS = ["dev", "alias", "status", "domain", "type", "class"] as const;

interface IoLine {
  readonly line: number;
  readonly text: string;
  readonly fields: [string, string][];
  /** The `type=` of the record this line starts or belongs to. */
  readonly recordType: string;
  /** The line starts a record (holds `type=`). */
  readonly starts: boolean;
}

/** The `|` lines of a `-p` list-io, each with the type of the record it belongs to. */
export function ioLines(text: string): IoLine[] {
  const out: IoLine[] = [];
  let recordType = "";
  for (const l of numbered(text)) {
    if (!l.text.startsWith("|")) continue;
    const fields = fieldsOf(l.text);
    const type = fields.find(([k]) => k === "type")?.[1];
    if (type !== undefined) recordType = type;
    out.push({ line: l.line, text: l.text, fields, recordType, starts: type !== undefined });
  }
  return out;
}

function quote(l: { line: number; text: string }): QuotedLine {
  return { command: LONG_P, line: l.line, text: l.text };
}

/** The devices of `list-io -l -p`, or the check saying why they cannot be read. */
export function readDevices(outputs: DoctorOutputs, assumption: string): ListIoDevice[] | DoctorCheck {
  const text = okOutput(outputs, "list-io-l-p");
  if (text === undefined) return doctorCheck(assumption, "not-observable", whyMissing(outputs, "list-io-l-p", LONG_P));
  try {
    return parseListIo(text);
  } catch (error) {
    if (!(error instanceof LdmParseError)) throw error;
    return doctorCheck(assumption, "contradicted", `\`${LONG_P}\` cannot be read: ${error.reason}`, {
      ...(error.lineNumber !== undefined ? { quote: quote({ line: error.lineNumber, text: error.line ?? "" }) } : {}),
      fix: "report this line: the engine reads devices from this listing",
    });
  }
}

/** PF/VF records start with dev, alias, status, domain, type, class (evidence: confirmed by position). */
export function recordFieldOrderCheck(outputs: DoctorOutputs): DoctorCheck {
  const text = okOutput(outputs, "list-io-l-p");
  if (text === undefined) return doctorCheck("list-io-record-fields", "not-observable", whyMissing(outputs, "list-io-l-p", LONG_P));
  const records = ioLines(text).filter((l) => l.starts && (l.recordType === "PF" || l.recordType === "VF"));
  if (!records.length) return doctorCheck("list-io-record-fields", "not-observable", `\`${LONG_P}\` lists no PF or VF`, { fix: "nothing to do unless the host has SR-IOV cards" });
  for (const r of records) {
    const keys = r.fields.slice(0, RECORD_KEYS.length).map(([k]) => k);
    if (RECORD_KEYS.some((k, i) => keys[i] !== k)) {
      return doctorCheck("list-io-record-fields", "contradicted", `a ${r.recordType} record's first fields are ${keys.join(", ")}, not ${RECORD_KEYS.join(", ")}`, {
        quote: quote(r),
        fix: "report this line: the parsers read by key and cope, but tools reading by position (and the lab) assume this order",
      });
    }
  }
  return doctorCheck("list-io-record-fields", "confirmed", `${records.length} PF/VF record(s) start with ${RECORD_KEYS.join(", ")}`);
}

const CLASSES = new Set<string>(Object.values(IO_CLASSES));

/** `class=` on PF/VF records is NETWORK, FIBRECHANNEL or INFINIBAND (ref §3.3 [V-code]). */
export function classValuesCheck(outputs: DoctorOutputs): DoctorCheck {
  const text = okOutput(outputs, "list-io-l-p");
  if (text === undefined) return doctorCheck("list-io-class-values", "not-observable", whyMissing(outputs, "list-io-l-p", LONG_P));
  const seen = new Set<string>();
  for (const l of ioLines(text).filter((x) => x.starts && (x.recordType === "PF" || x.recordType === "VF"))) {
    const value = l.fields.find(([k]) => k === "class")?.[1];
    if (value === undefined || value === "") continue;
    if (!CLASSES.has(value)) {
      return doctorCheck("list-io-class-values", "contradicted", `class=${value} is not one of ${[...CLASSES].join(", ")}`, { quote: quote(l), fix: "report this line: VFs of this class are not understood" });
    }
    seen.add(value);
  }
  if (!seen.size) return doctorCheck("list-io-class-values", "not-observable", `\`${LONG_P}\` shows no class= value (no PF or VF)`);
  return doctorCheck("list-io-class-values", "confirmed", `class values seen: ${[...seen].sort().join(", ")}`);
}

/** Human `list-io -l` lines `name = X` under VF rows. */
function humanVfNames(text: string | undefined): { line: number; text: string; name: string }[] {
  if (text === undefined) return [];
  const found: { line: number; text: string; name: string }[] = [];
  let inVf = false;
  for (const l of numbered(text)) {
    if (/^\S/.test(l.text) && !l.text.startsWith("[")) inVf = /^\S+\s+VF(\s|$)/.test(l.text);
    const m = /^\s+name\s*=\s*(\S.*)$/.exec(l.text);
    if (inVf && m) found.push({ line: l.line, text: l.text, name: m[1]!.trim() });
  }
  return found;
}

const NAME_ONE = "create one with `ldm create-vf name=test <pf>` (or name an unassigned VF with `ldm set-io name=test <vf>`) and run doctor again";

/**
 * Where a VF's user-assigned name shows: `name=` on the VF record (what the lab prints), on a
 * property line below it (the parser reads it there too), only in the human `list-io -l`
 * (`name = X`: the engine, which reads `-l -p`, cannot see it), or nowhere.
 */
export function vfNameLocationCheck(outputs: DoctorOutputs): DoctorCheck {
  const text = okOutput(outputs, "list-io-l-p");
  if (text === undefined) return doctorCheck("vf-name-location", "not-observable", whyMissing(outputs, "list-io-l-p", LONG_P));
  const vfLines = ioLines(text).filter((l) => l.recordType === "VF");
  const human = humanVfNames(okOutput(outputs, "list-io-l"));
  if (!vfLines.some((l) => l.starts)) return doctorCheck("vf-name-location", "not-observable", `no VF on this host: ${NAME_ONE}`);
  const named = (l: IoLine) => l.fields.some(([k, v]) => k === LIST_IO_VF_NAME_KEY && v !== "");
  const onRecord = vfLines.find((l) => l.starts && named(l));
  const onProperty = vfLines.find((l) => !l.starts && named(l));
  const notes = human.length ? [`human \`ldm list-io -l\` shows it too: "${human[0]!.text.trim()}" (line ${human[0]!.line})`] : [];
  if (onRecord) return doctorCheck("vf-name-location", "confirmed", `the VF name shows as ${LIST_IO_VF_NAME_KEY}= on the VF record of \`${LONG_P}\``, { quote: quote(onRecord), notes });
  if (onProperty) {
    return doctorCheck("vf-name-location", "confirmed", `the VF name shows as ${LIST_IO_VF_NAME_KEY}= on a property line below the VF record of \`${LONG_P}\` (read there too; the lab prints it on the record)`, {
      quote: quote(onProperty),
      notes,
    });
  }
  if (human.length) {
    return doctorCheck("vf-name-location", "contradicted", `the VF name shows only in the human \`ldm list-io -l\` (\`name = ${human[0]!.name}\`), not in \`${LONG_P}\`, which the engine reads`, {
      quote: { command: "ldm list-io -l", line: human[0]!.line, text: human[0]!.text },
      fix: "report this bundle: the engine refuses to plan VF names until it reads them from this host's listings",
    });
  }
  const hasField = vfLines.some((l) => l.fields.some(([k]) => k === LIST_IO_VF_NAME_KEY));
  return doctorCheck(
    "vf-name-location",
    "not-observable",
    hasField ? `no named VF yet (the VF records carry an empty ${LIST_IO_VF_NAME_KEY}=): ${NAME_ONE}` : `VFs exist but no listing shows a name for any of them (no ${LIST_IO_VF_NAME_KEY}= field, no \`name =\` line): if none is named, ${NAME_ONE}; if one is, the name shows nowhere and the engine cannot work on this host: report this bundle`,
  );
}

/**
 * Ethernet VFs list the property keys the catalogue reads back (`listedAs` in
 * src/ldm/properties.ts), PFs list `maxvfs` (ref §3.3 [V-code]).
 */
export function vfPropertyKeysCheck(outputs: DoctorOutputs): DoctorCheck {
  const devices = readDevices(outputs, "vf-property-keys");
  if (!Array.isArray(devices)) return devices;
  const text = okOutput(outputs, "list-io-l-p")!;
  const recordLine = (d: ListIoDevice) => ioLines(text).find((l) => l.starts && l.fields.some(([k, v]) => k === "alias" && v === d.name));
  const expected = Object.values(VF_PROPERTIES).map((s) => s.listedAs);
  const pfs = devices.filter((d) => d.type === "PF");
  const pfMissing = pfs.find((d) => !("maxvfs" in d.properties));
  if (pfMissing) {
    const l = recordLine(pfMissing);
    return doctorCheck("vf-property-keys", "contradicted", `PF ${pfMissing.name} shows no maxvfs=`, { ...(l ? { quote: quote(l) } : {}), fix: "report this PF's lines" });
  }
  const vfs = devices.filter((d) => d.type === "VF" && d.class === IO_CLASSES.ethernet);
  if (!vfs.length) {
    return doctorCheck("vf-property-keys", "not-observable", `no Ethernet VF to read property keys from${pfs.length ? ` (${pfs.length} PF(s) show maxvfs=)` : ""}: ${NAME_ONE}`);
  }
  for (const vf of vfs) {
    const missing = expected.filter((k) => !(k in vf.properties));
    if (missing.length) {
      const l = recordLine(vf);
      return doctorCheck("vf-property-keys", "contradicted", `Ethernet VF ${vf.name} shows no ${missing.join(", ")} (keys seen: ${Object.keys(vf.properties).join(", ") || "none"})`, {
        ...(l ? { quote: quote(l) } : {}),
        fix: "report this VF's lines: the engine reads these properties back by these keys (listedPropertyKey in src/ldm/assumptions.ts)",
      });
    }
  }
  return doctorCheck("vf-property-keys", "confirmed", `${vfs.length} Ethernet VF(s) show ${expected.join(", ")}; ${pfs.length} PF(s) show maxvfs`);
}
