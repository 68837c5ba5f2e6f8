/**
 * The `ldoms` provider block and its resources as plain cdktf elements: no generated provider
 * bindings (they would need `cdktf get` and the provider's schema at build time), just the type,
 * the source and the attribute values, written the same way to JSON and to HCL.
 */
import type { Construct } from "constructs";
import { TerraformProvider, TerraformResource, anyToHclTerraform } from "cdktf";
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

export interface LdomsResourceConfig {
  readonly type: string;
  readonly attributes: Attributes;
}

/** A resource of the ldoms provider with its attribute values (names as the provider's schema spells them). */
export class LdomsResource extends TerraformResource {
  private readonly attributes: Attributes;

  constructor(scope: Construct, id: string, config: LdomsResourceConfig) {
    super(scope, id, { terraformResourceType: config.type });
    this.attributes = config.attributes;
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return { ...this.attributes };
  }

  protected override synthesizeHclAttributes(): Record<string, unknown> {
    return hcl(this.attributes);
  }
}
