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

/**
 * Each subcommand lives in its own file under this folder and exports `register(program)`.
 * Add new commands to this list.
 */
const registrations: ReadonlyArray<(program: Command) => void> = [registerSynth, registerDemo, registerPlan, registerApply, registerForceUnlock, registerLab, registerMigrate, registerEvacuate, registerGraph, registerDoctor, registerStatus, registerProvider];

export function registerCommands(program: Command): void {
  for (const register of registrations) register(program);
}
