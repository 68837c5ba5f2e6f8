/**
 * This package as `npm install` lays it out in a project (package.json, bin, proto, schema, labs
 * and a build of src and examples), for the tests that run the Terraform pipeline as a user does.
 * Built once per test run (test/global-setup.ts; `builtPackage()` names it), then copied into
 * each project (the local-exec commands and the provider's launcher name its real path).
 */
import { cpSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { delimiter, join, resolve } from "node:path";
import { inject } from "vitest";
import { runProcess } from "../support/run-process";

export const REPO = resolve(__dirname, "../..");

export function findTerraform(): string {
  for (const dir of (process.env["PATH"] ?? "").split(delimiter)) {
    if (dir && existsSync(join(dir, "terraform"))) return join(dir, "terraform");
  }
  throw new Error("terraform is not on PATH; this test runs the real binary (Terraform >= 1.5)");
}

/** Builds the package into `into` (a folder of `work`, which holds the build's tsconfig). */
export async function buildPackage(into: string, work: string): Promise<void> {
  mkdirSync(into, { recursive: true });
  for (const entry of ["package.json", "bin", "proto", "schema", "labs"]) cpSync(join(REPO, entry), join(into, entry), { recursive: true });
  // Its dependencies: those of the checkout.
  symlinkSync(join(REPO, "node_modules"), join(into, "node_modules"), "dir");
  const tsconfig = join(work, "tsconfig.json");
  writeFileSync(tsconfig, JSON.stringify({
    extends: join(REPO, "tsconfig.json"),
    compilerOptions: {
      rootDir: REPO,
      outDir: join(into, "dist"),
      declaration: false,
      sourceMap: false,
      noCheck: true,
      typeRoots: [join(REPO, "node_modules", "@types")],
    },
    include: [join(REPO, "src"), join(REPO, "examples")],
  }));
  const build = await runProcess(process.execPath, [join(REPO, "node_modules", "typescript", "bin", "tsc"), "-p", tsconfig]);
  // Type checking is the lint's business (noCheck); what matters here is that the build was written.
  const built = ["src/cli/main.js", "src/provider/main.js", "examples/sriov-migration/main.js"].every((file) => existsSync(join(into, "dist", file)));
  if (!built) throw new Error(`building the package failed:\n${build.stdout}${build.stderr}`);
}

/** The package built for this test run. */
export function builtPackage(): string {
  return inject("builtPackage");
}

/** A project folder `work/name` with a copy of the built package in its node_modules. */
export function newProject(work: string, built: string, name: string): string {
  const project = join(work, name);
  mkdirSync(join(project, "node_modules"), { recursive: true });
  cpSync(built, join(project, "node_modules", "cdktf-ldoms"), { recursive: true });
  return project;
}
