// A cdktf app: `npx ldoms synth --app "tsx examples/migration-group/main.ts"` (or name it in cdktf.json).
import { runLdomsApp } from "../../src";
import { defineMigrationGroupExample } from "./stack";

runLdomsApp((app) => {
  defineMigrationGroupExample(app);
});
