import { existsSync, writeFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import type { Command } from "commander";
import { Lab } from "../../lab/lab";
import { loadLabDefinitionFile } from "../../lab/definition";
import { DEFAULT_LAB_FILE } from "../../lab/paths";
import { type RunningLabServer, startLabServer } from "../../lab-serving/ssh-server";
import { FileLabStore, writeLabStateFile } from "../../lab-serving/standalone/file-store";
import { initialLabState } from "../../lab/state";
import { ValidationError } from "../../model";
import { twinFromBundles } from "../../lab/twin";

const DEFAULT_INVENTORY = ".lab/inventory.json";

/** `ldoms lab ...`: serve the emulated SPARC hosts, prepare a state file, run `ldm` on one. */
export function register(program: Command): void {
  const lab = program.command("lab").description("the emulated LDoms lab: serve it over SSH, or run its ldm directly");

  lab
    .command("up")
    .description("serve every lab machine (and modelled guest) over SSH on 127.0.0.1 until Ctrl-C")
    .option("--config <file>", "lab definition (JSON)", DEFAULT_LAB_FILE)
    .option("--inventory-out <file>", "where to write the inventory for --inventory", DEFAULT_INVENTORY)
    .option("--state-dir <dir>", "folder for keys and known_hosts (default: the inventory's folder)")
    .option("--user <name>", "account name the lab accepts", "ldmops")
    .option("--state <file>", "keep the lab state in this file (made from --config if missing), shared with `lab ldm` and ldoms-lab-ldm")
    .option("--json", "print the endpoints as one JSON line")
    .action(async (options: { config: string; inventoryOut: string; stateDir?: string; user: string; state?: string; json?: boolean }) => {
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
    });

  lab
    .command("init")
    .description("write a lab state file for the standalone ldm (ldoms-lab-ldm, LDOMS_LAB_STATE)")
    .option("--config <file>", "lab definition (JSON)", DEFAULT_LAB_FILE)
    .requiredOption("--state <file>", "state file to write")
    .option("--force", "replace an existing state file")
    .action((options: { config: string; state: string; force?: boolean }) => {
      if (existsSync(options.state) && !options.force) {
        throw new ValidationError(`${options.state} already exists: pass --force to replace it with a fresh lab`);
      }
      writeLabStateFile(options.state, initialLabState(loadLabDefinitionFile(options.config)));
      process.stdout.write(`Wrote lab state ${options.state} from ${options.config}\n`);
    });

  lab
    .command("twin")
    .description("write a lab definition that reproduces the machine an ldoms doctor bundle captured, to rehearse on it")
    .option("--from <bundle>", "the folder ldoms doctor wrote (repeat for several machines, e.g. a migration's source and target)", (value: string, previous: string[] = []) => [...previous, value])
    .requiredOption("--out <file>", "lab definition to write (JSON), e.g. lab.json")
    .option("--force", "replace an existing file")
    .action((options: { from?: string[]; out: string; force?: boolean }) => {
      if (existsSync(options.out) && !options.force) throw new ValidationError(`${options.out} already exists: pass --force to replace it`);
      const twin = twinFromBundles((options.from ?? []).map((dir) => resolve(dir)));
      writeFileSync(options.out, `${JSON.stringify(twin.document, null, 2)}\n`);
      for (const note of twin.notes) process.stderr.write(`note: ${note}\n`);
      const machines = twin.document.machines.map((m) => m.name);
      process.stdout.write(`Wrote lab definition ${options.out} (machine${machines.length > 1 ? "s" : ""} ${machines.join(", ")}). Rehearse on it: ldoms lab up --config ${options.out}\n`);
    });

  lab
    .command("ldm")
    .description("run ldm on one machine of a lab state file: ldoms lab ldm HOST -- ARGS...")
    .argument("<host>", "lab machine, e.g. t7-a")
    .argument("[args...]", "ldm arguments")
    .option("--state <file>", "lab state file (default: $LDOMS_LAB_STATE)")
    .action(async (host: string, args: string[], options: { state?: string }) => {
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
      process.exitCode = result.exitCode;
    });
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
