/**
 * `ldoms synth` without the cdktf CLI: reads `cdktf.json`, runs its `app` the way `cdktf synth`
 * does (through a shell, with CDKTF_OUTDIR and CDKTF_CONTEXT_JSON set and the project's
 * node_modules/.bin on PATH), then moves the result into the output directory. The app writes
 * into a private staging directory first, so a failed app leaves the output directory untouched.
 */
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { ValidationError } from "../model";
import { parsePlanDocument } from "../model/load-plan-document";
import { PLAN_FILE_NAME, SCRIPTS_DIR_NAME, TOPOLOGY_FILE_NAME } from "../synth";
import type { PlanDocument } from "../model";
import { declaredTopology, toSvg } from "../graph";
import { FINAL_OUTDIR_ENV } from "../terraform/local-exec-placement";

export interface SynthesizeAppOptions {
  /** Directory holding `cdktf.json`; the app runs there. */
  readonly projectDir: string;
  /** Output directory, relative to `projectDir` unless absolute. @default cdktf.json's `output`, else `cdktf.out` */
  readonly outDir?: string;
  /**
   * The command that runs the app (a shell command line), instead of cdktf.json's `app`;
   * cdktf.json is then not read. @default cdktf.json's `app`
   */
  readonly app?: string;
}

export interface SynthesizedStack {
  readonly name: string;
  /** Absolute path of the stack's output directory. */
  readonly dir: string;
  /** Absolute path of its `ldoms.plan.json`. */
  readonly planFile: string;
}

interface CdktfJson {
  readonly app: string;
  readonly output?: string;
  readonly context?: Record<string, unknown>;
}

function readCdktfJson(projectDir: string): CdktfJson {
  const file = join(projectDir, "cdktf.json");
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ValidationError(code === "ENOENT"
      ? `no cdktf.json in ${projectDir}; run ldoms synth in the project directory (the one whose cdktf.json names the app)`
      : `${file} is not valid JSON (${(error as Error).message}); fix the file`);
  }
  const app = (value as Partial<CdktfJson> | null)?.app;
  if (typeof app !== "string" || app.trim() === "") {
    throw new ValidationError(`${file} has no "app"; set it to the command that runs your cdktf app, e.g. "npx tsx main.ts"`);
  }
  return value as CdktfJson;
}

function runApp(command: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, { cwd, env, shell: true, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", reject);
    child.on("close", (status, signal) => resolvePromise({
      status, signal, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8"),
    }));
  });
}

/**
 * A fleet's construct tree and plan are millions of short-lived objects; a larger young
 * generation cuts garbage-collection time and peak memory of the app noticeably. A user's own
 * setting wins.
 */
function withLargerYoungGeneration(options: string | undefined): string {
  const current = options ?? "";
  return /--max-semi-space-size/.test(current) ? current : `${current} --max-semi-space-size=32`.trim();
}

/**
 * Most objects (nodes) a stack's picture is drawn for at synthesis: Graphviz lays out a fleet of
 * thousands of domains in minutes, not seconds. Larger stacks get no topology.svg; `ldoms graph
 * --host ID` draws a part.
 */
export const TOPOLOGY_MAX_NODES = 400;

/** Writes the stack's topology picture into its staged folder (nothing for a very large stack). */
async function stageTopology(document: PlanDocument, stagedDir: string): Promise<void> {
  const graph = declaredTopology(document);
  if (graph.nodes.length > TOPOLOGY_MAX_NODES) return;
  writeFileSync(join(stagedDir, TOPOLOGY_FILE_NAME), await toSvg(graph));
}

/** Copies a stack's synthesized files over the previous ones, keeping files the app does not write (Terraform state). */
function installStack(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  // A picture the new synthesis did not draw would show an older configuration.
  if (!existsSync(join(from, TOPOLOGY_FILE_NAME))) rmSync(join(to, TOPOLOGY_FILE_NAME), { force: true });
  const staleScripts = join(to, SCRIPTS_DIR_NAME);
  if (existsSync(staleScripts) && statSync(staleScripts).isDirectory()) {
    const fresh = new Set(existsSync(join(from, SCRIPTS_DIR_NAME)) ? readdirSync(join(from, SCRIPTS_DIR_NAME)) : []);
    for (const name of readdirSync(staleScripts)) if (name.endsWith(".sh") && !fresh.has(name)) rmSync(join(staleScripts, name));
  }
  cpSync(from, to, { recursive: true, force: true });
}

/** Runs the cdktf app of `projectDir` and installs its stacks into the output directory. */
export async function synthesizeApp(options: SynthesizeAppOptions): Promise<{ stacks: SynthesizedStack[] }> {
  const projectDir = resolve(options.projectDir);
  const config: CdktfJson = options.app !== undefined ? { app: options.app } : readCdktfJson(projectDir);
  const outDir = resolve(projectDir, options.outDir ?? config.output ?? "cdktf.out");
  const staging = mkdtempSync(join(tmpdir(), "ldoms-synth-"));
  try {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      CDKTF_OUTDIR: staging,
      // Paths in cdk.tf.json are relative to where the stacks are installed, not to the staging folder.
      [FINAL_OUTDIR_ENV]: outDir,
      CDKTF_CONTEXT_JSON: JSON.stringify(config.context ?? {}),
      PATH: [join(projectDir, "node_modules", ".bin"), process.env["PATH"] ?? ""].join(delimiter),
      NODE_OPTIONS: withLargerYoungGeneration(process.env["NODE_OPTIONS"]),
    };
    const result = await runApp(config.app, projectDir, env);
    if (result.status !== 0) {
      const output = (result.stderr.trim() || result.stdout.trim() || "(no output)");
      const how = result.signal ? `was killed by ${result.signal}` : `exited with status ${result.status}`;
      throw new ValidationError(`the app \`${config.app}\` of cdktf.json ${how}; nothing was written to ${outDir}:\n${output}`);
    }
    const manifestFile = join(staging, "manifest.json");
    if (!existsSync(manifestFile)) {
      throw new ValidationError(`the app \`${config.app}\` of cdktf.json ran but synthesized nothing (no manifest.json); make it call app.synth() (or use runLdomsApp)`);
    }
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as { stacks?: Record<string, { workingDirectory: string }> };
    const entries = Object.entries(manifest.stacks ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    // A plan document the engine would refuse is a synthesis error: nothing is installed.
    for (const [name, entry] of entries) {
      const staged = join(staging, entry.workingDirectory, PLAN_FILE_NAME);
      if (!existsSync(staged)) continue;
      const document = parsePlanDocument(readFileSync(staged, "utf8"), `the plan document of stack ${name} (nothing was written to ${outDir})`);
      // Drawn before anything is installed: a picture that cannot be drawn installs nothing either.
      await stageTopology(document, join(staging, entry.workingDirectory));
    }
    const stacks: SynthesizedStack[] = [];
    for (const [name, entry] of entries) {
      const dir = join(outDir, entry.workingDirectory);
      installStack(join(staging, entry.workingDirectory), dir);
      if (existsSync(join(dir, PLAN_FILE_NAME))) stacks.push({ name, dir, planFile: join(dir, PLAN_FILE_NAME) });
    }
    cpSync(manifestFile, join(outDir, "manifest.json"));
    return { stacks };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
