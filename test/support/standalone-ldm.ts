/**
 * The standalone lab `ldm` (what bin/ldoms-lab-ldm.js runs) as one bundled JavaScript file, so a
 * test that calls it hundreds of times (the synthesized host scripts) pays ~0.1 s per call
 * instead of loading TypeScript through tsx every time. esbuild comes with tsx, which the other
 * standalone tests already run it through.
 */
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { buildSync } from "esbuild";

const ENTRY = resolve(__dirname, "../../src/lab-serving/standalone/cli-entry.ts");

/**
 * Writes `<dir>/bin/ldm`, a wrapper running the bundled standalone `ldm`, and returns the `bin`
 * folder to put first on PATH. The machine and the state file come from LDOMS_LAB_HOST and
 * LDOMS_LAB_STATE in the caller's environment.
 */
export function installStandaloneLdm(dir: string): string {
  const bin = join(dir, "bin");
  mkdirSync(bin, { recursive: true });
  const bundle = join(dir, "ldoms-lab-ldm.cjs");
  buildSync({ entryPoints: [ENTRY], bundle: true, platform: "node", format: "cjs", target: "node20", outfile: bundle, logLevel: "warning" });
  const ldm = join(bin, "ldm");
  writeFileSync(ldm, `#!/bin/sh\nexec '${process.execPath}' '${bundle}' "$@"\n`);
  chmodSync(ldm, 0o755);
  return bin;
}
