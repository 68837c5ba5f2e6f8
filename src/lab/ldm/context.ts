/**
 * What an `ldm` subcommand handler works on: the whole lab state (migration touches two
 * machines), the machine it runs on, the time, and its output.
 */
import type { LabState, MachineState } from "../state";

export interface LdmContext {
  readonly state: LabState;
  readonly machine: MachineState;
  readonly now: number;
  readonly out: string[];
  readonly err: string[];
}
