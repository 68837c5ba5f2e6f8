import { startWorld } from "./run";
async function main() {
  const w = await startWorld(2, 2);
  for (const f of [{ kind: "sigint", at: 3 }, { kind: "timeout", subcommand: "list", stallMs: 400, timeoutMs: 150 }, { kind: "timeout", subcommand: "add-io", stallMs: 400, timeoutMs: 150 }] as const) {
    w.setVariant("ldg1", f.kind === "sigint" ? "second-vlan" : "pvid-300");
    const a = await w.apply(f);
    console.log(f, a.code, a.faulted, a.execs, a.error, a.stdout.slice(0, 600), a.stderr.slice(-400));
    const m = await w.migrate(f, "ldg2", "t7-a");
    console.log("MIGRATE", a.code, m.faulted, m.execs, m.error, m.stdout.slice(0, 300));
  }
}
void main();
