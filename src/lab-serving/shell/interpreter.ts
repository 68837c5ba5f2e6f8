import type { LdmInvocationResult } from "../../lab/api";
import { BUILTINS, type CommandIo } from "./builtins";
import { DEV_NULL, FileError, type ShellFiles, appendToFile, normalizePath, openForWrite } from "./filesystem";
import { parseCommandLine } from "./parse";
import { type Script, type SimpleCommand, type Word, ShellRefusal } from "./syntax";

/** The emulated programs a lab endpoint runs besides the builtins. */
export type LabTool = "ldm" | "dladm" | "ipadm" | "ipmpstat";

/** One lab machine's control domain, or one guest's own network view. */
export interface ShellEndpoint {
  readonly kind: "machine" | "guest";
  /** `uname -n`. */
  readonly hostname: string;
  /** `id -un`. */
  readonly user: string;
  readonly files: ShellFiles;
  /** Runs `tool argv...` (argv without the tool name); only tools of this endpoint's kind are asked for. */
  runTool(tool: LabTool, argv: readonly string[]): Promise<LdmInvocationResult>;
}

export interface ShellResult {
  readonly exitStatus: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Names (bare and absolute) under which each endpoint kind finds its tools. */
const TOOL_NAMES: Readonly<Record<ShellEndpoint["kind"], Readonly<Record<string, LabTool>>>> = {
  machine: { ldm: "ldm", "/usr/sbin/ldm": "ldm", "/opt/SUNWldm/bin/ldm": "ldm" },
  guest: {
    dladm: "dladm",
    "/usr/sbin/dladm": "dladm",
    ipadm: "ipadm",
    "/usr/sbin/ipadm": "ipadm",
    ipmpstat: "ipmpstat",
    "/usr/sbin/ipmpstat": "ipmpstat",
  },
};

/**
 * Runs one command line on a lab endpoint with `sh` semantics for the supported vocabulary.
 * A line that uses unsupported syntax runs nothing and returns 127 (or 2 for a syntax error);
 * an unknown command returns 127 for that command and the line goes on, as `sh` does.
 */
export async function runCommandLine(endpoint: ShellEndpoint, line: string): Promise<ShellResult> {
  let script: Script;
  try {
    script = parseCommandLine(line);
  } catch (error) {
    if (error instanceof ShellRefusal) return { exitStatus: error.exitStatus, stdout: "", stderr: `${error.message}\n` };
    throw error;
  }
  const output = { stdout: "", stderr: "" };
  let status = 0;
  for (const item of script.items) {
    if (item.connector === "&&" && status !== 0) continue;
    if (item.connector === "||" && status === 0) continue;
    const outcome = await runSimpleCommand(endpoint, item.command, status, output);
    status = outcome.status;
    if (outcome.exit) break;
  }
  return { exitStatus: status, stdout: output.stdout, stderr: output.stderr };
}

function expand(word: Word, lastStatus: number): string {
  return word.map((part) => (part.kind === "text" ? part.text : String(lastStatus))).join("");
}

type Sink = { readonly kind: "stdout" | "stderr" | "null" } | { readonly kind: "file"; readonly path: string };

async function runSimpleCommand(
  endpoint: ShellEndpoint,
  command: SimpleCommand,
  lastStatus: number,
  output: { stdout: string; stderr: string },
): Promise<{ status: number; exit: boolean }> {
  const fds: Record<1 | 2, Sink> = { 1: { kind: "stdout" }, 2: { kind: "stderr" } };
  const write = (fd: 1 | 2, text: string): void => {
    if (text === "") return;
    const sink = fds[fd];
    if (sink.kind === "stdout") output.stdout += text;
    else if (sink.kind === "stderr") output.stderr += text;
    else if (sink.kind === "file") endpoint.files.update((table) => appendToFile(table, sink.path, text));
  };

  for (const redirection of command.redirections) {
    if (redirection.kind === "duplicate") {
      fds[redirection.fd] = fds[redirection.to];
      continue;
    }
    const target = expand(redirection.target, lastStatus);
    const path = normalizePath(target);
    if (path === DEV_NULL) {
      fds[redirection.fd] = { kind: "null" };
      continue;
    }
    try {
      endpoint.files.update((table) => openForWrite(table, path, redirection.append));
    } catch (error) {
      if (!(error instanceof FileError)) throw error;
      write(2, `sh: ${target}: cannot create: ${error.reason}\n`);
      return { status: 1, exit: false };
    }
    fds[redirection.fd] = { kind: "file", path };
  }

  const words = command.words.map((word) => expand(word, lastStatus));
  if (words.length === 0) return { status: 0, exit: false };
  const [name, ...args] = words as [string, ...string[]];

  if (name === "exit") return exitBuiltin(args, lastStatus, (text) => write(2, text));

  const builtin = Object.prototype.hasOwnProperty.call(BUILTINS, name) ? BUILTINS[name] : undefined;
  if (builtin) {
    const io: CommandIo = {
      out: (text) => write(1, text),
      err: (text) => write(2, text),
      files: endpoint.files,
      hostname: endpoint.hostname,
      user: endpoint.user,
    };
    return { status: builtin(args, io), exit: false };
  }

  const tools = TOOL_NAMES[endpoint.kind];
  const viaPfexec = name === "pfexec";
  const toolName = viaPfexec ? args[0] : name;
  const tool = toolName !== undefined && Object.prototype.hasOwnProperty.call(tools, toolName) ? tools[toolName] : undefined;
  if (tool === undefined) {
    write(2, `sh: ${toolName ?? name}: not supported by the lab\n`);
    return { status: 127, exit: false };
  }
  const result = await endpoint.runTool(tool, viaPfexec ? args.slice(1) : args);
  write(1, result.stdout);
  write(2, result.stderr);
  return { status: result.exitCode, exit: false };
}

function exitBuiltin(args: readonly string[], lastStatus: number, err: (text: string) => void): { status: number; exit: boolean } {
  const arg = args[0];
  if (arg === undefined) return { status: lastStatus, exit: true };
  if (!/^[0-9]+$/.test(arg)) {
    err(`sh: exit: Illegal number: ${arg}\n`);
    return { status: 2, exit: true };
  }
  return { status: Number(arg) & 255, exit: true };
}
