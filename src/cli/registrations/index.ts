/**
 * Every `ldoms` command's registration: its name, arguments, options and help, with nothing of its
 * implementation. Each registration loads its command's module (src/cli/commands) only when that
 * command runs, so `ldoms --version`, `--help` and `ldoms provider serve` start without the
 * engine, SSH, the schema validator or the lab. Add new commands to this list (the order is the
 * order of `ldoms --help`).
 */
import type { Command } from "commander";
import { register as registerDemo } from "./demo";
import { register as registerSynth } from "./synth";
import { register as registerPlan } from "./plan";
import { register as registerApply } from "./apply";
import { register as registerForceUnlock } from "./force-unlock";
import { register as registerLab } from "./lab";
import { register as registerMigrate } from "./migrate";
import { register as registerGraph } from "./graph";
import { register as registerDoctor } from "./doctor";
import { register as registerEvacuate } from "./evacuate";
import { register as registerStatus } from "./status";
import { register as registerProvider } from "./provider";

const registrations: ReadonlyArray<(program: Command) => void> = [registerSynth, registerDemo, registerPlan, registerApply, registerForceUnlock, registerLab, registerMigrate, registerEvacuate, registerGraph, registerDoctor, registerStatus, registerProvider];

export function registerCommands(program: Command): void {
  for (const register of registrations) register(program);
}
