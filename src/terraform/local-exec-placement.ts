/**
 * Where the `local-exec` commands of a stack run and how they start `ldoms`. Terraform runs in
 * the stack's output folder with the user's PATH, where a project-local `ldoms`
 * (node_modules/.bin) is not found. So each command runs in the project folder (relative
 * `working_dir`) and starts the package's own bin script with `node`, and names the stack's plan
 * document; every path is relative, so the output folder stays byte-stable and holds no absolute
 * path. Relative paths the CLI reads at run time (`LDOMS_INVENTORY`, `--inventory`, key files)
 * mean the same as for `npx ldoms apply` in the project folder.
 *
 * No cdktf import here: `ldoms synth` reads FINAL_OUTDIR_ENV without loading cdktf.
 */
import { readFileSync } from "node:fs";
import { relative, resolve, sep } from "node:path";
import { packageFile } from "../model/package-files";
import type { LdomsInvocation } from "../synth";

/**
 * Set by `ldoms synth` for the app it runs: the output folder the synthesis will be installed
 * in. The app itself writes into a staging folder (`CDKTF_OUTDIR`), which is not where Terraform
 * will run.
 */
export const FINAL_OUTDIR_ENV = "LDOMS_SYNTH_OUTDIR";

/** The folder a synthesis ends up in: the app's output folder, or where `ldoms synth` installs it. */
export function finalOutdir(appOutdir: string, env: NodeJS.ProcessEnv = process.env): string {
  const staging = env["CDKTF_OUTDIR"];
  const final = env[FINAL_OUTDIR_ENV];
  return final && staging && resolve(staging) === resolve(appOutdir) ? resolve(final) : resolve(appOutdir);
}

/** Absolute path of this package's `ldoms` bin script (package.json `bin.ldoms`). */
export function ldomsBinScript(): string {
  const bin = (JSON.parse(readFileSync(packageFile("package.json"), "utf8")) as { bin?: Record<string, unknown> }).bin?.["ldoms"];
  if (typeof bin !== "string") throw new Error(`${packageFile("package.json")} has no bin "ldoms"; the cdktf-ldoms package is incomplete, install it again`);
  return packageFile(bin);
}

/** A relative path with `/` separators (Terraform and sh read it on every system), never taken for an option. */
function portable(path: string): string {
  const slashed = path === "" ? "." : path.split(sep).join("/");
  return slashed.startsWith("-") ? `./${slashed}` : slashed;
}

export interface LocalExecPlacement {
  /** The folder the commands run in (the project folder), relative to the stack's output folder. */
  readonly workingDir: string;
  /** How the commands start `ldoms`, relative to `workingDir`. */
  readonly invocation: LdomsInvocation;
}

export interface LocalExecPlacementOptions {
  /** Absolute path of the project folder (where the app ran). */
  readonly projectDir: string;
  /** Absolute path of the stack's output folder, where Terraform runs. */
  readonly stackDir: string;
  /** Absolute path of the stack's plan document. */
  readonly planFile: string;
  /** Absolute path of the `ldoms` bin script. @default this package's */
  readonly binScript?: string;
}

export function localExecPlacement(options: LocalExecPlacementOptions): LocalExecPlacement {
  const fromProject = (path: string) => portable(relative(options.projectDir, path));
  return {
    workingDir: portable(relative(options.stackDir, options.projectDir)),
    invocation: {
      command: ["node", fromProject(options.binScript ?? ldomsBinScript())],
      planDocument: fromProject(options.planFile),
    },
  };
}
