import { loadLabDefinitionFile } from "../../lab/definition";
import { Lab } from "../../lab/lab";
import { DEFAULT_LAB_FILE } from "../../lab/paths";

/** A fresh in-memory lab from a definition file (default: the package's two-machine lab). */
export function openLabFromFile(configFile: string = DEFAULT_LAB_FILE): Lab {
  return Lab.fromDefinition(loadLabDefinitionFile(configFile));
}
