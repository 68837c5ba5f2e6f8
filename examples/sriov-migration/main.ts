// The cdktf app named in cdktf.json: `npx ldoms synth` (or `npx cdktf synth`) runs it.
import { runLdomsApp } from "../../src";
import { defineSriovMigrationExample } from "./stack";

runLdomsApp((app) => {
  defineSriovMigrationExample(app);
});
