/**
 * The provider as Terraform starts it answers the schema and the validation RPCs without loading
 * the engine, SSH or the schema validator (two of the three processes Terraform starts for a
 * plan only ask those), and loads them at ConfigureProvider. Run in a fresh Node process on the
 * built package, where the modules a call loaded can be listed.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runProcess, showRun } from "../support/run-process";
import { builtPackage } from "../terraform/installed-package";

/** Loads LazyProvider from the build, calls `calls`, and prints the heavy modules loaded before and after ConfigureProvider. */
const PROBE = `
const dist = require("node:path").join(process.argv[1], "dist", "src", "provider");
const { LazyProvider } = require(dist + "/lazy-provider.js");
const { encodeDynamicValue } = require(dist + "/dynamic-value.js");
const heavy = () => [...new Set(Object.keys(require.cache).flatMap((k) => {
  const m = /[/]node_modules[/](ssh2|ajv)[/]|[/]dist[/]src[/](engine)[/]/.exec(k);
  return m ? [m[1] ?? m[2]] : [];
}))].sort();
const vf = { host: "t7-a", name: "bad name!", pf: "/SYS/MB/NET0/IOVNET.PF0", domain: null, pvid: null, vid: null, mtu: null, mac_addr: null, alt_mac_addrs: null, pseudonym: null, id: null };
(async () => {
  const p = new LazyProvider(undefined, process.cwd(), {});
  const schema = p.getProviderSchema();
  const block = p.validateProviderConfig({ config: encodeDynamicValue({ plan_document: "ldoms.plan.json", inventory: null, lock_timeout: "5 minutes", allow_disruptive: null }) });
  const resource = p.validateResourceConfig({ type_name: "ldoms_vf", config: encodeDynamicValue(vf) });
  const before = heavy();
  const configured = await p.configureProvider({ config: encodeDynamicValue({ plan_document: "no-such.plan.json", inventory: null, lock_timeout: null, allow_disruptive: null }) });
  const after = heavy();
  await p.close();
  const summaries = (r) => r.diagnostics.map((d) => d.summary);
  console.log(JSON.stringify({ resources: Object.keys(schema.resource_schemas), block: summaries(block), resource: summaries(resource), configured: summaries(configured), before, after }));
})();
`;

describe("LazyProvider: what a provider process loads for each kind of RPC", () => {
  it("validates without the engine, SSH or ajv, and loads them when Terraform configures it", async () => {
    const run = await runProcess(process.execPath, ["-e", PROBE, builtPackage()], { cwd: join(builtPackage(), "..") });
    expect(run.status, showRun(run)).toBe(0);
    const probe = JSON.parse(run.stdout) as Record<string, string[]>;
    expect(probe["resources"]).toEqual(expect.arrayContaining(["ldoms_vf", "ldoms_vnet", "ldoms_ipmp", "ldoms_placement"]));
    expect(probe["block"]).toEqual([expect.stringMatching(/^lock_timeout "5 minutes" is not a duration/)]);
    expect(probe["resource"]).toEqual([expect.stringContaining('"bad name!"')]);
    expect(probe["before"]).toEqual([]);
    expect(probe["configured"]).toEqual([expect.stringContaining("no-such.plan.json")]);
    expect(probe["after"]).toEqual(["ajv", "engine", "ssh2"]);
  });
});
