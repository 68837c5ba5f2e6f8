/**
 * The options of the engine commands and their value parsers: commander definitions only, so the
 * command registrations (src/cli/registrations) can use them without loading the engine.
 */
import type { Command } from "commander";
import { ValidationError } from "../model/errors";

/** Comma lists and repeated options both work: `--host a,b --host c`. */
export function collectList(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(",").map((v) => v.trim()).filter(Boolean)];
}

/**
 * Options every engine command shares. `--host` is left out where a subset of hosts makes no
 * sense (a migration always involves its source and its target).
 */
export function addEngineInputOptions(command: Command, { hostFilter = true }: { hostFilter?: boolean } = {}): Command {
  if (hostFilter) command.option("--host <id>", "only this host (repeat or comma-separate for several)", collectList);
  return command
    .option("--stack <name>", "stack to use when the app has several")
    .option("--inventory <file>", "inventory JSON overriding connections per host id (default: $LDOMS_INVENTORY)")
    .option("--skip-synth", "use the plan document already in cdktf.out instead of synthesizing first")
    .option("--plan-document <file>", "use this ldoms.plan.json (no synthesis)")
    .option("--trust-on-first-use", "accept and report the host key of a host nothing pins yet")
    .option("--connect-timeout <ms>", "SSH connect timeout in milliseconds", positiveInteger("--connect-timeout"))
    .option("--read-timeout <ms>", "limit of each read (ldm listings, lock handling) in milliseconds (default 120000)", positiveInteger("--read-timeout"))
    .option("--command-timeout <ms>", "limit of each command that changes a host in milliseconds (default 600000); alone, it limits reads too", positiveInteger("--command-timeout"))
    .option("--max-output <bytes>", "most bytes of output kept per stream of one command (default 16777216, 16 MiB)", positiveInteger("--max-output"));
}

/** `--lock-timeout <ms>`: how long apply and migrate wait for another run's lock (0: not at all). */
export const LOCK_TIMEOUT_OPTION = ["--lock-timeout <ms>", "wait this long (milliseconds) for another run's lock on a host to go before giving up (default 0: give up at once)"] as const;

export function nonNegativeInteger(flag: string): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isInteger(n) || n < 0) throw new ValidationError(`${flag} must be a whole number of milliseconds, 0 or more (got "${value}")`);
    return n;
  };
}

export function positiveInteger(flag: string): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new ValidationError(`${flag} must be a positive integer (got "${value}")`);
    return n;
  };
}
