import { App } from "cdktf";
import { LdomsError } from "../model";

/**
 * Runs a cdktf app body and synthesizes it. A configuration mistake (any LdomsError, thrown at
 * the construct call site or by the tree rules) is printed as a plain message on stderr and the
 * process exit code set to 1, so `ldoms synth` and `cdktf synth` show it without a stack trace.
 */
export function runLdomsApp(build: (app: App) => void): void {
  try {
    const app = new App();
    build(app);
    app.synth();
  } catch (error) {
    if (!(error instanceof LdomsError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 1;
  }
}
