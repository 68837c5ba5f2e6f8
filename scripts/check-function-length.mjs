#!/usr/bin/env node
// Keeps the engine's functions short enough to read at once: every function, method, accessor,
// constructor, function expression and arrow function in src/engine/** may span at most 80
// lines (from the line it starts on, after its doc comment, to the line it ends on, inclusive).
// A longer one is printed as `file:line name (N lines)` and the exit status is 1. Nested
// functions count on their own (and inside their parent's lines).
//
// Usage: node scripts/check-function-length.mjs [--root DIR] [--max N]
//        (default: the repository holding this script, and 80)
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

export const MAX_LINES = 80;
const FOLDERS = ["src/engine"];

/** Every function under `root`'s checked folders longer than `max` lines, in file order. */
export function longFunctions(root, max = MAX_LINES) {
  const found = [];
  for (const folder of FOLDERS) {
    for (const file of tsFiles(join(root, folder))) found.push(...longIn(root, file, max));
  }
  return found;
}

function tsFiles(dir) {
  let entries;
  try {
    entries = readdirSync(dir).sort();
  } catch {
    return [];
  }
  const out = [];
  for (const name of entries) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...tsFiles(path));
    else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

function longIn(root, file, max) {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const rel = relative(root, file).split(sep).join("/");
  const found = [];
  const visit = (node) => {
    if (isFunction(node) && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line + 1;
      const lines = end - start + 1;
      if (lines > max) found.push({ file: rel, line: start, name: nameOf(node, source), lines });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function isFunction(node) {
  return (
    ts.isFunctionDeclaration(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isArrowFunction(node) ||
    ts.isFunctionExpression(node) ||
    ts.isConstructorDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node)
  );
}

/** The name a reader searches for: the declared one, else the variable or property it is assigned to. */
function nameOf(node, source) {
  if (ts.isConstructorDeclaration(node)) return "constructor";
  if (node.name) return node.name.getText(source);
  const parent = node.parent;
  if (parent && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) && parent.name) {
    return parent.name.getText(source);
  }
  return "(anonymous)";
}

function main(argv) {
  const at = argv.indexOf("--root");
  const root = at >= 0 ? resolve(argv[at + 1] ?? ".") : resolve(dirname(fileURLToPath(import.meta.url)), "..");
  const maxAt = argv.indexOf("--max");
  const max = maxAt >= 0 ? Number(argv[maxAt + 1]) : MAX_LINES;
  if (!Number.isInteger(max) || max < 1) {
    process.stderr.write(`--max takes a whole number of lines, got ${argv[maxAt + 1] ?? "nothing"}\n`);
    process.exit(2);
  }
  const found = longFunctions(root, max);
  if (!found.length) {
    process.stdout.write(`function length check: ok (no function in ${FOLDERS.join(", ")} over ${max} lines)\n`);
    return;
  }
  process.stderr.write(`function length check failed: ${found.length} function(s) over ${max} lines; split them into named steps\n`);
  for (const f of found) process.stderr.write(`${f.file}:${f.line} ${f.name} (${f.lines} lines)\n`);
  process.exit(1);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
