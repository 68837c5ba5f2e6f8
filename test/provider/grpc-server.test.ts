/**
 * The provider's gRPC server in-process, reached as Terraform reaches it: mutual TLS with the
 * certificate from the handshake line, protocol 6 RPCs, go-plugin's health and controller.
 */
import { X509Certificate } from "node:crypto";
import { credentials, loadPackageDefinition, type Client, type ServiceError } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeDynamicValue } from "../../src/provider/dynamic-value";
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from "../../src/provider/handshake";
import { protocolServices } from "../../src/provider/protocol";
import { serveProvider } from "../../src/provider/serve";
import { makeServerCertificate } from "../../src/provider/tls";

type Call = (request: object, callback: (error: ServiceError | null, response: Record<string, unknown>) => void) => void;
type Constructor = new (address: string, creds: ReturnType<typeof credentials.createSsl>, options?: object) => Client;

function pemOf(der: Buffer): string {
  return new X509Certificate(der).toString();
}

function call(client: Client, method: string, request: object = {}): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => (client as unknown as Record<string, Call>)[method]!.call(client, request, (error, response) => (error ? reject(error) : resolve(response))));
}

describe("provider gRPC server with automatic mutual TLS", () => {
  const terraformCert = makeServerCertificate();
  let served: Promise<number>;
  let address: string;
  let serverPem: string;
  let provider: Client;
  const root = loadPackageDefinition(protocolServices().definition) as unknown as Record<string, Record<string, Constructor>>;
  const connect = (service: Constructor, withCert = true) =>
    new service(
      address,
      withCert ? credentials.createSsl(Buffer.from(serverPem), Buffer.from(terraformCert.keyPem), Buffer.from(terraformCert.certPem)) : credentials.createSsl(Buffer.from(serverPem)),
      { "grpc.ssl_target_name_override": "localhost" },
    );

  beforeAll(async () => {
    const listening = new Promise<string>((resolve) => {
      served = serveProvider({
        env: { [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: "5,6", PLUGIN_CLIENT_CERT: terraformCert.certPem },
        writeHandshake: () => undefined,
        writeError: () => undefined,
        onListening: resolve,
      });
    });
    const fields = (await listening).split("|");
    expect(fields.slice(0, 3)).toEqual(["1", "6", "tcp"]);
    address = fields[3]!;
    serverPem = pemOf(Buffer.from(fields[5]!, "base64"));
    provider = connect(root["tfplugin6"]!["Provider"]!);
  });

  afterAll(() => provider?.close());

  it("GetProviderSchema and GetMetadata name the provider block and the data source ldoms_host", async () => {
    const schema = await call(provider, "GetProviderSchema");
    const providerBlock = (schema["provider"] as { block: { attributes: { name: string; required: boolean; type: Buffer }[] } }).block;
    expect(providerBlock.attributes.map((a) => [a.name, a.required, a.type.toString()])).toEqual([
      ["plan_document", true, '"string"'],
      ["inventory", false, '"string"'],
      ["lock_timeout", false, '"string"'],
      ["allow_disruptive", false, '"bool"'],
    ]);
    const host = (schema["data_source_schemas"] as Record<string, { block: { attributes: { name: string; computed: boolean; type: Buffer }[] } }>)["ldoms_host"]!;
    expect(host.block.attributes.map((a) => a.name)).toEqual(["host", "domains", "vfs", "pfs"]);
    expect(JSON.parse(host.block.attributes[2]!.type.toString())).toEqual(["list", ["object", { name: "string", pseudonym: "string", pf: "string", domain: "string" }]]);
    expect(schema["diagnostics"]).toEqual([]);
    const metadata = await call(provider, "GetMetadata");
    expect(metadata["data_sources"]).toEqual([{ type_name: "ldoms_host" }]);
  });

  it("configuration problems are error diagnostics with the CLI's text and the attribute", async () => {
    const empty = await call(provider, "ValidateProviderConfig", { config: encodeDynamicValue({ plan_document: "", inventory: null }) });
    expect(empty["diagnostics"]).toMatchObject([{ severity: "ERROR", summary: expect.stringMatching(/^plan_document is empty/), attribute: { steps: [{ attribute_name: "plan_document" }] } }]);
    const missing = await call(provider, "ConfigureProvider", { config: encodeDynamicValue({ plan_document: "/nonexistent/ldoms.plan.json", inventory: null }) });
    expect(missing["diagnostics"]).toMatchObject([
      { severity: "ERROR", summary: "cannot read plan document /nonexistent/ldoms.plan.json: ENOENT; run `ldoms synth` first or check the path" },
    ]);
    const unconfigured = await call(provider, "ReadDataSource", { type_name: "ldoms_host", config: encodeDynamicValue({ host: "t7-a", domains: null, vfs: null, pfs: null }) });
    expect(unconfigured["diagnostics"]).toMatchObject([{ severity: "ERROR", summary: expect.stringMatching(/not configured/) }]);
    const wrongType = await call(provider, "ValidateDataResourceConfig", { type_name: "ldoms_vf", config: encodeDynamicValue({}) });
    expect(wrongType["diagnostics"]).toMatchObject([{ summary: "the ldoms provider has no data source ldoms_vf; data sources: ldoms_host" }]);
  });

  it("an RPC this version lacks answers with a diagnostic naming it; a stream with UNIMPLEMENTED", async () => {
    const move = await call(provider, "MoveResourceState", { target_type_name: "ldoms_vf" });
    expect(move["diagnostics"]).toMatchObject([{ severity: "ERROR", summary: expect.stringMatching(/^the ldoms provider does not implement MoveResourceState yet/) }]);
    const stream = (provider as unknown as Record<string, (request: object) => NodeJS.EventEmitter>)["ListResource"]!.call(provider, { type_name: "x" });
    const error = await new Promise<ServiceError>((resolve) => stream.on("error", resolve));
    expect([error.code, error.details]).toEqual([12, expect.stringMatching(/does not implement ListResource/)]);
    expect(await call(provider, "GetFunctions")).toMatchObject({ diagnostics: [] });
    expect(await call(provider, "StopProvider")).toEqual({ Error: "" });
  });

  it("health says the plugin is serving; a client without Terraform's certificate is refused", async () => {
    const health = connect(root["grpc"]!["health"]!["v1" as never]!["Health" as never] as unknown as Constructor);
    expect(await call(health, "Check", { service: "plugin" })).toEqual({ status: "SERVING" });
    health.close();
    const stranger = connect(root["tfplugin6"]!["Provider"]!, false);
    await expect(call(stranger, "GetMetadata")).rejects.toMatchObject({ code: 14 });
    stranger.close();
  });

  it("the controller's Shutdown ends serving with exit code 0", async () => {
    const controller = connect(root["plugin"]!["GRPCController"]!);
    expect(await call(controller, "Shutdown")).toEqual({});
    controller.close();
    await expect(served).resolves.toBe(0);
  });
});
