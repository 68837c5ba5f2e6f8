import { randomBytes } from "node:crypto";
import { chownSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { ValidationError } from "../../model";
import type { LabState } from "../../lab/state";
import type { LabStateStore } from "../../lab/store";
import { type FileLockOptions, withFileLock } from "./file-lock";

/**
 * The lab's whole state in one JSON file shared by processes (the standalone `ldm` behind
 * sshd). Every update holds `<file>.lock` for one read-modify-write and replaces the file by an
 * atomic rename, so concurrent invocations never lose an update and readers never see half a
 * file (reads therefore take no lock).
 */
export class FileLabStore implements LabStateStore {
  constructor(
    readonly path: string,
    private readonly lockOptions: FileLockOptions = {},
  ) {}

  get lockPath(): string {
    return `${this.path}.lock`;
  }

  read<T>(fn: (state: LabState) => T): T {
    return fn(readLabStateFile(this.path));
  }

  update<T>(fn: (state: LabState) => T): T {
    return withFileLock(
      this.lockPath,
      () => {
        const state = readLabStateFile(this.path);
        const result = fn(state);
        writeLabStateFile(this.path, state);
        return result;
      },
      this.lockOptions,
    );
  }
}

const INIT_HINT = "write one with `ldoms lab init --config LAB.json --state FILE`";

export function readLabStateFile(path: string): LabState {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "does not exist" : code === "EACCES" ? "is not readable by this user" : `cannot be read (${code})`;
    throw new ValidationError(`lab state file ${path} ${reason}: ${INIT_HINT}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`lab state file ${path} is not valid JSON (${(error as Error).message}): ${INIT_HINT}`);
  }
  const candidate = parsed as Partial<LabState> | null;
  if (
    typeof candidate !== "object" ||
    candidate === null ||
    candidate.format !== 1 ||
    typeof candidate.machines !== "object" ||
    candidate.machines === null
  ) {
    throw new ValidationError(`lab state file ${path} is not a lab state (expected "format": 1 and "machines"): ${INIT_HINT}`);
  }
  return candidate as LabState;
}

/** Writes the state beside the file and renames it over, keeping the file's mode and owner. */
export function writeLabStateFile(path: string, state: LabState): void {
  let mode = 0o644;
  let owner: { uid: number; gid: number } | undefined;
  try {
    const stat = statSync(path);
    mode = stat.mode & 0o777;
    owner = { uid: stat.uid, gid: stat.gid };
  } catch {
    // new file
  }
  const temporary = `${path}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    writeFileSync(temporary, `${JSON.stringify(state)}\n`, { mode });
    // root (a test harness, an admin) must not take the file away from the account sshd runs as.
    if (owner && process.getuid?.() === 0) chownSync(temporary, owner.uid, owner.gid);
    renameSync(temporary, path);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // never created
    }
    throw error;
  }
}
