/**
 * The `ldoms` provider block and its resources as plain cdktf elements: no generated provider
 * bindings (they would need `cdktf get` and the provider's schema at build time), just the type,
 * the source and the attribute values, written the same way to JSON and to HCL.
 */
import type { Construct } from "constructs";
import { TerraformElement, TerraformProvider, anyToHclTerraform } from "cdktf";
import { PIPELINE_LOCK_TIMEOUT_MS, PLAN_FILE_NAME } from "../synth";
import type { AttributeValue } from "./provider-resources";

/**
 * The provider's source address, as `required_providers` names it; `ldoms provider install`
 * installs `registry.terraform.io/cdktf-ldoms/ldoms` (PROVIDER_ADDRESS of
 * src/provider/install-layout.ts, which src/terraform may not import; a test keeps them equal).
 */
export const LDOMS_PROVIDER_SOURCE = "cdktf-ldoms/ldoms";
export const LDOMS_PROVIDER_TYPE = "ldoms";

type Attributes = Readonly<Record<string, AttributeValue>>;

const hcl = (attributes: Attributes) => Object.fromEntries(Object.entries(attributes).map(([key, value]) => [key, anyToHclTerraform(value)]));

/**
 * `provider "ldoms" { plan_document = "ldoms.plan.json", lock_timeout = "30m" }`: the plan
 * document relative, because Terraform runs in the stack's folder beside it (the folder stays
 * portable and byte-stable); the lock wait the local-exec commands use too, so a pipeline that
 * meets another operator's run on a host takes its turn instead of failing.
 */
export class LdomsProvider extends TerraformProvider {
  private readonly attributes: Attributes = { plan_document: PLAN_FILE_NAME, lock_timeout: `${PIPELINE_LOCK_TIMEOUT_MS / 60_000}m` };

  constructor(scope: Construct, id: string) {
    super(scope, id, { terraformResourceType: LDOMS_PROVIDER_TYPE, terraformProviderSource: LDOMS_PROVIDER_SOURCE });
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return { ...this.attributes };
  }

  protected override synthesizeHclAttributes(): Record<string, unknown> {
    return hcl(this.attributes);
  }
}

/** One resource of the ldoms provider: its attribute values (names as the provider's schema spells them) and what it waits for. */
export interface LdomsResourceBody {
  readonly attributes: Attributes;
  /** Terraform addresses (`ldoms_vf.NAME`), as text. */
  readonly dependsOn: readonly string[];
}

/**
 * Every resource of one type of the ldoms provider, as one element: the JSON is what one
 * TerraformResource per object writes (attributes, `depends_on`, cdktf's `//` metadata with the
 * path such a construct would have). A fleet has tens of thousands of them: cdktf spent about
 * 12 s synthesizing 40,000 resource constructs, and resolving the values as tokens (three passes
 * over cdk.tf.json) still cost about 3 s for one element per type. The values are plain (names,
 * numbers and lists from the validated plan document, never tokens), so for cdk.tf.json the
 * stack adds the block itself, unresolved ({@link LdomsResources.block}); cdktf's own pass only
 * sees an empty fragment. HCL output goes through cdktf as usual.
 */
export class LdomsResources extends TerraformElement {
  constructor(
    scope: Construct,
    readonly type: string,
    private readonly bodies: ReadonlyMap<string, LdomsResourceBody>,
  ) {
    // Not the type alone: a user's construct may be named so.
    super(scope, `${type}-resources`);
  }

  static isLdomsResources(x: unknown): x is LdomsResources {
    return x instanceof LdomsResources;
  }

  private resourceBlock(attributesOf: (attributes: Attributes) => Record<string, unknown>): Record<string, unknown> {
    // The path the resource's own construct had: tools reading cdk.tf.json's metadata see no change.
    const path = this.node.scope?.node.path ?? "";
    const block: Record<string, unknown> = {};
    for (const [name, body] of this.bodies) {
      block[name] = {
        ...attributesOf(body.attributes),
        ...(body.dependsOn.length ? { depends_on: [...body.dependsOn] } : {}),
        "//": { metadata: { path: `${path}/${this.type}.${name}`, uniqueId: name } },
      };
    }
    return block;
  }

  /** The resources of this type as cdk.tf.json holds them under `resource.TYPE`. */
  block(): Record<string, unknown> {
    return this.resourceBlock((attributes) => ({ ...attributes }));
  }

  /** Added by the stack after cdktf's resolution (LdomsStack.toTerraform). */
  override toTerraform(): Record<string, unknown> {
    return {};
  }

  override toHclTerraform(): Record<string, unknown> {
    return { resource: { [this.type]: this.resourceBlock(hcl) } };
  }
}
