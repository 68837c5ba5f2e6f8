/**
 * The provider's RPCs as plain calls (no gRPC): ldoms_host against the lab's SSH server, and
 * the diagnostics of hosts that cannot be read, whose text is the one `ldoms plan` reports.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engineHosts, planHosts } from "../../src/engine";
import { sshConnect as cliConnect } from "../../src/cli/engine-input";
import { sshConnect } from "../../src/provider/connect";
import { decodeDynamicValue, encodeDynamicValue, UNKNOWN } from "../../src/provider/dynamic-value";
import { LdomsProvider } from "../../src/provider/provider-rpcs";
import { examplePlan } from "../../test-kit/example-plan";
import { writeProviderFiles } from "./support";
import { startSshLab, type SshLab } from "../engine/support/ssh-lab";

const hostConfig = (host: string) => ({ type_name: "ldoms_host", config: encodeDynamicValue({ host, domains: null, vfs: null, pfs: null }) });

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("LdomsProvider RPCs against the lab", () => {
  let lab: SshLab;
  let dir: string;

  beforeAll(async () => {
    lab = await startSshLab();
    dir = mkdtempSync(join(tmpdir(), "ldoms-provider-rpcs-"));
    writeProviderFiles(dir, examplePlan(), lab.inventory.hosts);
  });

  afterAll(async () => {
    await lab?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const configured = (env: NodeJS.ProcessEnv = {}) => {
    const provider = new LdomsProvider(sshConnect(), dir, env);
    return { provider, configure: provider.configureProvider({ config: encodeDynamicValue({ plan_document: "ldoms.plan.json", inventory: "inventory.json" }) }) };
  };

  it("reads a host: domains by name, PFs by pseudonym, no VFs before the example is applied", async () => {
    const { provider, configure } = configured();
    expect(configure.diagnostics).toEqual([]);
    const read = await provider.readDataSource(hostConfig("t7-b"));
    expect(read.diagnostics).toEqual([]);
    expect(decodeDynamicValue(read.state)).toEqual({
      host: "t7-b",
      domains: [{ name: "primary", state: "active" }],
      vfs: [],
      pfs: [{ pseudonym: "/SYS/MB/NET2/IOVNET.PF0", class: expect.any(String), domain: "primary", status: null }],
    });
  });

  it("the inventory defaults to $LDOMS_INVENTORY, as for ldoms plan", async () => {
    const provider = new LdomsProvider(sshConnect(), dir, { LDOMS_INVENTORY: "inventory.json" });
    expect(provider.configureProvider({ config: encodeDynamicValue({ plan_document: "ldoms.plan.json", inventory: null }) }).diagnostics).toEqual([]);
    expect((await provider.readDataSource(hostConfig("t7-a"))).diagnostics).toEqual([]);
  });

  it("an unreachable host: the diagnostic is the message ldoms plan reports for it", async () => {
    const port = await closedPort();
    const hosts = { ...lab.inventory.hosts, "t7-a": { ...lab.inventory.hosts["t7-a"]!, port } };
    writeFileSync(join(dir, "unreachable.json"), JSON.stringify({ hosts }));
    const provider = new LdomsProvider(sshConnect(), dir, {});
    provider.configureProvider({ config: encodeDynamicValue({ plan_document: "ldoms.plan.json", inventory: "unreachable.json" }) });
    const read = await provider.readDataSource(hostConfig("t7-a"));
    const plan = await planHosts(engineHosts(examplePlan(), { inventory: { hosts }, hostIds: ["t7-a"] }), { connect: cliConnect({}) });
    const message = plan.hosts[0]?.error?.message ?? "";
    expect(message).toMatch(/^t7-a: Cannot reach ldmops@127\.0\.0\.1:\d+ \(ECONNREFUSED/);
    expect(read.diagnostics).toEqual([{ severity: "ERROR", summary: message, detail: "" }]);
    expect(read.state).toBeUndefined();
  });

  it("values not known until apply pass validation (Terraform reads the data source once they are known)", () => {
    const { provider } = configured();
    expect(provider.validateDataResourceConfig({ type_name: "ldoms_host", config: encodeDynamicValue({ host: UNKNOWN, domains: null, vfs: null, pfs: null }) }).diagnostics).toEqual([]);
    expect(provider.validateProviderConfig({ config: encodeDynamicValue({ plan_document: UNKNOWN, inventory: null }) }).diagnostics).toEqual([]);
    const unknownPath = new LdomsProvider(sshConnect(), dir, {}).configureProvider({ config: encodeDynamicValue({ plan_document: UNKNOWN, inventory: null }) });
    expect(unknownPath.diagnostics).toMatchObject([{ summary: expect.stringMatching(/^the ldoms provider's plan_document and inventory must be known before apply/) }]);
  });

  it("an empty host, and a host outside the inventory, are diagnostics on the host attribute", async () => {
    const { provider } = configured();
    expect(provider.validateDataResourceConfig(hostConfig(" ")).diagnostics).toEqual([
      { severity: "ERROR", summary: "host is empty: give the id of a host of the plan document (a ControlDomain's id)", detail: "", attribute: { steps: [{ attribute_name: "host" }] } },
    ]);
    writeFileSync(join(dir, "only-b.json"), JSON.stringify({ hosts: { "t7-b": lab.inventory.hosts["t7-b"] } }));
    const onlyB = new LdomsProvider(sshConnect(), dir, {});
    onlyB.configureProvider({ config: encodeDynamicValue({ plan_document: "ldoms.plan.json", inventory: "only-b.json" }) });
    const read = await onlyB.readDataSource(hostConfig("t7-a"));
    expect(read.diagnostics).toMatchObject([{ summary: expect.stringMatching(/^host t7-a is not in .*only-b\.json, which has t7-b; add "t7-a" under "hosts"/), attribute: { steps: [{ attribute_name: "host" }] } }]);
  });

  it("after StopProvider no host is read: the diagnostic says Terraform stopped the provider", async () => {
    const { provider } = configured();
    expect(await provider.stopProvider()).toEqual({ Error: "" });
    const read = await provider.readDataSource(hostConfig("t7-a"));
    expect(read.diagnostics).toMatchObject([{ summary: "t7-a: not read: Terraform stopped the ldoms provider (interrupted)" }]);
  });
});
