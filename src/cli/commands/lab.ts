import { existsSync, writeFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { Lab } from "../../lab/lab";
import { loadLabDefinitionFile } from "../../lab/definition";
import { type RunningLabServer, startLabServer } from "../../lab-serving/ssh-server";
import { FileLabStore, writeLabStateFile } from "../../lab-serving/standalone/file-store";
import { initialLabState } from "../../lab/state";
import { ValidationError } from "../../model";
import { twinFromBundles } from "../../lab/twin";

export interface LabUpOptions {
  readonly config: string;
  readonly inventoryOut: string;
  readonly stateDir?: string;
  readonly user: string;
  readonly state?: string;
  readonly json?: boolean;
}

/** `ldoms lab up`: serve every lab machine over SSH until SIGINT/SIGTERM. */
export async function runLabUp(options: LabUpOptions): Promise<void> {
  const started = performance.now();
  if (options.state && !existsSync(options.state)) {
    writeLabStateFile(options.state, initialLabState(loadLabDefinitionFile(options.config)));
  }
  const server = await startLabServer({
    lab: options.state ? new Lab(new FileLabStore(options.state)) : undefined,
    configFile: options.config,
    inventoryFile: options.inventoryOut,
    stateDir: options.stateDir,
    user: options.user,
  });
  const startMs = Math.round(performance.now() - started);
  process.stdout.write(options.json ? `${JSON.stringify(describeJson(server, startMs))}\n` : describeText(server, startMs));
  await untilSignal();
  await server.close();
  if (!options.json) process.stdout.write("Lab stopped.\n");
}

/** `ldoms lab init`: write a fresh lab state file from a lab definition. */
export function runLabInit(options: { config: string; state: string; force?: boolean }): void {
  if (existsSync(options.state) && !options.force) {
    throw new ValidationError(`${options.state} already exists: pass --force to replace it with a fresh lab`);
  }
  writeLabStateFile(options.state, initialLabState(loadLabDefinitionFile(options.config)));
  process.stdout.write(`Wrote lab state ${options.state} from ${options.config}\n`);
}

/** `ldoms lab twin`: write the lab definition that reproduces the machines of doctor bundles. */
export function runLabTwin(options: { from?: string[]; out: string; force?: boolean }): void {
  if (existsSync(options.out) && !options.force) throw new ValidationError(`${options.out} already exists: pass --force to replace it`);
  const twin = twinFromBundles((options.from ?? []).map((dir) => resolve(dir)));
  writeFileSync(options.out, `${JSON.stringify(twin.document, null, 2)}\n`);
  for (const note of twin.notes) process.stderr.write(`note: ${note}\n`);
  const machines = twin.document.machines.map((m) => m.name);
  process.stdout.write(`Wrote lab definition ${options.out} (machine${machines.length > 1 ? "s" : ""} ${machines.join(", ")}). Rehearse on it: ldoms lab up --config ${options.out}\n`);
}

/** `ldoms lab ldm HOST -- ARGS`: run the lab's ldm on one machine of a lab state file; returns its exit code. */
export async function runLabLdm(host: string, args: string[], options: { state?: string }): Promise<number> {
  const statePath = options.state ?? process.env.LDOMS_LAB_STATE;
  if (!statePath) throw new ValidationError("no lab state file: pass --state FILE (written by `ldoms lab init`)");
  const store = new FileLabStore(statePath);
  const machines = store.read((state) => Object.keys(state.machines));
  if (!machines.includes(host)) {
    throw new ValidationError(`${host} is not a machine of the lab in ${statePath}: use one of ${machines.join(", ")}`);
  }
  const result = await new Lab(store).runLdm(host, args);
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  return result.exitCode;
}

function describeJson(server: RunningLabServer, startMs: number) {
  return {
    inventoryFile: server.inventoryFile,
    identityFile: server.identityFile,
    knownHostsFile: server.knownHostsFile,
    startMs,
    hosts: server.inventory.hosts,
  };
}

function describeText(server: RunningLabServer, startMs: number): string {
  const shown = (path: string): string => {
    const rel = relative(process.cwd(), path);
    return rel.startsWith("..") ? path : rel;
  };
  const ids = Object.keys(server.inventory.hosts);
  const width = Math.max(...ids.map((id) => id.length));
  const lines = ids.map((id) => {
    const h = server.inventory.hosts[id]!;
    return (
      `  ${id.padEnd(width)}  ssh -i ${shown(server.identityFile)} -o UserKnownHostsFile=${shown(server.knownHostsFile)} ` +
      `-p ${h.port} ${h.user}@${h.address}  (${h.hostKey})`
    );
  });
  return [
    `Lab up in ${startMs} ms: ${ids.length} endpoints on 127.0.0.1`,
    ...lines,
    `Inventory: ${shown(server.inventoryFile)}  (use: ldoms plan --inventory ${shown(server.inventoryFile)})`,
    "Press Ctrl-C to stop.",
    "",
  ].join("\n");
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
