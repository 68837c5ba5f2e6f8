import {
  FileError,
  type ShellFiles,
  kindOf,
  makeDirectory,
  normalizePath,
  readFile,
  removeDirectory,
  removePath,
  renamePath,
} from "./filesystem";

/** What a builtin sees: its two output streams (after redirection) and the endpoint. */
export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
  readonly files: ShellFiles;
  /** `uname -n`. */
  readonly hostname: string;
  /** `id -un`. */
  readonly user: string;
}

export type Builtin = (args: readonly string[], io: CommandIo) => number;

/** `uname` without options: the lab stands for Solaris control domains and guests. */
export const LAB_SYSTEM_NAME = "SunOS";

function unsupportedUsage(command: string, args: readonly string[], io: CommandIo): number {
  io.err(`${command}: ${args.join(" ")}: not supported by the lab\n`);
  return 2;
}

const echo: Builtin = (args, io) => {
  io.out(`${args.join(" ")}\n`);
  return 0;
};

/** POSIX printf restricted to `%s`, `%d`, `%%` and the escapes `\n`, `\t`, `\\`, `\0`. */
const printf: Builtin = (args, io) => {
  if (args.length === 0) {
    io.err("printf: usage: printf format [arguments]\n");
    return 2;
  }
  const [format, ...rest] = args as [string, ...string[]];
  let status = 0;
  let next = 0;
  let output = "";
  // The format is reused while arguments remain, as POSIX says; stop if a pass consumes none.
  do {
    const before = next;
    for (let i = 0; i < format.length; i += 1) {
      const c = format[i]!;
      if (c === "\\") {
        const e = format[i + 1];
        const escapes: Record<string, string> = { n: "\n", t: "\t", "\\": "\\", "0": "\0" };
        if (e !== undefined && e in escapes) {
          output += escapes[e];
          i += 1;
        } else {
          output += c;
        }
      } else if (c === "%") {
        const conversion = format[i + 1];
        i += 1;
        if (conversion === "%") {
          output += "%";
        } else if (conversion === "s") {
          output += rest[next++] ?? "";
        } else if (conversion === "d") {
          const value = rest[next++] ?? "0";
          if (/^[+-]?[0-9]+$/.test(value)) {
            output += String(Number.parseInt(value, 10));
          } else {
            io.err(`printf: ${value}: expected numeric value\n`);
            output += "0";
            status = 1;
          }
        } else {
          io.out(output);
          io.err(`printf: %${conversion ?? ""}: not supported by the lab\n`);
          return 1;
        }
      } else {
        output += c;
      }
    }
    if (next === before) break;
  } while (next < rest.length);
  io.out(output);
  return status;
};

function fileCommand(
  name: string,
  args: readonly string[],
  io: CommandIo,
  allowed: string,
  apply: (flags: Set<string>, operands: string[]) => number,
): number {
  const flags = new Set<string>();
  let index = 0;
  for (; index < args.length; index += 1) {
    const arg = args[index]!;
    if (arg === "--") {
      index += 1;
      break;
    }
    if (!arg.startsWith("-") || arg === "-") break;
    for (const flag of arg.slice(1)) {
      if (!allowed.includes(flag)) {
        io.err(`${name}: illegal option -- ${flag}\n`);
        return 2;
      }
      flags.add(flag);
    }
  }
  return apply(flags, args.slice(index));
}

function reportFileError(io: CommandIo, command: string, path: string, error: unknown): number {
  if (!(error instanceof FileError)) throw error;
  io.err(`${command}: ${path}: ${error.reason}\n`);
  return 1;
}

const mkdir: Builtin = (args, io) =>
  fileCommand("mkdir", args, io, "p", (flags, operands) => {
    if (operands.length === 0) {
      io.err("mkdir: missing operand\n");
      return 2;
    }
    let status = 0;
    for (const operand of operands) {
      try {
        io.files.update((table) => makeDirectory(table, normalizePath(operand), flags.has("p")));
      } catch (error) {
        status = reportFileError(io, "mkdir", operand, error);
      }
    }
    return status;
  });

const rmdir: Builtin = (args, io) =>
  fileCommand("rmdir", args, io, "", (_flags, operands) => {
    if (operands.length === 0) {
      io.err("rmdir: missing operand\n");
      return 2;
    }
    let status = 0;
    for (const operand of operands) {
      try {
        io.files.update((table) => removeDirectory(table, normalizePath(operand)));
      } catch (error) {
        status = reportFileError(io, "rmdir", operand, error);
      }
    }
    return status;
  });

const rm: Builtin = (args, io) =>
  fileCommand("rm", args, io, "frR", (flags, operands) => {
    const force = flags.has("f");
    const recursive = flags.has("r") || flags.has("R");
    if (operands.length === 0 && !force) {
      io.err("rm: missing operand\n");
      return 2;
    }
    let status = 0;
    for (const operand of operands) {
      try {
        io.files.update((table) => {
          const path = normalizePath(operand);
          if (force && kindOf(table, path) === null) return;
          removePath(table, path, recursive);
        });
      } catch (error) {
        status = reportFileError(io, "rm", operand, error);
      }
    }
    return status;
  });

const mv: Builtin = (args, io) =>
  fileCommand("mv", args, io, "f", (_flags, operands) => {
    if (operands.length !== 2) {
      io.err(operands.length < 2 ? "mv: missing operand\n" : "mv: more than two operands: not supported by the lab\n");
      return 2;
    }
    const [source, target] = operands as [string, string];
    try {
      io.files.update((table) => renamePath(table, normalizePath(source), normalizePath(target)));
      return 0;
    } catch (error) {
      return reportFileError(io, "mv", source, error);
    }
  });

const cat: Builtin = (args, io) => {
  if (args.length === 0 || args.includes("-")) {
    io.err("cat: reading standard input: not supported by the lab\n");
    return 2;
  }
  let status = 0;
  for (const operand of args) {
    try {
      io.out(io.files.read((table) => readFile(table, normalizePath(operand))));
    } catch (error) {
      status = reportFileError(io, "cat", operand, error);
    }
  }
  return status;
};

function testExpression(command: string, args: readonly string[], io: CommandIo): number {
  const [operator, path, ...extra] = args;
  const wanted = { "-d": ["dir"], "-f": ["file"], "-e": ["dir", "file", "device"] } as const;
  if (extra.length > 0 || path === undefined || operator === undefined || !(operator in wanted)) {
    return unsupportedUsage(command, args, io);
  }
  const kind = io.files.read((table) => kindOf(table, normalizePath(path)));
  return (wanted[operator as keyof typeof wanted] as readonly string[]).includes(kind ?? "") ? 0 : 1;
}

const test: Builtin = (args, io) => testExpression("test", args, io);

const bracket: Builtin = (args, io) => {
  if (args[args.length - 1] !== "]") {
    io.err("[: missing ]\n");
    return 2;
  }
  return testExpression("[", args.slice(0, -1), io);
};

const uname: Builtin = (args, io) => {
  if (args.length === 0 || (args.length === 1 && args[0] === "-s")) {
    io.out(`${LAB_SYSTEM_NAME}\n`);
    return 0;
  }
  if (args.length === 1 && args[0] === "-n") {
    io.out(`${io.hostname}\n`);
    return 0;
  }
  return unsupportedUsage("uname", args, io);
};

const id: Builtin = (args, io) => {
  const joined = args.join(" ");
  if (joined === "-un" || joined === "-nu" || joined === "-u -n" || joined === "-n -u") {
    io.out(`${io.user}\n`);
    return 0;
  }
  return unsupportedUsage("id", args, io);
};

/** Builtins by command name. `exit` is handled by the interpreter since it ends the line. */
export const BUILTINS: Readonly<Record<string, Builtin>> = {
  echo,
  printf,
  true: () => 0,
  false: () => 1,
  mkdir,
  rmdir,
  rm,
  mv,
  cat,
  test,
  "[": bracket,
  uname,
  id,
};
