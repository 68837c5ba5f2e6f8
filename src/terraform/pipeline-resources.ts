/**
 * The Terraform resources of an LdomsStack, in either mode:
 * - `provider`: the ldoms provider block and one provider resource per declared object
 *   (src/terraform/provider-resources.ts says which);
 * - `local-exec`: one `terraform_data` per control domain whose `local-exec` runs `ldoms apply`
 *   for it, replaced when that host's desired state changes.
 * Either way an opted-in SriovMigration is a `terraform_data` whose `local-exec` runs
 * `ldoms migrate` after what it needs: both hosts' apply (local-exec), or its domain's resources
 * on the source and its target VFs (provider).
 */
import type { Construct } from "constructs";
import { TerraformResource } from "cdktf";
import { ValidationError, type MigrationPlan, type PlanDocument } from "../model";
import { hostDigest, ldomsApplyCommand, ldomsMigrateCommand, type LdomsInvocation } from "../synth";
import { LdomsProvider, LdomsResources, type LdomsResourceBody } from "./provider-constructs";
import { TERRAFORM_NAME_RULE, providerResources, type ProviderResourceSpec } from "./provider-resources";

/** Where the local-exec commands run, relative to the stack folder, and how they start `ldoms`. */
export interface LocalExecContext {
  readonly workingDir: string;
  readonly invocation: LdomsInvocation;
}

/** What the stack's resources are named after, for the message when two share a Terraform name. */
export type ResourceIdentities = Map<TerraformResource, string>;

/** What a migration waits for (Terraform addresses), and the value that changes when a host's desired state does. */
interface HostResources {
  readonly needs: (migration: MigrationPlan) => readonly string[];
  readonly trigger: (host: string) => string;
}

const addressOf = (resource: TerraformResource) => `${resource.terraformResourceType}.${resource.friendlyUniqueId}`;
const specAddress = (spec: ProviderResourceSpec) => `${spec.type}.${spec.name}`;

const localExecProvisioner = (context: LocalExecContext, command: string) => [{ type: "local-exec" as const, command, workingDir: context.workingDir }];

export function addLocalExecHostResources(scope: Construct, plan: PlanDocument, context: LocalExecContext, identities: ResourceIdentities): HostResources {
  const byHost = new Map<string, TerraformResource[]>();
  for (const host of plan.hosts) {
    const resource = new TerraformResource(scope, `ldoms-host-${host.id}`, {
      terraformResourceType: "terraform_data",
      provisioners: localExecProvisioner(context, ldomsApplyCommand(context.invocation, plan.stack, host.id)),
    });
    resource.addOverride("triggers_replace", { host: host.id, desired: hostDigest(host) });
    byHost.set(host.id, [resource]);
    identities.set(resource, `host id "${host.id}"`);
  }
  // A migration runs after both hosts' apply, and again when a host's resource is replaced (a new id).
  return {
    needs: (m) => [m.sourceHost, m.targetHost].flatMap((host) => byHost.get(host) ?? []).map(addressOf),
    trigger: (host) => byHost.get(host)?.[0]?.getStringAttribute("id") ?? host,
  };
}

/**
 * Two objects whose identities give one Terraform name would be one resource: refused before any
 * resource is made, naming both.
 */
function requireDistinctProviderNames(scope: Construct, specs: readonly ProviderResourceSpec[]): void {
  const byAddress = new Map<string, string[]>();
  for (const spec of specs) {
    const address = specAddress(spec);
    byAddress.set(address, [...(byAddress.get(address) ?? []), spec.what]);
  }
  const problems = [...byAddress].filter(([, whats]) => whats.length > 1)
    .map(([address, whats]) => `${scope.node.path}: ${whats.join(" and ")} become the same Terraform resource ${address} (${TERRAFORM_NAME_RULE}); rename one`);
  if (problems.length) throw new ValidationError(`stack ${scope.node.id} cannot be written for Terraform:`, problems);
}

export function addProviderResources(scope: Construct, plan: PlanDocument): HostResources {
  const { resources, byHost, problems } = providerResources(plan);
  const path = scope.node.path;
  if (problems.length) {
    throw new ValidationError(`stack ${scope.node.id} cannot be written for the ldoms Terraform provider (LdomsStack terraform: "provider", the default):`, problems.map((p) => `${path}: ${p}`));
  }
  requireDistinctProviderNames(scope, resources);
  new LdomsProvider(scope, "ldoms");
  const byType = new Map<string, Map<string, LdomsResourceBody>>();
  for (const spec of resources) {
    const bodies = byType.get(spec.type) ?? new Map<string, LdomsResourceBody>();
    // Addresses as text: cdktf's references (tokens) record a stack trace each, too slow for a fleet.
    bodies.set(spec.name, { attributes: spec.attributes, dependsOn: spec.dependsOn.map(specAddress) });
    byType.set(spec.type, bodies);
  }
  for (const [type, bodies] of byType) new LdomsResources(scope, type, bodies);
  // The provider's resources change in place, so a migration runs again when a host's desired state changes.
  // Computed for the hosts of opted-in migrations only: a digest costs about 0.6 ms a host.
  const hostsById = new Map(plan.hosts.map((host) => [host.id, host]));
  const digests = new Map<string, string>();
  const digestOf = (id: string): string => {
    const host = hostsById.get(id);
    if (!host) return id;
    if (!digests.has(id)) digests.set(id, hostDigest(host));
    return digests.get(id) as string;
  };
  return { needs: (m) => migrationNeeds(m, byHost).map(specAddress), trigger: digestOf };
}

/**
 * What a migration needs in place first: its domain's resources on the source (VFs, vnets, IPMP
 * groups) and its same-named VFs on the target. Only those: in a fleet every migration depending
 * on every resource of two hosts made cdk.tf.json grow with hosts x domains x resources.
 */
function migrationNeeds(m: MigrationPlan, byHost: ReadonlyMap<string, readonly ProviderResourceSpec[]>): ProviderResourceSpec[] {
  const targetVfs = new Set(m.targetVfs.map((vf) => vf.name));
  return [
    ...(byHost.get(m.sourceHost) ?? []).filter((spec) => spec.attributes["domain"] === m.domain),
    ...(byHost.get(m.targetHost) ?? []).filter((spec) => spec.type === "ldoms_vf" && targetVfs.has(spec.attributes["name"] as string)),
  ];
}

/**
 * Pipeline migrations that share a host run one after the other, in id order: they would only
 * meet on the host's lock, and a fixed order makes every run of the pipeline the same.
 */
export function addMigrationResources(scope: Construct, plan: PlanDocument, context: LocalExecContext, hosts: HostResources, identities: ResourceIdentities): void {
  const lastMigrationOn = new Map<string, TerraformResource>();
  for (const migration of plan.migrations) {
    if (!migration.migrate) continue;
    const hostsOf = [migration.sourceHost, migration.targetHost];
    const earlier = hostsOf.map((id) => lastMigrationOn.get(id)).filter((r): r is TerraformResource => r !== undefined);
    const resource = new TerraformResource(scope, `ldoms-migration-${migration.id}`, {
      terraformResourceType: "terraform_data",
      provisioners: localExecProvisioner(context, ldomsMigrateCommand(context.invocation, plan.stack, migration.id)),
    });
    // Addresses as text, as for the provider's resources (a reference token per dependency is slow in a fleet).
    resource.dependsOn = [...new Set([...hosts.needs(migration), ...earlier.map(addressOf)])];
    resource.addOverride("triggers_replace", {
      migration: migration.id,
      source: hosts.trigger(migration.sourceHost),
      target: hosts.trigger(migration.targetHost),
    });
    identities.set(resource, `migration id "${migration.id}"`);
    for (const id of hostsOf) lastMigrationOn.set(id, resource);
  }
}
