/** `ldoms force-unlock`: its arguments and options; the implementation (src/cli/commands/force-unlock.ts) is loaded when it runs. */
import type { Command } from "commander";
import type { EngineInputOptions } from "../engine-input";
import { addEngineInputOptions } from "../engine-options";

export function register(program: Command): void {
  addEngineInputOptions(
    program
      .command("force-unlock")
      .argument("<host>", "host id whose lock to release")
      .argument("<lock-id>", "the lock id that apply reported")
      .description("release the apply lock a killed run left on a control domain"),
  ).action(async (host: string, lockId: string, options: EngineInputOptions) => {
    const { runForceUnlock } = await import("../commands/force-unlock");
    process.exitCode = await runForceUnlock(host, lockId, options);
  });
}
