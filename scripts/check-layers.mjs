#!/usr/bin/env node
// Enforces the one-direction data flow of DESIGN section 3: each folder of src/ may import
// only the folders listed for it. Also keeps `cdktf` inside src/terraform and
// `process.exit` inside src/cli, so a switch of either is one place.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, dirname, resolve } from "node:path";

const root = resolve(dirname(new URL(import.meta.url).pathname), "..");
const src = join(root, "src");
const allowed = {
  model: [],
  constructs: ["model", "ldm"],
  ldm: ["model"],
  transport: [],
  synth: ["constructs", "model", "ldm"],
  terraform: ["constructs", "synth", "model"],
  engine: ["model", "ldm", "transport"],
  lab: ["model", "ldm", "transport"],
  cli: ["*"],
};

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (path.endsWith(".ts")) yield path;
  }
}

const problems = [];
for (const file of files(src)) {
  const rel = relative(src, file);
  const layer = rel.includes("/") ? rel.split("/")[0] : null;
  const text = readFileSync(file, "utf8");
  for (const m of text.matchAll(/(?:from|import|require\()\s*["']([^"']+)["']/g)) {
    const spec = m[1];
    if (spec === "cdktf" || spec.startsWith("cdktf/")) {
      if (layer !== "terraform") problems.push(`${rel}: imports cdktf; only src/terraform/ may`);
      continue;
    }
    if (!spec.startsWith(".") || layer === null) continue;
    const target = relative(src, resolve(dirname(file), spec));
    const targetLayer = target.split("/")[0];
    if (targetLayer === layer || targetLayer.startsWith("..")) continue;
    const ok = allowed[layer];
    if (!ok) { problems.push(`${rel}: folder src/${layer} is not in the layer table of scripts/check-layers.mjs`); continue; }
    if (!ok.includes("*") && !ok.includes(targetLayer)) {
      problems.push(`${rel}: src/${layer} may not import src/${targetLayer} (allowed: ${ok.join(", ") || "nothing"})`);
    }
  }
  if (layer !== "cli" && /process\.exit\s*\(/.test(text) && !rel.startsWith("lab/standalone/")) {
    problems.push(`${rel}: process.exit belongs to src/cli (and the standalone lab ldm entry point) only`);
  }
}
if (problems.length) {
  console.error(`layer check failed:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log("layer check: ok");
