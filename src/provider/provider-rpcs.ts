/**
 * The provider's own RPCs (schema, metadata, provider configuration, stop) and its data source
 * RPCs, as plain async functions of the request messages. The gRPC wiring is in server.ts.
 */
import type { ConnectHost } from "../engine";
import { configurationProblems, loadConfiguration, type ProviderConfiguration } from "./configuration";
import { decodeDynamicValue, encodeDynamicValue, type DynamicValueMessage } from "./dynamic-value";
import { diagnosticFromError, errorDiagnostic, type DiagnosticMessage } from "./diagnostics";
import { readHostDataSource, validateHostConfig } from "./host-data-source";
import { HostReads } from "./host-reads";
import { DATA_SOURCES, HOST_DATA_SOURCE, PROVIDER_SCHEMA, schemaMessage } from "./schema";

interface TypedConfigRequest {
  readonly type_name: string;
  readonly config?: DynamicValueMessage | null;
}

// No managed resources yet, so nothing to plan on destroy; the schema is cheap, but is asked for.
const SERVER_CAPABILITIES = { plan_destroy: false, get_provider_schema_optional: false, move_resource_state: false, generate_resource_config: false };

function unknownDataSource(typeName: string): DiagnosticMessage {
  return errorDiagnostic(`the ldoms provider has no data source ${typeName}; data sources: ${Object.keys(DATA_SOURCES).join(", ")}`);
}

export class LdomsProvider {
  private configuration: ProviderConfiguration | undefined;
  private readonly reads: HostReads;

  constructor(connect: ConnectHost, private readonly cwd: string = process.cwd(), private readonly env: NodeJS.ProcessEnv = process.env) {
    this.reads = new HostReads(connect);
  }

  getMetadata() {
    return {
      server_capabilities: SERVER_CAPABILITIES,
      diagnostics: [],
      data_sources: Object.keys(DATA_SOURCES).map((type_name) => ({ type_name })),
      resources: [],
    };
  }

  getProviderSchema() {
    return {
      provider: schemaMessage(PROVIDER_SCHEMA),
      resource_schemas: {},
      data_source_schemas: Object.fromEntries(Object.entries(DATA_SOURCES).map(([name, spec]) => [name, schemaMessage(spec)])),
      diagnostics: [],
      server_capabilities: SERVER_CAPABILITIES,
    };
  }

  validateProviderConfig(request: { config?: DynamicValueMessage | null }) {
    const problems = configurationProblems(decodeDynamicValue(request.config));
    return { diagnostics: problems.map((p) => errorDiagnostic(p.message, p.attribute)) };
  }

  configureProvider(request: { config?: DynamicValueMessage | null }) {
    try {
      this.configuration = loadConfiguration(decodeDynamicValue(request.config), this.cwd, this.env);
      return { diagnostics: [] };
    } catch (error) {
      this.configuration = undefined;
      return { diagnostics: [diagnosticFromError(error)] };
    }
  }

  validateDataResourceConfig(request: TypedConfigRequest) {
    if (request.type_name !== HOST_DATA_SOURCE) return { diagnostics: [unknownDataSource(request.type_name)] };
    return { diagnostics: validateHostConfig(decodeDynamicValue(request.config)) };
  }

  async readDataSource(request: TypedConfigRequest) {
    if (request.type_name !== HOST_DATA_SOURCE) return { diagnostics: [unknownDataSource(request.type_name)] };
    const read = await readHostDataSource(decodeDynamicValue(request.config), this.configuration, this.reads);
    return { diagnostics: read.diagnostics, ...(read.state !== undefined ? { state: encodeDynamicValue(read.state) } : {}) };
  }

  /** Terraform asks running operations to end (Ctrl-C): reads in flight lose their connections. */
  async stopProvider() {
    await this.reads.stop();
    return { Error: "" };
  }

  /** The process is ending (the controller's Shutdown). */
  async close(): Promise<void> {
    await this.reads.stop();
  }
}
