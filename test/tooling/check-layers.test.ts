import { describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { runProcess } from "../support/run-process";

const SCRIPT = join(__dirname, "../../scripts/check-layers.mjs");

/** A small repository tree: files that keep the rules and files that break one each. */
const FIXTURE: Record<string, string> = {
  "src/index.ts": `export * from "./engine/apply";\n`,
  "src/model/plan.ts": `import { apply } from "../engine/apply";\nexport const plan = apply;\n`,
  "src/model/exit.ts": `process.exit(1);\n`,
  "src/engine/apply.ts": [
    `import type { Plan } from "../model/plan";`,
    `import { Client } from "ssh2";`,
    `// loads the CLI lazily with import()`,
    `export async function apply(p: Plan) { return (await import("../cli/main")).main(p, Client); }`,
  ].join("\n"),
  "src/engine/lazy.ts": `const commander = require("commander");\nexport const load = (name: string) => import(name);\n`,
  "src/transport/ssh.ts": `import { Client } from "ssh2";\nexport { Client };\n`,
  "src/lab/lab.ts": `import { Server } from "../lab-serving/server";\nexport const serve = () => new Server();\n`,
  "src/lab-serving/server.ts": `import { Server } from "ssh2";\nimport Ajv from "ajv";\nimport type { Plan } from "../model/plan";\nexport { Server, Ajv, type Plan };\n`,
  "src/cli/main.ts": `import { Command } from "commander";\nimport { apply } from "../engine/apply";\nexport const main = () => new Command(apply.name);\nprocess.exit(0);\n`,
  "src/terraform/stack.ts": `import { App } from "cdktf";\nexport { App };\n`,
  "src/synth/app.ts": `export { App } from "cdktf/lib/app";\n`,
  "src/extra/thing.ts": `export const thing = 1;\n`,
  "test-kit/fleet.ts": `import { apply } from "../src/engine/apply";\nimport { MACHINES } from "../bench/run";\nexport { apply, MACHINES };\n`,
  "bench/run.ts": `import { apply } from "../src";\nimport { proxy } from "../test/support/proxy";\nimport { fleet } from "../test-kit/fleet";\nexport { apply, proxy, fleet };\n`,
  "test/support/proxy.ts": "export const proxy = 1;\n",
  "test/apply.test.ts": `import { fleet } from "../test-kit/fleet";\nimport { run } from "../bench/run";\nconst keys = require(\`\${process.cwd()}/keys\`);\nexport { fleet, run, keys };\n`,
};

describe("layer check (scripts/check-layers.mjs)", () => {
  it("passes on this repository", async () => {
    const run = await runProcess(process.execPath, [SCRIPT]);
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe("layer check: ok\n");
    expect(run.status).toBe(0);
  });

  it("names the file, the import and the rule of every violation: layers, packages, areas, dynamic imports", async () => {
    const root = mkdtempSync(join(tmpdir(), "ldoms-check-layers-"));
    try {
      for (const [path, text] of Object.entries(FIXTURE)) {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), text);
      }
      const run = await runProcess(process.execPath, [SCRIPT, "--root", root]);
      expect(run.stdout).toBe("");
      expect(run.stderr.split("\n")).toEqual([
        "layer check failed:",
        `  src/engine/apply.ts: imports "ssh2"; package rule: only src/transport/, src/lab-serving/ may import ssh2`,
        `  src/engine/apply.ts: imports "../cli/main"; layer rule: src/engine/ may import src/model/, src/ldm/, src/transport/, not src/cli/`,
        `  src/engine/lazy.ts: imports "commander"; package rule: only src/cli/ may import commander`,
        `  src/engine/lazy.ts:2: import(...) has a computed specifier the layer check cannot read; use a string literal`,
        `  src/extra/thing.ts: folder src/extra/ is not in the layer table of scripts/check-layers.mjs`,
        `  src/lab/lab.ts: imports "../lab-serving/server"; layer rule: src/lab/ may import src/model/, src/ldm/, src/transport/, not src/lab-serving/`,
        `  src/lab-serving/server.ts: imports "ajv"; package rule: only src/model/ may import ajv`,
        `  src/model/exit.ts: process.exit belongs to src/cli (and the standalone lab ldm entry point) only`,
        `  src/model/plan.ts: imports "../engine/apply"; layer rule: src/model/ may import nothing, not src/engine/`,
        `  src/synth/app.ts: imports "cdktf/lib/app"; package rule: only src/terraform/ may import cdktf`,
        `  test-kit/fleet.ts: imports "../bench/run"; area rule: test-kit/ may import src/, not bench/`,
        `  bench/run.ts: imports "../test/support/proxy"; area rule: bench/ may import src/, test-kit/, not test/`,
        `  test/apply.test.ts: imports "../bench/run"; area rule: test/ may import src/, test-kit/, examples/, not bench/`,
        "",
      ]);
      expect(run.status).toBe(1);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
