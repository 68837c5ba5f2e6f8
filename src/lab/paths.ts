/** Locates files shipped in the package (labs/), from source (src/lab) or build (dist/src/lab). */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

function packageRoot(): string {
  let dir = resolve(__dirname);
  for (;;) {
    if (existsSync(join(dir, "labs", "default.json"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return resolve(__dirname, "..", "..");
    dir = parent;
  }
}

/** Absolute path of labs/default.json (two T7 machines, `t7-a` and `t7-b`). */
export const DEFAULT_LAB_FILE: string = join(packageRoot(), "labs", "default.json");
/** Absolute path of labs/fc-ib.json (Fibre Channel and InfiniBand PFs, for refusal tests). */
export const FC_IB_LAB_FILE: string = join(packageRoot(), "labs", "fc-ib.json");
