import { runBudget } from "./run";
import { World } from "./world";
const stats = new Map<string, { n: number; ms: number }>();
const orig = World.prototype.run;
World.prototype.run = async function (label, fault, body) {
  const t = Date.now();
  try { return await orig.call(this, label, fault, body); } finally {
    const k = label.split(" ")[0] + (fault.kind !== "none" ? ":" + fault.kind : "");
    const s = stats.get(k) ?? { n: 0, ms: 0 }; s.n++; s.ms += Date.now() - t; stats.set(k, s);
  }
};
async function main() {
  const seed = process.argv[2] ? Number(process.argv[2]) : undefined;
  const r = await runBudget({ numRuns: Number(process.argv[3] ?? 5), maxCommands: Number(process.argv[4] ?? 15), ...(seed !== undefined ? { seed } : {}) });
  console.log(JSON.stringify({ ...r, report: undefined }));
  console.log([...stats].map(([k, v]) => `${k} n=${v.n} avg=${Math.round(v.ms / v.n)}`).join("\n"));
  console.log(r.report);
}
void main();
