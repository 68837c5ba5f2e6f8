// One line per benchmark suite; each suite file exports `run(): Promise<object>` (its figures).
import { registerSuite } from "./run";

void registerSuite;
