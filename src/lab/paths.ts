/** Locates the lab definitions shipped in the package (labs/), from source or build. */
import { packageFile } from "../model/package-files";

/** Absolute path of labs/default.json (two T7 machines, `t7-a` and `t7-b`). */
export const DEFAULT_LAB_FILE: string = packageFile("labs", "default.json");
/** Absolute path of labs/fc-ib.json (Fibre Channel and InfiniBand PFs, for refusal tests). */
export const FC_IB_LAB_FILE: string = packageFile("labs", "fc-ib.json");
/** Absolute path of labs/pair.json (t7-a running ldg1, t7-b running ldg2: examples/migration-group). */
export const PAIR_LAB_FILE: string = packageFile("labs", "pair.json");
