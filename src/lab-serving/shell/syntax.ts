/**
 * The parsed form of a lab command line: a flat list of simple commands joined by `;`, `&&` or
 * `||`. POSIX and-or lists are left-associative with equal precedence, so a flat list evaluated
 * left to right has exactly `sh`'s meaning.
 */

/** A piece of a word: literal text, or the `$?` expansion (status of the previous command). */
export type WordPart = { readonly kind: "text"; readonly text: string } | { readonly kind: "status" };

export type Word = readonly WordPart[];

/** `[fd]> target`, `[fd]>> target` or `[fd]>&fd`. */
export type Redirection =
  | { readonly kind: "file"; readonly fd: 1 | 2; readonly append: boolean; readonly target: Word }
  | { readonly kind: "duplicate"; readonly fd: 1 | 2; readonly to: 1 | 2 };

export interface SimpleCommand {
  readonly words: readonly Word[];
  readonly redirections: readonly Redirection[];
}

export type Connector = ";" | "&&" | "||";

export interface ScriptItem {
  /** How this command joins the previous one; `;` for the first. */
  readonly connector: Connector;
  readonly command: SimpleCommand;
}

export interface Script {
  readonly items: readonly ScriptItem[];
}

/**
 * A command line the lab will not run at all (nothing of it is executed): unsupported shell
 * syntax (status 127, `sh: <word>: not supported by the lab`) or a syntax error (status 2).
 */
export class ShellRefusal extends Error {
  constructor(message: string, readonly exitStatus: number) {
    super(message);
    this.name = "ShellRefusal";
  }
}

export function notSupported(word: string): ShellRefusal {
  return new ShellRefusal(`sh: ${word}: not supported by the lab`, 127);
}

export function syntaxError(detail: string): ShellRefusal {
  return new ShellRefusal(`sh: syntax error: ${detail}`, 2);
}
