/**
 * `npm run bench -- <suite...>`: runs the named benchmark suites (all when none is named) and
 * prints their figures as JSON lines. Each suite lives in its own file and registers here.
 */
type Suite = () => Promise<unknown>;

const suites: Record<string, () => Promise<Suite>> = {};

/** Suites add themselves here: `registerSuite("synth", async () => (await import("./synth")).run)`. */
export function registerSuite(name: string, load: () => Promise<Suite>): void {
  suites[name] = load;
}

import "./suites";

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith("-"));
  const names = wanted.length ? wanted : Object.keys(suites).sort();
  for (const name of names) {
    const load = suites[name];
    if (!load) {
      console.error(`unknown bench suite "${name}"; known: ${Object.keys(suites).sort().join(", ") || "(none)"}`);
      process.exitCode = 1;
      return;
    }
    const run = await load();
    const result = await run();
    console.log(JSON.stringify({ suite: name, ...(result as object) }, null, 2));
  }
}

void main();
