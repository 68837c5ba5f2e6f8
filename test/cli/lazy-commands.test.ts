/**
 * `ldoms` registers every command without loading any command's implementation: `--version`,
 * `--help` and `ldoms provider serve` (on the path of every Terraform command it wraps) start
 * without the engine, SSH, the schema validator or gRPC. Run in a fresh Node process on the built
 * package, where the modules loaded can be listed.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runProcess, showRun } from "../support/run-process";
import { builtPackage } from "../terraform/installed-package";

/** The heavy modules (engine, ssh2, ajv, gRPC) in require.cache, as a JSON list. */
const HEAVY = `
const heavy = () => [...new Set(Object.keys(require.cache).flatMap((k) => {
  const m = /[/]node_modules[/](ssh2|ajv|@grpc[/]grpc-js)[/]|[/]dist[/]src[/](engine)[/]/.exec(k);
  return m ? [m[1] ?? m[2]] : [];
}))].sort();
`;

/** Registers the commands on a new program; prints the command names and the heavy modules loaded. */
const REGISTER = `${HEAVY}
const { Command } = require(process.argv[1] + "/node_modules/commander");
const { registerCommands } = require(process.argv[1] + "/dist/src/cli/registrations/index.js");
const program = new Command("ldoms");
registerCommands(program);
const commands = program.commands.map((c) => [c.name(), ...c.commands.map((s) => c.name() + " " + s.name())]).flat();
console.log(JSON.stringify({ commands, heavy: heavy() }));
`;

/** Loads what `ldoms provider serve` runs; prints the heavy modules loaded before it serves. */
const SERVE = `${HEAVY}
require(process.argv[1] + "/dist/src/cli/commands/provider-serve.js");
console.log(JSON.stringify({ heavy: heavy() }));
`;

async function probe(script: string): Promise<Record<string, string[]>> {
  const run = await runProcess(process.execPath, ["-e", script, builtPackage()], { cwd: join(builtPackage(), "..") });
  expect(run.status, showRun(run)).toBe(0);
  return JSON.parse(run.stdout) as Record<string, string[]>;
}

describe("ldoms: each command's implementation is loaded only when it runs", () => {
  it("registers every command and subcommand without the engine, ssh2, ajv or gRPC", async () => {
    const registered = await probe(REGISTER);
    expect(registered["commands"]).toEqual([
      "synth", "demo", "plan", "apply", "force-unlock",
      "lab", "lab up", "lab init", "lab twin", "lab ldm",
      "migrate", "evacuate", "graph", "doctor", "status",
      "provider", "provider install", "provider serve",
    ]);
    expect(registered["heavy"]).toEqual([]);
  });

  it("ldoms provider serve loads gRPC before it serves, and not the engine, ssh2 or ajv", async () => {
    expect((await probe(SERVE))["heavy"]).toEqual(["@grpc/grpc-js"]);
  });

  it("ldoms --version prints the package's version", async () => {
    const run = await runProcess(process.execPath, [join(builtPackage(), "bin", "ldoms.js"), "--version"], { cwd: join(builtPackage(), "..") });
    const { version } = JSON.parse(readFileSync(join(builtPackage(), "package.json"), "utf8")) as { version: string };
    expect(run.status, showRun(run)).toBe(0);
    expect(run.stdout).toBe(`${version}\n`);
  });
});
