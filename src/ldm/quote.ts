/**
 * POSIX shell quoting for every command line the engine sends. Each token is wrapped in single
 * quotes, inside which sh, bash and ksh93 give no character a special meaning; an embedded single
 * quote is written as `'\''` (close, escaped quote, reopen). Tokens are always quoted, even plain
 * words: a leading `name=value` word would otherwise be read as a variable assignment, and one
 * rule is easier to audit than a list of safe characters.
 */

/** One argument as a single-quoted shell word. The empty string becomes `''`. */
export function shellQuote(token: string): string {
  if (token.includes("\0")) {
    // A NUL cannot be passed in an argv entry at all; refusing is the only honest answer.
    throw new TypeError("shellQuote: a shell argument cannot contain a NUL character");
  }
  return `'${token.replace(/'/g, `'\\''`)}'`;
}

/** A full command line from an argv: every element quoted, separated by single spaces. */
export function commandLine(argv: readonly string[]): string {
  if (argv.length === 0) throw new TypeError("commandLine: argv must name a command");
  return argv.map(shellQuote).join(" ");
}

export interface LdmCommandLineOptions {
  /** Path or name of the `ldm` binary. Default `ldm` (found on PATH; often `/usr/sbin/ldm`). */
  readonly ldmPath?: string;
  /**
   * Run through `pfexec`, so that an account holding the "LDoms Review" or "LDoms Management"
   * rights profile gets those rights without being root. Default false.
   */
  readonly pfexec?: boolean;
}

/** `ldm` subcommand line, e.g. `ldmCommandLine(["list-io", "-p"])` gives `'ldm' 'list-io' '-p'`. */
export function ldmCommandLine(argv: readonly string[], options: LdmCommandLineOptions = {}): string {
  const ldm = options.ldmPath ?? "ldm";
  return commandLine(options.pfexec ? ["pfexec", ldm, ...argv] : [ldm, ...argv]);
}
