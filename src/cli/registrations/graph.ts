/** `ldoms graph`: its arguments and options; the implementation (src/cli/commands/graph.ts) is loaded when it runs. */
import type { Command } from "commander";
import type { GraphCommandOptions } from "../commands/graph";
import { addEngineInputOptions, positiveInteger } from "../engine-options";
import { GRAPH_FORMATS } from "../graph-formats";

export function register(program: Command): void {
  addEngineInputOptions(program.command("graph").description("draw the topology: hosts, PFs, named VFs, domains, vnets, networks, IPMP pairs, migrations"))
    .option("--observed", "read every host once (as ldoms plan does) and mark drift, pending steps and what blocks a migration")
    .option("--format <format>", `picture format: ${GRAPH_FORMATS.join(", ")} (default svg)`)
    .option("--out <file>", "write the picture to this file instead of stdout")
    .option("--parallelism <n>", "hosts read at once with --observed (default 10)", positiveInteger("--parallelism"))
    .action(async (options: GraphCommandOptions) => {
      const { runGraph } = await import("../commands/graph");
      process.exitCode = await runGraph(options);
    });
}
