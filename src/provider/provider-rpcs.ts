/**
 * The provider's own RPCs (schema, metadata, provider configuration, stop), its data source
 * RPCs and its resource RPCs, as plain async functions of the request messages. The gRPC wiring
 * is in provider-service.ts.
 */
import type { ConnectHost } from "../engine";
import { loadConfiguration, type ProviderConfiguration } from "./configuration";
import { decodeDynamicValue, encodeDynamicValue, type DynamicValueMessage } from "./dynamic-value";
import { diagnosticFromError, errorDiagnostic, type AttributePathMessage, type DiagnosticMessage } from "./diagnostics";
import { readHostDataSource } from "./host-data-source";
import { HostReads } from "./host-reads";
import { HostQueue } from "./host-queue";
import { IPMP_RESOURCE } from "./ipmp-schema";
import { IpmpResources } from "./ipmp-resource";
import { PlacementResources } from "./placement-resource";
import { getMetadata, getProviderSchema, unknownDataSource, unknownResource, validateDataResourceConfig, validateProviderConfig, validateResourceConfig, type TypedConfigRequest } from "./light-rpcs";
import { HOST_DATA_SOURCE, PLACEMENT_RESOURCE, VF_RESOURCE, VNET_RESOURCE } from "./schema";
import { VfResources, type VfPlanResult, type VfResult } from "./vf-resource";
import { VnetResources } from "./vnet-resource";

/** What every resource type implements; the provider's RPCs pick one by type name. */
interface ResourceType {
  upgrade(version: number, json: Uint8Array | undefined): VfResult;
  read(configuration: ProviderConfiguration, current: DynamicValueMessage | null | undefined): Promise<VfResult>;
  plan(configuration: ProviderConfiguration, request: ChangeRequest): Promise<VfPlanResult>;
  apply(configuration: ProviderConfiguration, request: ChangeRequest): Promise<VfResult>;
  importState(id: string): VfResult;
  stop(): void;
}

type EncodedValue = ReturnType<typeof encodeDynamicValue>;

const NOT_CONFIGURED = errorDiagnostic("the ldoms provider is not configured: ConfigureProvider did not succeed");

/** A resource answer: the state as MessagePack under `key` when there is one (null included: no object). */
function withState<K extends string>(key: K, result: VfResult): { diagnostics: readonly DiagnosticMessage[] } & Partial<Record<K, EncodedValue>> {
  const state: Partial<Record<K, EncodedValue>> = {};
  if (result.state !== undefined) state[key] = encodeDynamicValue(result.state);
  return { diagnostics: result.diagnostics, ...state };
}

interface StateRequest {
  readonly type_name: string;
  readonly current_state?: DynamicValueMessage | null;
}

interface ChangeRequest {
  readonly type_name: string;
  readonly prior_state?: DynamicValueMessage | null;
  readonly proposed_new_state?: DynamicValueMessage | null;
  readonly planned_state?: DynamicValueMessage | null;
  readonly config?: DynamicValueMessage | null;
}

export class LdomsProvider {
  private configuration: ProviderConfiguration | undefined;
  private readonly reads: HostReads;
  private readonly resources: ReadonlyMap<string, ResourceType>;

  constructor(connect: ConnectHost, private readonly cwd: string = process.cwd(), private readonly env: NodeJS.ProcessEnv = process.env) {
    this.reads = new HostReads(connect);
    const queue = new HostQueue();
    this.resources = new Map<string, ResourceType>([
      [VF_RESOURCE, new VfResources(connect, this.reads, queue)],
      [VNET_RESOURCE, new VnetResources(connect, this.reads, queue)],
      [PLACEMENT_RESOURCE, new PlacementResources(connect, this.reads, queue)],
      [IPMP_RESOURCE, new IpmpResources(connect, this.reads, queue)],
    ]);
  }

  getMetadata() {
    return getMetadata();
  }

  getProviderSchema() {
    return getProviderSchema();
  }

  validateProviderConfig(request: { config?: DynamicValueMessage | null }) {
    return validateProviderConfig(request);
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
    return validateDataResourceConfig(request);
  }

  async readDataSource(request: TypedConfigRequest) {
    if (request.type_name !== HOST_DATA_SOURCE) return { diagnostics: [unknownDataSource(request.type_name)] };
    const read = await readHostDataSource(decodeDynamicValue(request.config), this.configuration, this.reads);
    return { diagnostics: read.diagnostics, ...(read.state !== undefined ? { state: encodeDynamicValue(read.state) } : {}) };
  }

  validateResourceConfig(request: TypedConfigRequest) {
    return validateResourceConfig(request);
  }

  upgradeResourceState(request: { type_name: string; version?: number; raw_state?: { json?: Uint8Array } | null }) {
    const resource = this.resources.get(request.type_name);
    if (!resource) return { diagnostics: [unknownResource(request.type_name)] };
    return withState("upgraded_state", resource.upgrade(Number(request.version ?? 0), request.raw_state?.json));
  }

  async readResource(request: StateRequest): Promise<{ diagnostics: readonly DiagnosticMessage[]; new_state?: EncodedValue }> {
    const resource = this.resources.get(request.type_name);
    if (!resource) return { diagnostics: [unknownResource(request.type_name)] };
    if (!this.configuration) return { diagnostics: [NOT_CONFIGURED] };
    return withState("new_state", await resource.read(this.configuration, request.current_state));
  }

  async planResourceChange(request: ChangeRequest): Promise<{ diagnostics: readonly DiagnosticMessage[]; planned_state?: EncodedValue; requires_replace?: AttributePathMessage[] }> {
    const resource = this.resources.get(request.type_name);
    if (!resource) return { diagnostics: [unknownResource(request.type_name)] };
    if (!this.configuration) return { diagnostics: [NOT_CONFIGURED] };
    const plan = await resource.plan(this.configuration, request);
    return { ...withState("planned_state", plan), requires_replace: plan.requiresReplace.map((name) => ({ steps: [{ attribute_name: name }] })) };
  }

  async applyResourceChange(request: ChangeRequest): Promise<{ diagnostics: readonly DiagnosticMessage[]; new_state?: EncodedValue }> {
    const resource = this.resources.get(request.type_name);
    if (!resource) return { diagnostics: [unknownResource(request.type_name)] };
    if (!this.configuration) return { diagnostics: [NOT_CONFIGURED] };
    return withState("new_state", await resource.apply(this.configuration, request));
  }

  importResourceState(request: { type_name: string; id: string }) {
    const resource = this.resources.get(request.type_name);
    if (!resource) return { diagnostics: [unknownResource(request.type_name)], imported_resources: [] };
    const imported = resource.importState(request.id);
    return {
      diagnostics: imported.diagnostics,
      imported_resources: imported.state !== undefined ? [{ type_name: request.type_name, state: encodeDynamicValue(imported.state) }] : [],
    };
  }

  /** Terraform asks running operations to end (Ctrl-C): reads in flight lose their connections, applies stop after their current command. */
  async stopProvider() {
    for (const resource of this.resources.values()) resource.stop();
    await this.reads.stop();
    return { Error: "" };
  }

  /** The process is ending (the controller's Shutdown). */
  async close(): Promise<void> {
    for (const resource of this.resources.values()) resource.stop();
    await this.reads.stop();
  }
}
