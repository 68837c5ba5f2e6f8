#!/usr/bin/env node
// The long budget of the random operation sequences (test/property): batches of sequences, each
// batch with its own seed printed first, until a time cap or a number of commands is reached.
// Exit 0 when every batch passed, 1 on the first failure (the shrunk sequence as a script, the
// seed and the path are printed), 2 on bad arguments.
//
// Usage: node scripts/soak.mjs [--minutes M] [--steps N] [--seed S] [--max-commands K] [--batch B]
//        node scripts/soak.mjs --seed S --path P --max-commands K --replay-path R
//                                                  (replays one failure: the line a report printed)
// Defaults: --minutes from $LDOMS_SOAK_MINUTES or 10, no step limit, a random seed per batch,
// 30 commands per sequence at most, 50 sequences per batch.
import { tsImport } from "tsx/esm/api";

function parseArgs(argv) {
  const options = { minutes: Number(process.env.LDOMS_SOAK_MINUTES ?? 10), steps: Infinity, maxCommands: 30, batch: 50 };
  const numeric = { "--minutes": "minutes", "--steps": "steps", "--seed": "seed", "--max-commands": "maxCommands", "--batch": "batch" };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if ((flag === "--path" || flag === "--replay-path") && value !== undefined) {
      options[flag === "--path" ? "path" : "replayPath"] = value;
      i++;
    } else if (flag in numeric && value !== undefined && Number.isFinite(Number(value)) && Number(value) >= 0) {
      options[numeric[flag]] = Number(value);
      i++;
    } else {
      throw new Error(`unknown or incomplete argument ${flag}; see the usage at the top of scripts/soak.mjs`);
    }
  }
  if (options.path !== undefined && options.seed === undefined) throw new Error("--path needs the --seed printed with it");
  return options;
}

async function main() {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`soak: ${error.message}\n`);
    return 2;
  }
  const { runBudget } = await tsImport("../test/property/support/run.ts", import.meta.url);
  if (options.path !== undefined) {
    let result;
    try {
      result = await runBudget({ numRuns: 1, maxCommands: options.maxCommands, seed: options.seed, path: options.path, ...(options.replayPath ? { replayPath: options.replayPath } : {}) });
    } catch (error) {
      // fast-check cannot walk a path recorded with other arguments or other command definitions.
      process.stderr.write(`soak: cannot replay seed ${options.seed} path ${options.path} (${String(error.message).split("\n")[0]}); give the --max-commands of the report, on the code that produced it\n`);
      return 2;
    }
    process.stdout.write(result.failed ? `${result.report}\n` : `seed ${options.seed} path ${options.path}: passed this time\n`);
    return result.failed ? 1 : 0;
  }
  const deadline = Date.now() + options.minutes * 60_000;
  let steps = 0;
  let runs = 0;
  const started = Date.now();
  for (let batch = 0; Date.now() < deadline && steps < options.steps; batch++) {
    const seed = options.seed !== undefined ? options.seed + batch : (Date.now() ^ (Math.random() * 0x100000000)) >>> 0;
    process.stdout.write(`batch ${batch + 1}: seed ${seed}\n`);
    const result = await runBudget({ numRuns: options.batch, maxCommands: options.maxCommands, seed, timeLimitMs: Math.max(1_000, deadline - Date.now()) });
    steps += result.steps;
    runs += result.runs;
    process.stdout.write(`batch ${batch + 1}: ${result.runs} sequences, ${result.steps} commands in ${(result.ms / 1000).toFixed(1)} s\n`);
    if (result.failed) {
      process.stdout.write(`${result.report}\n`);
      return 1;
    }
  }
  process.stdout.write(`soak passed: ${runs} sequences, ${steps} commands in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return 0;
}

process.exitCode = await main();
