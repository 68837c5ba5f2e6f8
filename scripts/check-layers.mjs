#!/usr/bin/env node
// Enforces the one-direction data flow of DESIGN section 3, as three tables:
// - `layers`: each folder of src/ may import only the folders listed for it;
// - `packages`: an npm package with a single home may be imported only from its folders of src/
//   (so a switch of SSH library, argument parser, schema validator or cdktf is one place);
// - `areas`: the top-level folders of the repository and whose code each may import
//   (src never imports tests or bench; bench never imports test: shared fixtures live in test-kit).
// Static imports and re-exports, `import("...")` and `require("...")` are all read. Also keeps
// `process.exit` inside src/cli.
//
// Usage: node scripts/check-layers.mjs [--root DIR]   (default: the repository holding this script)
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, dirname, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const layers = {
  model: [],
  constructs: ["model", "ldm"],
  ldm: ["model"],
  transport: [],
  synth: ["constructs", "model", "ldm"],
  terraform: ["constructs", "synth", "model"],
  engine: ["model", "ldm", "transport"],
  lab: ["model", "ldm", "transport"],
  "lab-serving": ["lab", "model", "ldm", "transport"],
  graph: ["model", "ldm", "engine"],
  // The Terraform provider: reads and changes hosts through the engine, a resource's steps built
  // by synthesis (src/synth/steps.ts); nothing imports it (its bin runs it).
  provider: ["engine", "model", "ldm", "transport", "synth"],
  cli: ["*"],
};

const packages = {
  cdktf: ["terraform"],
  ssh2: ["transport", "lab-serving"],
  commander: ["cli"],
  ajv: ["model"],
  "@viz-js/viz": ["graph"],
  "@grpc/grpc-js": ["provider"],
  protobufjs: ["provider"],
  "@msgpack/msgpack": ["provider"],
};

const areas = {
  src: [],
  examples: ["src"],
  "test-kit": ["src"],
  bench: ["src", "test-kit"],
  test: ["src", "test-kit", "examples"],
};

const SPECIFIER = /\b(?:from|import)\s*["']([^"']+)["']|\b(?:import|require)\s*\(\s*["']([^"']+)["']\s*\)/g;
const COMPUTED = /\b(?:import|require)\s*\(\s*(?![\s"')])/g;

function* files(dir) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (/\.[cm]?[tj]s$/.test(path)) yield path;
  }
}

const posix = (path) => path.split(sep).join("/");
const packageOf = (spec) => spec.split("/").slice(0, spec.startsWith("@") ? 2 : 1).join("/");
const list = (names, prefix) => names.map((n) => `${prefix}${n}/`).join(", ") || "nothing";

/** Every problem found under `root`, one line each, naming the file, the import and the rule. */
export function checkLayers(root) {
  const problems = [];
  for (const area of Object.keys(areas)) {
    const dir = join(root, area);
    if (!existsSync(dir)) continue;
    for (const file of files(dir)) checkFile(root, area, file, problems);
  }
  return problems;
}

function checkFile(root, area, file, problems) {
  const rel = posix(relative(root, file));
  const inSrc = posix(relative(join(root, "src"), file));
  const layer = area === "src" && inSrc.includes("/") ? inSrc.split("/")[0] : null;
  const text = readFileSync(file, "utf8");
  if (layer !== null && !layers[layer]) {
    problems.push(`${rel}: folder src/${layer}/ is not in the layer table of scripts/check-layers.mjs`);
  }
  for (const m of text.matchAll(SPECIFIER)) {
    const spec = m[1] ?? m[2];
    if (!spec.startsWith(".")) {
      const home = packages[packageOf(spec)];
      if (area === "src" && home && !home.includes(layer)) {
        problems.push(`${rel}: imports "${spec}"; package rule: only ${list(home, "src/")} may import ${packageOf(spec)}`);
      }
      continue;
    }
    const target = posix(relative(root, resolve(dirname(file), spec)));
    const targetArea = target.split("/")[0];
    if (targetArea !== area) {
      if (targetArea in areas && !areas[area].includes(targetArea)) {
        problems.push(`${rel}: imports "${spec}"; area rule: ${area}/ may import ${list(areas[area], "")}, not ${targetArea}/`);
      }
      continue;
    }
    const ok = layer === null ? undefined : layers[layer];
    const targetLayer = target.split("/")[1];
    if (!ok || targetLayer === layer) continue;
    if (!ok.includes("*") && !ok.includes(targetLayer)) {
      problems.push(`${rel}: imports "${spec}"; layer rule: src/${layer}/ may import ${list(ok, "src/")}, not src/${targetLayer}/`);
    }
  }
  if (area !== "src") return;
  for (const m of text.matchAll(COMPUTED)) {
    const line = text.slice(0, m.index).split("\n").length;
    problems.push(`${rel}:${line}: ${m[0].trim()}...) has a computed specifier the layer check cannot read; use a string literal`);
  }
  if (layer !== "cli" && /process\.exit\s*\(/.test(text) && !inSrc.startsWith("lab-serving/standalone/")) {
    problems.push(`${rel}: process.exit belongs to src/cli (and the standalone lab ldm entry point) only`);
  }
}

function main(argv) {
  const at = argv.indexOf("--root");
  const root = at >= 0 ? resolve(argv[at + 1] ?? ".") : resolve(dirname(fileURLToPath(import.meta.url)), "..");
  const problems = checkLayers(root);
  if (problems.length) {
    console.error(`layer check failed:\n  ${problems.join("\n  ")}`);
    process.exit(1);
  }
  console.log("layer check: ok");
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
