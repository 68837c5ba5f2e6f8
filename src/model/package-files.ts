/**
 * Files shipped in the package next to the code (`schema/`, `labs/`, `package.json`), found
 * from the module that runs: `src/` in a checkout (tests, tsx) or `dist/src/` in a build, in the
 * repository or installed under `node_modules/cdktf-ldoms`. Internal: not exported by the index.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

export const PACKAGE_NAME = "cdktf-ldoms";

let root: string | undefined;

function isPackageRoot(dir: string): boolean {
  const file = join(dir, "package.json");
  if (!existsSync(file)) return false;
  try {
    return (JSON.parse(readFileSync(file, "utf8")) as { name?: unknown }).name === PACKAGE_NAME;
  } catch {
    return false;
  }
}

/** The folder holding this package's package.json (the checkout, or the installed package). */
export function packageRoot(): string {
  if (root !== undefined) return root;
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (isPackageRoot(dir)) return (root = dir);
    if (dirname(dir) === dir) throw new Error(`the ${PACKAGE_NAME} package.json was not found above ${__dirname}; the package is incomplete, install it again`);
  }
}

/** Absolute path of a file shipped in the package, e.g. `packageFile("schema", "ldoms-plan.schema.json")`. */
export function packageFile(...segments: readonly string[]): string {
  return join(packageRoot(), ...segments);
}

/** The `version` of the package's package.json. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(packageFile("package.json"), "utf8")) as { version: string }).version;
}
