/**
 * The RPCs answered without the engine: metadata, schema, and the validation of the provider
 * block, of resources and of data sources. Terraform asks for the schema and runs the
 * validation in provider processes of their own, two of the three it starts for a plan; these
 * answers load only the value checks, so those processes start without the engine and SSH.
 */
import { decodeDynamicValue, type DynamicValueMessage, type TerraformValue } from "./dynamic-value";
import { errorDiagnostic, type DiagnosticMessage } from "./diagnostics";
import { validateHostConfig } from "./host-data-source";
import { IPMP_RESOURCE } from "./ipmp-schema";
import { ipmpValues, validateIpmpConfig } from "./ipmp-values";
import { placementValues, validatePlacementConfig } from "./placement-plan";
import { configurationProblems } from "./provider-block";
import { DATA_SOURCES, HOST_DATA_SOURCE, PLACEMENT_RESOURCE, PROVIDER_SCHEMA, RESOURCES, schemaMessage, VF_RESOURCE, VNET_RESOURCE } from "./schema";
import { validateVfConfig, vfValues } from "./vf-values";
import { validateVnetConfig, vnetValues } from "./vnet-values";

// Destroys are planned here so that a refused destroy fails the plan, not the apply.
const SERVER_CAPABILITIES = { plan_destroy: true, get_provider_schema_optional: false, move_resource_state: false, generate_resource_config: false };

/** Each resource type's configuration check. */
const RESOURCE_CHECKS: Readonly<Record<string, (config: TerraformValue) => DiagnosticMessage[]>> = {
  [VF_RESOURCE]: (config) => validateVfConfig(vfValues(config)),
  [VNET_RESOURCE]: (config) => validateVnetConfig(vnetValues(config)),
  [PLACEMENT_RESOURCE]: (config) => validatePlacementConfig(placementValues(config)),
  [IPMP_RESOURCE]: (config) => validateIpmpConfig(ipmpValues(config)),
};

export interface TypedConfigRequest {
  readonly type_name: string;
  readonly config?: DynamicValueMessage | null;
}

export function unknownDataSource(typeName: string): DiagnosticMessage {
  return errorDiagnostic(`the ldoms provider has no data source ${typeName}; data sources: ${Object.keys(DATA_SOURCES).join(", ")}`);
}

export function unknownResource(typeName: string): DiagnosticMessage {
  return errorDiagnostic(`the ldoms provider has no resource ${typeName}; resources: ${Object.keys(RESOURCES).join(", ")}`);
}

export function getMetadata() {
  return {
    server_capabilities: SERVER_CAPABILITIES,
    diagnostics: [],
    data_sources: Object.keys(DATA_SOURCES).map((type_name) => ({ type_name })),
    resources: Object.keys(RESOURCES).map((type_name) => ({ type_name })),
  };
}

export function getProviderSchema() {
  return {
    provider: schemaMessage(PROVIDER_SCHEMA),
    resource_schemas: Object.fromEntries(Object.entries(RESOURCES).map(([name, spec]) => [name, schemaMessage(spec)])),
    data_source_schemas: Object.fromEntries(Object.entries(DATA_SOURCES).map(([name, spec]) => [name, schemaMessage(spec)])),
    diagnostics: [],
    server_capabilities: SERVER_CAPABILITIES,
  };
}

export function validateProviderConfig(request: { config?: DynamicValueMessage | null }) {
  const problems = configurationProblems(decodeDynamicValue(request.config));
  return { diagnostics: problems.map((p) => errorDiagnostic(p.message, p.attribute)) };
}

export function validateDataResourceConfig(request: TypedConfigRequest) {
  if (request.type_name !== HOST_DATA_SOURCE) return { diagnostics: [unknownDataSource(request.type_name)] };
  return { diagnostics: validateHostConfig(decodeDynamicValue(request.config)) };
}

export function validateResourceConfig(request: TypedConfigRequest) {
  const check = RESOURCE_CHECKS[request.type_name];
  if (!check) return { diagnostics: [unknownResource(request.type_name)] };
  return { diagnostics: check(decodeDynamicValue(request.config)) };
}
