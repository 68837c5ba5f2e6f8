/**
 * Mutating commands run under a journal on the host, inside the lock directory this run holds:
 * the exec creates `LOCK/x<seq>/` (only while the lock carries this run's marker), appends each
 * command's framed output and exit status to `out` and its stderr to `err`, writes `end` when the
 * chain is over, then prints both files. Under a real sshd a command whose channel was closed,
 * or whose connection dropped, keeps running; the journal is how the engine learns what became
 * of it without ever sending it twice:
 * - no journal directory: the command never started. The engine then creates the directory
 *   itself (`mkdir` is atomic), so a late start of the first exec finds it and runs nothing.
 * - the directory without `end`: still running. The engine polls until `end` appears.
 * - `end`: finished; `out` holds exactly what ran and how it ended.
 * Only the shell vocabulary of the lab is used (`&&`, `||`, `;`, `$?`, `>`, `>>`, `2>>`).
 */
import { shellQuote } from "../ldm/quote";
import type { HostSession } from "./host-session";
import { lockMarker } from "./lock";
import { batchCommandLine, DELIMITER, splitBatchOutput, type BatchSection } from "./read-batch";

export interface JournalPaths {
  readonly dir: string;
  readonly out: string;
  readonly err: string;
  readonly end: string;
}

export function journalPaths(lockDir: string, seq: number): JournalPaths {
  const dir = `${lockDir}/x${seq}`;
  return { dir, out: `${dir}/out`, err: `${dir}/err`, end: `${dir}/end` };
}

/**
 * One exec running `lines` in order under the journal: `s<i>` sections (as splitBatchOutput
 * reads them) with each command's status; the first failure stops the rest. `after` (a read,
 * e.g. a listing) runs once the chain is over and prints its own framed section.
 */
export function journaledCommandLine(lockDir: string, lockId: string, seq: number, lines: readonly string[], after?: string): string {
  const j = journalPaths(lockDir, seq);
  const out = shellQuote(j.out);
  const chain = lines
    .map((line, i) => `echo ${shellQuote(`${DELIMITER}begin s${i}`)} >> ${out} && ${line} >> ${out} 2>> ${shellQuote(j.err)} && echo ${shellQuote(`${DELIMITER}rc=0`)} >> ${out}`)
    .join(" && ");
  const guarded = `test -f ${shellQuote(lockMarker(lockDir, lockId))} && mkdir ${shellQuote(j.dir)} && ${chain} || echo "${DELIMITER}rc=$?" >> ${out}`;
  const report = `echo > ${shellQuote(j.end)}; cat ${out}; cat ${shellQuote(j.err)} 1>&2`;
  return `${guarded}; ${report}${after ? `; ${after}` : ""}`;
}

/** What the host's journal says of an exec whose outcome was lost. */
export type JournalState =
  /** It never started, and now never will (the engine claimed its journal directory). */
  | { readonly kind: "never-started" }
  /** It started and has not ended yet. */
  | { readonly kind: "running" }
  /** It ended: its sections, as the exec would have printed them. */
  | { readonly kind: "ended"; readonly sections: readonly BatchSection[]; readonly stderr: string }
  /** This run's lock is gone, so the journal cannot be trusted or claimed. */
  | { readonly kind: "lock-lost" };

/**
 * Reads (and, when the exec never started, claims) the journal of exec `seq`, in one idempotent
 * exec: retrying it after another lost connection gives the same answer.
 */
export async function readJournal(session: HostSession, lockDir: string, lockId: string, seq: number): Promise<JournalState> {
  const j = journalPaths(lockDir, seq);
  const parts = [
    { name: "held", commandLine: `test -f ${shellQuote(lockMarker(lockDir, lockId))}` },
    // Status 0 here means this read created the directory: the lost exec never started.
    { name: "claim", commandLine: `test -f ${shellQuote(lockMarker(lockDir, lockId))} && mkdir ${shellQuote(j.dir)} 2>/dev/null && echo > ${shellQuote(`${j.dir}/claimed`)}` },
    { name: "claimed", commandLine: `test -f ${shellQuote(`${j.dir}/claimed`)}` },
    { name: "end", commandLine: `test -f ${shellQuote(j.end)}` },
  ];
  // The journal's own framed sections cannot nest inside a framed part: they follow a mark, unframed.
  const tail = `echo ${shellQuote(JOURNAL_MARK)}; cat ${shellQuote(j.out)} 2>/dev/null; cat ${shellQuote(j.err)} 1>&2 2>/dev/null`;
  const result = await session.exec(`${batchCommandLine(parts)}; ${tail}`, "read");
  const cut = result.stdout.indexOf(`${JOURNAL_MARK}\n`);
  const head = cut < 0 ? result.stdout : result.stdout.slice(0, cut);
  const out = cut < 0 ? "" : result.stdout.slice(cut + JOURNAL_MARK.length + 1);
  const sections = new Map(splitBatchOutput(head).map((s) => [s.name, s]));
  const ok = (name: string) => sections.get(name)?.exitStatus === 0;
  if (!ok("held")) return { kind: "lock-lost" };
  if (ok("claimed")) return { kind: "never-started" };
  if (!ok("end")) return { kind: "running" };
  return { kind: "ended", sections: splitBatchOutput(out), stderr: result.stderr };
}

const JOURNAL_MARK = `${DELIMITER}journal`;
