/**
 * `npm run bench -- <suite...>`: runs the named benchmark suites (all when none is named) and
 * prints each suite's figures as JSON.
 */
import { suites } from "./suites";

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
    console.log(JSON.stringify({ suite: name, ...(await run()) }, null, 2));
  }
}

void main();
