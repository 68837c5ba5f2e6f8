/**
 * `ldm`'s command-line shape: options first (`-n max`, `-p`, `-o network`), then `key=value`
 * properties, then operands. Anything else is a usage error.
 */
import { LdmFailure } from "./failure";
import { usageLines } from "./synopsis";

export interface ParsedArgs {
  readonly flags: ReadonlySet<string>;
  readonly values: ReadonlyMap<string, string>;
  readonly props: readonly (readonly [string, string])[];
  readonly operands: readonly string[];
}

export interface ArgSpec {
  /** Options without a value, e.g. `-l`. */
  readonly flags?: readonly string[];
  /** Options taking a value, e.g. `-o`, `-n`. */
  readonly valued?: readonly string[];
  /** Whether `key=value` properties are accepted. */
  readonly props?: boolean;
  readonly minOperands: number;
  readonly maxOperands: number;
}

export function usageError(subcommand: string): LdmFailure {
  return new LdmFailure(usageLines(subcommand));
}

export function parseArgs(subcommand: string, argv: readonly string[], spec: ArgSpec): ParsedArgs {
  const flags = new Set<string>();
  const values = new Map<string, string>();
  const props: [string, string][] = [];
  const operands: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith("-") && a.length > 1 && operands.length === 0) {
      // `-lp` style bundles of flags are accepted as by getopt.
      const letters = a.startsWith("--") ? [a] : a.slice(1).split("").map((c) => `-${c}`);
      for (let j = 0; j < letters.length; j++) {
        const opt = letters[j]!;
        if (spec.flags?.includes(opt)) flags.add(opt);
        else if (spec.valued?.includes(opt)) {
          const rest = letters.slice(j + 1).map((x) => x.slice(1)).join("");
          const value = rest || argv[++i];
          if (value === undefined) throw usageError(subcommand);
          values.set(opt, value);
          break;
        } else throw usageError(subcommand);
      }
    } else if (spec.props && operands.length === 0 && /^[A-Za-z][A-Za-z0-9_-]*=/.test(a)) {
      const eq = a.indexOf("=");
      props.push([a.slice(0, eq), a.slice(eq + 1)]);
    } else operands.push(a);
  }
  if (operands.length < spec.minOperands || operands.length > spec.maxOperands) throw usageError(subcommand);
  return { flags, values, props, operands };
}
