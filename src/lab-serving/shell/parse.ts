import {
  type Connector,
  type Redirection,
  type Script,
  type ScriptItem,
  type SimpleCommand,
  type Word,
  type WordPart,
  notSupported,
  syntaxError,
} from "./syntax";

/**
 * Parses one command line of the lab's shell vocabulary (docs/lab-serving.md): POSIX quoting,
 * `;` `&&` `||` and newlines, `[1|2]>` `>>` `>&` redirections and the `$?` expansion. Anything
 * else that `sh` would treat specially (pipes, `&`, `<`, subshells, other `$` expansions,
 * command substitution, globbing, `~`, comments) throws a `ShellRefusal` before any command
 * runs, so a line the lab cannot honour exactly is never half executed.
 */
export function parseCommandLine(line: string): Script {
  return assemble(scan(line));
}

type Token =
  | { readonly type: "word"; readonly word: Word }
  | { readonly type: "redirect"; readonly fd: 1 | 2; readonly op: ">" | ">>" | ">&" }
  | { readonly type: "operator"; readonly op: ";" | "&&" | "||" }
  | { readonly type: "newline" };

const NAME_START = /[A-Za-z0-9_{(@*#!$-]/;

function scan(line: string): Token[] {
  const tokens: Token[] = [];
  let parts: WordPart[] | null = null;
  let text = "";
  let wordStart = 0;
  let unquotedDigitsOnly = true;
  let unquotedBracket = false;
  let i = 0;

  const startWord = (): WordPart[] => {
    if (parts === null) {
      parts = [];
      text = "";
      wordStart = i;
      unquotedDigitsOnly = true;
      unquotedBracket = false;
    }
    return parts;
  };
  const addText = (s: string, quoted: boolean): void => {
    startWord();
    text += s;
    if (quoted || !/^[0-9]*$/.test(s)) unquotedDigitsOnly = false;
  };
  const addStatus = (): void => {
    const p = startWord();
    if (text) p.push({ kind: "text", text });
    text = "";
    p.push({ kind: "status" });
    unquotedDigitsOnly = false;
  };
  const endWord = (): void => {
    if (parts === null) return;
    if (text) parts.push({ kind: "text", text });
    const raw = line.slice(wordStart, i);
    // `[` opens a glob pattern when a later `]` follows in the same word; alone it is `test`.
    if (unquotedBracket && raw !== "[") throw notSupported(raw);
    tokens.push({ type: "word", word: parts });
    parts = null;
    text = "";
  };
  /** `$` at position i (inside or outside double quotes): `$?`, a literal `$`, or a refusal. */
  const dollar = (quoted: boolean): void => {
    const next = line[i + 1];
    if (next === "?") {
      addStatus();
      i += 2;
      return;
    }
    if (next !== undefined && NAME_START.test(next)) {
      const rest = line.slice(i).match(/^\$(\{[^}]*\}?|\(|[A-Za-z_][A-Za-z0-9_]*|.)/);
      throw notSupported(rest ? rest[0] : "$");
    }
    addText("$", quoted);
    i += 1;
  };

  while (i < line.length) {
    const c = line[i]!;
    if (c === " " || c === "\t") {
      endWord();
      i += 1;
    } else if (c === "\n") {
      endWord();
      tokens.push({ type: "newline" });
      i += 1;
    } else if (c === "'") {
      startWord();
      const close = line.indexOf("'", i + 1);
      if (close < 0) throw syntaxError("unterminated quoted string");
      addText(line.slice(i + 1, close), true);
      i = close + 1;
    } else if (c === '"') {
      startWord();
      i += 1;
      for (;;) {
        if (i >= line.length) throw syntaxError("unterminated quoted string");
        const d = line[i]!;
        if (d === '"') {
          i += 1;
          break;
        }
        if (d === "\\") {
          const e = line[i + 1];
          if (e === "$" || e === "`" || e === '"' || e === "\\") {
            addText(e, true);
            i += 2;
          } else if (e === "\n") {
            i += 2;
          } else {
            addText("\\", true);
            i += 1;
          }
        } else if (d === "$") {
          dollar(true);
        } else if (d === "`") {
          throw notSupported("`");
        } else {
          addText(d, true);
          i += 1;
        }
      }
    } else if (c === "\\") {
      const e = line[i + 1];
      if (e === undefined) {
        addText("\\", true);
        i += 1;
      } else if (e === "\n") {
        i += 2; // line continuation
      } else {
        addText(e, true);
        i += 2;
      }
    } else if (c === "$") {
      dollar(false);
    } else if (c === ";") {
      endWord();
      if (line[i + 1] === ";") throw syntaxError("unexpected ';;'");
      tokens.push({ type: "operator", op: ";" });
      i += 1;
    } else if (c === "&") {
      endWord();
      if (line[i + 1] !== "&") throw notSupported("&");
      tokens.push({ type: "operator", op: "&&" });
      i += 2;
    } else if (c === "|") {
      endWord();
      if (line[i + 1] !== "|") throw notSupported("|");
      tokens.push({ type: "operator", op: "||" });
      i += 2;
    } else if (c === ">") {
      let fd: 1 | 2 = 1;
      const current = parts as WordPart[] | null;
      if (current !== null && unquotedDigitsOnly) {
        const digits = line.slice(wordStart, i);
        if (digits !== "1" && digits !== "2") throw notSupported(`${digits}>`);
        fd = digits === "1" ? 1 : 2;
        parts = null;
        text = "";
      } else {
        endWord();
      }
      const after = line[i + 1];
      if (after === ">") {
        tokens.push({ type: "redirect", fd, op: ">>" });
        i += 2;
      } else if (after === "&") {
        tokens.push({ type: "redirect", fd, op: ">&" });
        i += 2;
      } else if (after === "|") {
        throw notSupported(">|");
      } else {
        tokens.push({ type: "redirect", fd, op: ">" });
        i += 1;
      }
    } else if (c === "<" || c === "(" || c === ")" || c === "`") {
      throw notSupported(c);
    } else {
      const atWordStart = parts === null;
      if (c === "*" || c === "?") throw notSupported(globWord(line, i));
      if (atWordStart && (c === "~" || c === "#")) throw notSupported(c);
      if (c === "[") {
        startWord();
        unquotedBracket = true;
      }
      addText(c, false);
      i += 1;
    }
  }
  endWord();
  return tokens;
}

/** The whitespace-delimited stretch around a glob character, for the refusal message. */
function globWord(line: string, at: number): string {
  let start = at;
  while (start > 0 && !/[\s;&|<>]/.test(line[start - 1]!)) start -= 1;
  let end = at;
  while (end < line.length && !/[\s;&|<>]/.test(line[end]!)) end += 1;
  return line.slice(start, end);
}

function assemble(tokens: readonly Token[]): Script {
  const items: ScriptItem[] = [];
  let connector: Connector = ";";
  let words: Word[] = [];
  let redirections: Redirection[] = [];
  let pending: { fd: 1 | 2; op: ">" | ">>" | ">&" } | null = null;
  let awaitingCommand = false; // after && or ||: a command must follow

  const finish = (): void => {
    const command: SimpleCommand = { words, redirections };
    items.push({ connector, command });
    words = [];
    redirections = [];
    awaitingCommand = false;
  };
  const empty = (): boolean => words.length === 0 && redirections.length === 0;

  for (const token of tokens) {
    if (token.type === "word") {
      if (pending) {
        redirections.push(redirectionTo(pending, token.word));
        pending = null;
      } else {
        words.push(token.word);
      }
      continue;
    }
    if (pending) throw syntaxError(`missing file name after '${pending.op}'`);
    if (token.type === "redirect") {
      pending = { fd: token.fd, op: token.op };
    } else if (token.type === "newline") {
      if (!empty()) {
        finish();
        connector = ";";
      }
    } else {
      if (empty()) throw syntaxError(`unexpected '${token.op}'`);
      finish();
      connector = token.op;
      awaitingCommand = token.op !== ";";
    }
  }
  if (pending) throw syntaxError(`missing file name after '${(pending as { op: string }).op}'`);
  if (!empty()) finish();
  else if (awaitingCommand) throw syntaxError(`unexpected end of command line after '${connector}'`);
  return { items };
}

function redirectionTo(pending: { fd: 1 | 2; op: ">" | ">>" | ">&" }, target: Word): Redirection {
  if (pending.op !== ">&") return { kind: "file", fd: pending.fd, append: pending.op === ">>", target };
  const literal = target.length === 1 && target[0]!.kind === "text" ? target[0]!.text : null;
  if (literal !== "1" && literal !== "2") throw notSupported(`>&${literal ?? "$?"}`);
  return { kind: "duplicate", fd: pending.fd, to: literal === "1" ? 1 : 2 };
}
