/**
 * `ldm list -o status -p` during a migration: the engine polls its `progress=` key (ref §5.1
 * [I]; evidence §9: only the XML interface's vocabulary is known). Observable only while a
 * migration runs.
 */
import { MIGRATION_STATUS_PROGRESS_KEY } from "../../../ldm/assumptions";
import { doctorCheck, fieldsOf, numbered, okOutput, whyMissing, type DoctorCheck, type DoctorOutputs } from "./types";

const COMMAND = "ldm list -o status -p";

export function migrationStatusCheck(outputs: DoctorOutputs): DoctorCheck {
  const text = okOutput(outputs, "list-o-status-p");
  if (text === undefined) return doctorCheck("migration-status", "not-observable", whyMissing(outputs, "list-o-status-p", COMMAND));
  const lines = numbered(text);
  const status = lines.filter((l) => !l.text.startsWith("DOMAIN|") && !l.text.startsWith("VERSION") && l.text.trim() !== "" && !/^\|?$/.test(l.text));
  if (!status.length) {
    return doctorCheck("migration-status", "not-observable", "no migration in progress, so the status keys cannot be seen", {
      fix: "to check them, run doctor on the source control domain while a migration runs (ldoms migrate on another terminal)",
    });
  }
  const withProgress = status.find((l) => fieldsOf(l.text).some(([k]) => k === MIGRATION_STATUS_PROGRESS_KEY));
  if (withProgress) return doctorCheck("migration-status", "confirmed", `a migration's status shows ${MIGRATION_STATUS_PROGRESS_KEY}=`, { quote: { command: COMMAND, line: withProgress.line, text: withProgress.text } });
  return doctorCheck("migration-status", "contradicted", `a migration's status shows no ${MIGRATION_STATUS_PROGRESS_KEY}= key`, {
    quote: { command: COMMAND, line: status[0]!.line, text: status[0]!.text },
    fix: "report these lines: ldoms migrate reads the progress from this key",
  });
}
