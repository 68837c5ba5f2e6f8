/**
 * `ldoms graph`: the topology picture of the plan document (control domains, PFs, named VFs,
 * guest domains, vnets and switches, networks, IPMP pairs, migrations); with --observed, marked
 * with what the hosts show (one read per host, the read `ldoms plan` makes): drift, pending
 * steps, and what blocks a migration. SVG (Graphviz in WebAssembly, in this process), DOT or
 * Mermaid, on stdout or into a file.
 */
import { writeFileSync, renameSync } from "node:fs";
import { dirname, join, basename, resolve } from "node:path";
import { ValidationError } from "../../model";
import { documentHosts, migrationAwareness, planHosts } from "../../engine";
import type { PlanDocument } from "../../model";
import type { MigrationReport } from "../../engine/migration";
import { declaredTopology, documentForHosts, migrationPicture, observedHostsFromPlanRun, observedTopology, toDot, toMermaid, toSvg, type TopologyGraph } from "../../graph";
import { engineTimeouts, resolveEngineInput, sshConnect, withInventoryDefault, type EngineInputOptions } from "../engine-input";
import { progressFor } from "../render/progress";
import { defaultIo, type CommandIo } from "./plan";

import { GRAPH_FORMATS, type GraphFormat } from "../graph-formats";
export { GRAPH_FORMATS, type GraphFormat } from "../graph-formats";

export interface GraphCommandOptions extends EngineInputOptions {
  readonly observed?: boolean;
  readonly format?: string;
  readonly out?: string;
  readonly parallelism?: number;
}

export function graphFormat(value: string | undefined): GraphFormat {
  const format = value ?? "svg";
  if ((GRAPH_FORMATS as readonly string[]).includes(format)) return format as GraphFormat;
  throw new ValidationError(`--format ${JSON.stringify(format)} is not a picture format ldoms graph writes; use one of: ${GRAPH_FORMATS.join(", ")}`);
}

/** The picture in one format. */
export async function renderGraph(graph: TopologyGraph, format: GraphFormat): Promise<string> {
  switch (format) {
    case "dot":
      return toDot(graph);
    case "mermaid":
      return toMermaid(graph);
    case "svg":
      return toSvg(graph);
  }
}

/** Writes a file whole or not at all (a temporary file renamed over it). */
export function writeFileAtomically(file: string, text: string): void {
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}

/** The format a picture file's name asks for: `.dot` DOT, `.mmd` Mermaid, anything else SVG. */
export function formatOfFile(file: string): GraphFormat {
  return file.endsWith(".dot") || file.endsWith(".gv") ? "dot" : file.endsWith(".mmd") ? "mermaid" : "svg";
}

/** `ldoms migrate --picture FILE`: the before/after picture of the migration, from its report. */
export async function writeMigrationPicture(document: PlanDocument, report: MigrationReport, file: string, io: Pick<CommandIo, "cwd" | "stderr">): Promise<void> {
  writeFileAtomically(resolve(io.cwd, file), await renderGraph(migrationPicture(document, report), formatOfFile(file)));
  io.stderr.write(`Wrote the picture of migration ${report.migration} to ${file}\n`);
}

/** Runs the command; returns the exit code. Typed errors propagate to the CLI edge. */
export async function runGraph(rawOptions: GraphCommandOptions, io: CommandIo = defaultIo()): Promise<number> {
  const format = graphFormat(rawOptions.format);
  const options = withInventoryDefault(rawOptions, io.env);
  const input = await resolveEngineInput(options, io.cwd);
  // --host draws those hosts only (and the migrations between them); unknown ids were refused above.
  const document = options.host?.length ? documentForHosts(input.document, options.host) : input.document;
  let graph: TopologyGraph;
  if (options.observed) {
    const everyHost = documentHosts(input.document, input.inventory);
    // The read `ldoms plan` makes (one connection, one read per host), so picture and plan agree.
    const run = await planHosts(input.hosts, {
      connect: io.connect ?? sshConnect(options),
      parallelism: options.parallelism ?? 10,
      migrations: migrationAwareness(input.document, everyHost.hosts, everyHost.unreachable),
      onEvent: progressFor(io.stderr),
      commandTimeoutMs: engineTimeouts(options),
    });
    graph = observedTopology(document, { hosts: observedHostsFromPlanRun(run) });
  } else {
    graph = declaredTopology(document);
  }
  const text = await renderGraph(graph, format);
  if (options.out) {
    const file = resolve(io.cwd, options.out);
    writeFileAtomically(file, text);
    io.stderr.write(`Wrote the ${format} picture to ${options.out}\n`);
  } else {
    io.stdout.write(text);
  }
  return 0;
}
