import { runBudget } from "./run";
async function main() {
  const seed = process.argv[2] ? Number(process.argv[2]) : undefined;
  const r = await runBudget({ numRuns: Number(process.argv[3] ?? 5), maxCommands: 15, ...(seed !== undefined ? { seed } : {}), onSequence: (n) => process.stderr.write(`seq ${n}\n`) });
  console.log(JSON.stringify({ ...r, report: undefined }));
  console.log(r.report);
}
void main();
