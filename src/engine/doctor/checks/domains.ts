/** `ldm` runs for the account; the control domain is listed; how DOMAIN flags are spelled. */
import { CONTROL_DOMAIN_NAME, SPELLED_FLAGS } from "../../../ldm/assumptions";
import { LdmParseError } from "../../../ldm/parse-error";
import { parseListDomains } from "../../../ldm/parse-list-domains";
import { doctorCheck, fieldsOf, firstLine, numbered, okOutput, whyMissing, type DoctorCheck, type DoctorOutputs } from "./types";
import { label } from "./version";

export interface AccessContext {
  readonly user?: string;
  readonly pfexec?: boolean;
  readonly ldmPath?: string;
}

const NOT_PERMITTED = /Authori[sz]ation failed|insufficient privileges|not authori[sz]ed|permission denied|not privileged/i;

/**
 * `ldm` is there and lets this account read the configuration. Missing (exit 127, `not found`)
 * or not permitted (`Authorization failed`, `insufficient privileges`) is contradicted, with the
 * rights profile to grant: "LDoms Review" suffices for plan and doctor.
 */
export function ldmAccessCheck(outputs: DoctorOutputs, context: AccessContext = {}): DoctorCheck {
  const ids = ["ldm-version", "list-l-p", "list-io-l-p"].filter((id) => outputs[id] !== undefined);
  if (!ids.length) return doctorCheck("ldm-access", "not-observable", "no ldm command was run");
  const ldm = `${context.pfexec ? "pfexec " : ""}${context.ldmPath ?? "ldm"}`;
  const who = context.user ?? "the account";
  for (const id of ids) {
    const o = outputs[id]!;
    const text = `${o.stderr}\n${o.stdout}`;
    if (o.exitStatus === 127 || (o.exitStatus !== 0 && /not found|No such file/i.test(text))) {
      return doctorCheck("ldm-access", "contradicted", `\`${ldm}\` was not found (\`${label(id)}\` exited ${o.exitStatus}: ${firstLine(text) || "no output"})`, {
        fix: "run doctor against the control domain; if ldm is not on the PATH of non-interactive SSH sessions set ldmPath (e.g. /usr/sbin/ldm) in the ControlDomain or the inventory",
      });
    }
    if (NOT_PERMITTED.test(o.stderr) || (o.exitStatus !== 0 && NOT_PERMITTED.test(o.stdout))) {
      return doctorCheck("ldm-access", "contradicted", `\`${ldm} ${label(id).replace(/^ldm /, "")}\` was refused: ${firstLine(NOT_PERMITTED.test(o.stderr) ? o.stderr : o.stdout)}`, {
        fix: `give ${who} the "LDoms Review" rights profile (enough for plan and doctor; "LDoms Management" for apply): usermod -P "LDoms Review" ${who}; ${context.pfexec ? "check that pfexec grants it (profiles " + who + ")" : "and set pfexec: true so ldm runs through pfexec"}`,
      });
    }
  }
  const failed = ids.filter((id) => outputs[id]!.exitStatus !== 0);
  if (failed.length) return doctorCheck("ldm-access", "not-observable", `${failed.map((id) => whyMissing(outputs, id, label(id))).join("; ")}`, { fix: "run the command by hand on the control domain and report its output" });
  return doctorCheck("ldm-access", "confirmed", `${ldm} runs and lists the configuration for ${who}`);
}

/** `ldm list -l -p` has a DOMAIN record of the control domain, flagged `control` (ref §2 [V]). */
export function controlDomainCheck(outputs: DoctorOutputs): DoctorCheck {
  const text = okOutput(outputs, "list-l-p");
  if (text === undefined) return doctorCheck("control-domain", "not-observable", whyMissing(outputs, "list-l-p", "ldm list -l -p"));
  try {
    parseListDomains(text);
  } catch (error) {
    if (!(error instanceof LdmParseError)) throw error;
    return doctorCheck("control-domain", "contradicted", `\`ldm list -l -p\` cannot be read: ${error.reason}`, {
      ...(error.lineNumber !== undefined ? { quote: { command: "ldm list -l -p", line: error.lineNumber, text: error.line ?? "" } } : {}),
      fix: "report this line: the engine reads domains from this listing",
    });
  }
  const record = numbered(text).find((l) => l.text.startsWith("DOMAIN|") && fieldsOf(l.text).some(([k, v]) => k === "name" && v === CONTROL_DOMAIN_NAME));
  if (!record) {
    return doctorCheck("control-domain", "contradicted", `\`ldm list -l -p\` has no DOMAIN record named ${CONTROL_DOMAIN_NAME}`, {
      fix: "run doctor against the control domain (where ldm runs); report the DOMAIN lines if this is one",
    });
  }
  const flags = fieldsOf(record.text).find(([k]) => k === "flags")?.[1] ?? "";
  const control = flags.split(",").includes(SPELLED_FLAGS.control) || /^.{3}c/.test(flags);
  if (!control) {
    return doctorCheck("control-domain", "contradicted", `${CONTROL_DOMAIN_NAME} is listed without the control flag (flags=${flags})`, {
      quote: { command: "ldm list -l -p", line: record.line, text: record.text },
    });
  }
  return doctorCheck("control-domain", "confirmed", `\`ldm list -l -p\` lists the control domain ${CONTROL_DOMAIN_NAME} (flags=${flags})`);
}

const LETTERS = /^(?=.*-)[-a-z]{5,6}$/;
const WORDS = new Set<string>(Object.values(SPELLED_FLAGS));

/**
 * DOMAIN flags are six letters (`-n-cv-`) or spelled out (`normal,control,vio-service`): the
 * parsers read both (evidence §3). Contradicted: a flag word the engine does not know, or
 * neither form.
 */
export function domainFlagsCheck(outputs: DoctorOutputs): DoctorCheck {
  const forms: string[] = [];
  for (const id of ["list-l-p", "list-bindings-p"]) {
    const text = okOutput(outputs, id);
    if (text === undefined) continue;
    const kinds = new Set<string>();
    for (const l of numbered(text).filter((x) => x.text.startsWith("DOMAIN|"))) {
      const flags = fieldsOf(l.text).find(([k]) => k === "flags")?.[1];
      if (flags === undefined || flags === "") continue;
      if (LETTERS.test(flags)) {
        kinds.add("letters");
        continue;
      }
      const unknown = flags.split(",").filter((w) => !WORDS.has(w));
      if (unknown.length) {
        return doctorCheck("domain-flags", "contradicted", `\`${label(id)}\`: flag word${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")} not known to the engine`, {
          quote: { command: label(id), line: l.line, text: l.text },
          fix: "report this line so the flag's meaning can be added (src/ldm/assumptions.ts SPELLED_FLAGS)",
        });
      }
      kinds.add("spelled out");
    }
    if (kinds.size) forms.push(`${label(id)}: ${[...kinds].join(" and ")}`);
  }
  if (!forms.length) return doctorCheck("domain-flags", "not-observable", "no DOMAIN record with flags was listed");
  return doctorCheck("domain-flags", "confirmed", `DOMAIN flags ${forms.join("; ")}`);
}
