/**
 * The small per-machine filesystem behind the shell builtins: enough for the engine's lock
 * directories and scratch files. Paths are absolute and normalized; `/` always exists and
 * `/dev/null` is a sink. Operations run on a table the caller got from an atomic store update,
 * so `mkdir` is check-and-create in one step: the engine's lock relies on that.
 */

export interface FileNode {
  readonly type: "dir" | "file";
  /** A file's bytes (text); absent means empty. */
  readonly content?: string;
}

/** Absolute normalized path -> node. `/` exists whether listed or not. */
export type FileTable = Record<string, FileNode>;

/** Where a machine's file table lives; `update` must be atomic (read-modify-write). */
export interface ShellFiles {
  read<T>(fn: (table: Readonly<FileTable>) => T): T;
  update<T>(fn: (table: FileTable) => T): T;
}

/** Directories every lab endpoint starts with. */
export const STANDARD_DIRECTORIES: readonly string[] = ["/var", "/var/tmp", "/tmp", "/var/run"];

export function standardFileTable(): FileTable {
  const table: FileTable = {};
  for (const dir of STANDARD_DIRECTORIES) table[dir] = { type: "dir" };
  return table;
}

/** A file table held in memory (guest endpoints, tests). */
export class MemoryShellFiles implements ShellFiles {
  private readonly table: FileTable;
  constructor(table: FileTable = standardFileTable()) {
    this.table = table;
  }
  read<T>(fn: (table: Readonly<FileTable>) => T): T {
    return fn(this.table);
  }
  update<T>(fn: (table: FileTable) => T): T {
    return fn(this.table);
  }
}

export const DEV_NULL = "/dev/null";

/** Resolves `path` against `/` (the lab's working directory): `.`/`..`, repeated and trailing slashes. */
export function normalizePath(path: string): string {
  const out: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") out.pop();
    else out.push(segment);
  }
  return `/${out.join("/")}`;
}

export function parentOf(path: string): string {
  const cut = path.lastIndexOf("/");
  return cut <= 0 ? "/" : path.slice(0, cut);
}

export type NodeKind = "dir" | "file" | "device" | null;

export function kindOf(table: Readonly<FileTable>, path: string): NodeKind {
  if (path === "/" || path === "/dev") return "dir";
  if (path === DEV_NULL) return "device";
  return table[path]?.type ?? null;
}

/** Failure of a filesystem operation: the POSIX reason text, e.g. `File exists`. */
export class FileError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = "FileError";
  }
}

function requireParentDirectory(table: Readonly<FileTable>, path: string): void {
  const parentKind = kindOf(table, parentOf(path));
  if (parentKind === null) throw new FileError("No such file or directory");
  if (parentKind !== "dir") throw new FileError("Not a directory");
}

export function makeDirectory(table: FileTable, path: string, parents: boolean): void {
  const kind = kindOf(table, path);
  if (kind !== null) {
    if (parents && kind === "dir") return;
    throw new FileError("File exists");
  }
  if (parents && kindOf(table, parentOf(path)) === null) makeDirectory(table, parentOf(path), true);
  requireParentDirectory(table, path);
  table[path] = { type: "dir" };
}

function children(table: Readonly<FileTable>, path: string): string[] {
  const prefix = path === "/" ? "/" : `${path}/`;
  return Object.keys(table).filter((p) => p.startsWith(prefix));
}

function isProtected(path: string): boolean {
  return path === "/" || path === "/dev" || path === DEV_NULL;
}

export function removeDirectory(table: FileTable, path: string): void {
  const kind = kindOf(table, path);
  if (kind === null) throw new FileError("No such file or directory");
  if (kind !== "dir") throw new FileError("Not a directory");
  if (isProtected(path)) throw new FileError("Device busy");
  if (children(table, path).length > 0) throw new FileError("Directory not empty");
  delete table[path];
}

export function removePath(table: FileTable, path: string, recursive: boolean): void {
  const kind = kindOf(table, path);
  if (kind === null) throw new FileError("No such file or directory");
  if (isProtected(path)) throw new FileError("Device busy");
  if (kind === "dir") {
    if (!recursive) throw new FileError("is a directory");
    for (const child of children(table, path)) delete table[child];
  }
  delete table[path];
}

export function readFile(table: Readonly<FileTable>, path: string): string {
  const node = kindOf(table, path);
  if (node === null) throw new FileError("No such file or directory");
  if (node === "dir") throw new FileError("Is a directory");
  if (node === "device") return "";
  return table[path]?.content ?? "";
}

/** Opens for writing as `>` (truncate) or `>>` (append) does: creates the file when missing. */
export function openForWrite(table: FileTable, path: string, append: boolean): void {
  const kind = kindOf(table, path);
  if (kind === "device") return;
  if (kind === "dir") throw new FileError("Is a directory");
  requireParentDirectory(table, path);
  if (kind === null || !append) table[path] = { type: "file", content: "" };
}

export function appendToFile(table: FileTable, path: string, text: string): void {
  const node = table[path];
  // Removed since it was opened: the data went to an unlinked file, as on a real system.
  if (node?.type !== "file") return;
  table[path] = { type: "file", content: (node.content ?? "") + text };
}

/**
 * `rename(2)` as `mv SOURCE TARGET` uses it: atomic in one table update; onto an existing
 * directory it moves SOURCE inside it, as POSIX `mv` does. The engine's lock release relies on
 * the rename being atomic.
 */
export function renamePath(table: FileTable, source: string, target: string): void {
  const kind = kindOf(table, source);
  if (kind === null) throw new FileError("No such file or directory");
  if (isProtected(source)) throw new FileError("Device busy");
  let destination = target;
  if (kindOf(table, target) === "dir") destination = target === "/" ? `/${source.split("/").pop()}` : `${target}/${source.split("/").pop()}`;
  if (destination === source) return;
  if (destination.startsWith(`${source}/`)) throw new FileError("Invalid argument");
  const existing = kindOf(table, destination);
  if (existing === "dir") throw new FileError(kind === "dir" ? "File exists" : "Is a directory");
  if (existing === "device") throw new FileError("Device busy");
  if (existing === "file" && kind === "dir") throw new FileError("Not a directory");
  requireParentDirectory(table, destination);
  const moved = kind === "dir" ? children(table, source) : [];
  table[destination] = table[source] as FileNode;
  delete table[source];
  for (const child of moved) {
    table[`${destination}${child.slice(source.length)}`] = table[child] as FileNode;
    delete table[child];
  }
}
