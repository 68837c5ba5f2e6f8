// Runs the standalone lab `ldm` from source (`node node_modules/tsx/dist/cli.mjs .../cli-entry.ts`),
// for tests and development without a build; the package's bin uses the built main.js.
import { main } from "./main";

void main(process.argv.slice(2));
