import { startWorld } from "./run";
async function main() {
  const w = await startWorld(3, 3);
  w.setVariant("ldg1", "pvid-300");
  const a = await w.apply({ kind: "none" });
  console.log("apply", a.code, a.error, a.code ? a.stdout : "");
  const m = await w.migrate({ kind: "none" }, "ldg1", "t7-b");
  const r = JSON.parse(m.stdout);
  console.log(m.code, r.outcome, r.summary, JSON.stringify(r.preflight.filter((c: any) => c.status !== "passed"), null, 1));
}
void main();
