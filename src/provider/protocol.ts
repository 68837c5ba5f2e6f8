/**
 * The protocol definitions Terraform and go-plugin speak, loaded from the package's `proto/`
 * folder at run time (no generated code to keep in step with the .proto files).
 */
import type { GrpcObject, ServiceDefinition } from "@grpc/grpc-js";
import { loadPackageDefinition } from "@grpc/grpc-js";
import { loadSync, type PackageDefinition } from "@grpc/proto-loader";
import { packageFile } from "../model/package-files";

export const PROTO_FILES = [
  "tfplugin6.proto",
  "plugin/grpc_controller.proto",
  "plugin/grpc_stdio.proto",
  "plugin/grpc_broker.proto",
  "grpc/health/v1/health.proto",
] as const;

export interface ProtocolServices {
  readonly definition: PackageDefinition;
  readonly provider: ServiceDefinition;
  readonly controller: ServiceDefinition;
  readonly stdio: ServiceDefinition;
  readonly broker: ServiceDefinition;
  readonly health: ServiceDefinition;
}

let loaded: ProtocolServices | undefined;

function service(root: GrpcObject, path: string): ServiceDefinition {
  let node: unknown = root;
  for (const part of path.split(".")) node = (node as Record<string, unknown>)[part];
  const found = (node as { service?: ServiceDefinition } | undefined)?.service;
  if (!found) throw new Error(`service ${path} is missing from the protocol files in ${packageFile("proto")}`);
  return found;
}

/** The services, loaded once per process. Field names stay as in the .proto files (snake_case). */
export function protocolServices(): ProtocolServices {
  if (loaded) return loaded;
  const definition = loadSync([...PROTO_FILES], {
    includeDirs: [packageFile("proto")],
    keepCase: true,
    longs: Number,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const root = loadPackageDefinition(definition);
  loaded = {
    definition,
    provider: service(root, "tfplugin6.Provider"),
    controller: service(root, "plugin.GRPCController"),
    stdio: service(root, "plugin.GRPCStdio"),
    broker: service(root, "plugin.GRPCBroker"),
    health: service(root, "grpc.health.v1.Health"),
  };
  return loaded;
}
