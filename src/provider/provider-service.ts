/**
 * The `tfplugin6.Provider` service: the RPCs this version implements, empty answers for the
 * listings newer Terraform versions ask every provider for, and for every other RPC an error
 * diagnostic naming it (a gRPC UNIMPLEMENTED status for streams and answers without
 * diagnostics), so Terraform reports a clear message instead of a crash.
 */
import { status, type MethodDefinition, type ServiceDefinition, type UntypedHandleCall, type UntypedServiceImplementation } from "@grpc/grpc-js";
import type { handleUnaryCall, ServerErrorResponse } from "@grpc/grpc-js";
import { diagnosticFromError, errorDiagnostic } from "./diagnostics";
import { answersWithDiagnostics } from "./protocol";
import type { LdomsProvider } from "./provider-rpcs";
import { DATA_SOURCES, RESOURCES } from "./schema";

type Rpc = (request: never) => unknown;

/** The RPCs the service calls, answered at once or later: LdomsProvider, or LazyProvider in front of it. */
export type ProviderRpcs = { readonly [K in Exclude<keyof LdomsProvider, "close">]: (...request: Parameters<LdomsProvider[K]>) => unknown };

function grpcError(code: status, details: string): ServerErrorResponse {
  return Object.assign(new Error(details), { code, details });
}

/** A unary handler; a throw becomes an error diagnostic when the answer can carry one. */
export function unary(method: MethodDefinition<unknown, unknown>, rpc: Rpc): handleUnaryCall<unknown, unknown> {
  return (call, callback) => {
    Promise.resolve()
      .then(() => rpc(call.request as never))
      .then(
        (response) => callback(null, response),
        (error: unknown) => {
          if (answersWithDiagnostics(method)) callback(null, { diagnostics: [diagnosticFromError(error)] });
          else callback(grpcError(status.INTERNAL, diagnosticFromError(error).detail || String(error)));
        },
      );
  };
}

function notImplemented(name: string, method: MethodDefinition<unknown, unknown>): UntypedHandleCall {
  const message = `the ldoms provider does not implement ${name} yet: this version has the data source${Object.keys(DATA_SOURCES).length > 1 ? "s" : ""} ${Object.keys(DATA_SOURCES).join(", ")} and the resources ${Object.keys(RESOURCES).join(", ")}`;
  if (!method.requestStream && !method.responseStream && answersWithDiagnostics(method)) {
    return ((_call, callback) => callback(null, { diagnostics: [errorDiagnostic(message)] })) as handleUnaryCall<unknown, unknown>;
  }
  return ((call: { emit?: (event: string, error: unknown) => void; end?: () => void }, callback?: (error: unknown) => void) => {
    const error = grpcError(status.UNIMPLEMENTED, message);
    if (callback) callback(error);
    else call.emit?.("error", error);
  }) as UntypedHandleCall;
}

/** The handlers of every RPC of `definition`, taking the implemented ones from `provider`. */
export function providerImplementation(definition: ServiceDefinition, provider: ProviderRpcs): UntypedServiceImplementation {
  const implemented: Readonly<Record<string, Rpc>> = {
    GetMetadata: () => provider.getMetadata(),
    GetProviderSchema: () => provider.getProviderSchema(),
    ValidateProviderConfig: (r: Parameters<LdomsProvider["validateProviderConfig"]>[0]) => provider.validateProviderConfig(r),
    ConfigureProvider: (r: Parameters<LdomsProvider["configureProvider"]>[0]) => provider.configureProvider(r),
    ValidateDataResourceConfig: (r: Parameters<LdomsProvider["validateDataResourceConfig"]>[0]) => provider.validateDataResourceConfig(r),
    ReadDataSource: (r: Parameters<LdomsProvider["readDataSource"]>[0]) => provider.readDataSource(r),
    ValidateResourceConfig: (r: Parameters<LdomsProvider["validateResourceConfig"]>[0]) => provider.validateResourceConfig(r),
    UpgradeResourceState: (r: Parameters<LdomsProvider["upgradeResourceState"]>[0]) => provider.upgradeResourceState(r),
    ReadResource: (r: Parameters<LdomsProvider["readResource"]>[0]) => provider.readResource(r),
    PlanResourceChange: (r: Parameters<LdomsProvider["planResourceChange"]>[0]) => provider.planResourceChange(r),
    ApplyResourceChange: (r: Parameters<LdomsProvider["applyResourceChange"]>[0]) => provider.applyResourceChange(r),
    ImportResourceState: (r: Parameters<LdomsProvider["importResourceState"]>[0]) => provider.importResourceState(r),
    StopProvider: () => provider.stopProvider(),
    // Asked of every provider by newer Terraform versions: nothing to list is not an error.
    GetFunctions: () => ({ functions: {}, diagnostics: [] }),
    GetResourceIdentitySchemas: () => ({ identity_schemas: {}, diagnostics: [] }),
  };
  const handlers: UntypedServiceImplementation = {};
  for (const [name, method] of Object.entries(definition)) {
    const rpc = implemented[name];
    handlers[name] = rpc ? (unary(method, rpc) as UntypedHandleCall) : notImplemented(name, method);
  }
  return handlers;
}
