import type { Command } from "commander";

/**
 * Each subcommand lives in its own file under this folder and exports `register(program)`.
 * Add new commands to this list.
 */
const registrations: ReadonlyArray<(program: Command) => void> = [];

export function registerCommands(program: Command): void {
  for (const register of registrations) register(program);
}
