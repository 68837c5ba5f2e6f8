/**
 * Runs once before every test file: builds this package as `npm install` lays it out (see
 * test/terraform/installed-package.ts) into a temporary folder, for the tests that run the real
 * `terraform`. Its provider starts from compiled JavaScript, as a user's does; Terraform starts a
 * provider two or three times per command, and compiling the TypeScript each time (tsx) cost
 * about 0.8 s of CPU per start on this project's 2-core CI.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { buildPackage } from "./terraform/installed-package";

declare module "vitest" {
  export interface ProvidedContext {
    /** The folder of the built package (package.json, bin, dist, proto, ...). */
    builtPackage: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const work = mkdtempSync(join(tmpdir(), "ldoms-built-package-"));
  const built = join(work, "package");
  await buildPackage(built, work);
  project.provide("builtPackage", built);
  return () => rmSync(work, { recursive: true, force: true });
}
