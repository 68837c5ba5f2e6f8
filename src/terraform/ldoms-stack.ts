import { join } from "node:path";
import type { Construct, IConstruct } from "constructs";
import { App, LocalBackend, Manifest, TerraformStack, type ISynthesisSession, type TerraformResource } from "cdktf";
import {
  ControlDomain, EthernetVf, FibreChannelVf, GuestDomain, InfiniBandVf, IpmpGroup, Network, SriovMigration, VirtualSwitch, Vnet,
} from "../constructs";
import { checkName } from "../constructs/validation";
import { ValidationError, type PlanDocument } from "../model";
import { PLAN_FILE_NAME, synthesizePlan, writeStackArtifacts } from "../synth";
import { finalOutdir, localExecPlacement, type LocalExecPlacement } from "./local-exec-placement";
import { addLocalExecHostResources, addMigrationResources, addProviderResources, type ResourceIdentities } from "./pipeline-resources";
import { LdomsResources } from "./provider-constructs";

const LDOMS_CONSTRUCTS = [
  ControlDomain, EthernetVf, FibreChannelVf, GuestDomain, InfiniBandVf, IpmpGroup, Network, SriovMigration, VirtualSwitch, Vnet,
];

function isLdomsConstruct(construct: IConstruct): boolean {
  return LDOMS_CONSTRUCTS.some((type) => construct instanceof type);
}

/**
 * The stack id names the output folder, the state file and `--stack` in the local-exec commands;
 * it is checked before cdktf sees it, so the message is ours whatever cdktf would say.
 */
function checkedStackId(scope: Construct, id: string): string {
  return checkName(scope.node.path ? `${scope.node.path}/${id}` : id, "id", id);
}

const TERRAFORM_MODES: readonly TerraformMode[] = ["provider", "local-exec"];

/** The mode asked for; a JavaScript caller may pass anything. */
function checkedTerraformMode(path: string, mode: unknown): TerraformMode {
  if (mode === undefined) return "provider";
  if (TERRAFORM_MODES.includes(mode as TerraformMode)) return mode as TerraformMode;
  throw new ValidationError(`${path}: terraform ${JSON.stringify(mode)} is not a Terraform mode; use "provider" (the default: the ldoms provider's resources) or "local-exec" (terraform_data running ldoms apply per host)`);
}

/** Apps whose constructs outside any LdomsStack have been validated. */
const validatedApps = new WeakSet<IConstruct>();

/**
 * cdktf checks a stack just before writing it, and the app's own constructs after writing every
 * stack: an invalid construct in a later stack or directly under the app would leave the files
 * of the stacks written before it. The first LdomsStack prepared checks, once per app, every
 * construct no LdomsStack checks, before anything is written.
 */
function validateOutsideLdomsStacks(app: IConstruct): void {
  if (validatedApps.has(app)) return;
  const problems: string[] = [];
  const visit = (construct: IConstruct): void => {
    if (construct instanceof LdomsStack) return;
    for (const message of construct.node.validate()) problems.push(`${construct.node.path || "the app"}: ${message}`);
    construct.node.children.forEach(visit);
  };
  visit(app);
  if (problems.length) {
    throw new ValidationError(`the app has ${problems.length} validation error${problems.length === 1 ? "" : "s"} outside its LDoms stacks; nothing was written:`, problems);
  }
  validatedApps.add(app);
}

/** How Terraform changes the hosts of a stack (`LdomsStackProps.terraform`). */
export type TerraformMode = "provider" | "local-exec";

export interface LdomsStackProps {
  /**
   * What `cdk.tf.json` holds:
   * - `"provider"`: the ldoms Terraform provider (`cdktf-ldoms/ldoms`, installed offline by
   *   `ldoms provider install`) with `plan_document = "ldoms.plan.json"`, and one resource per
   *   declared object (`ldoms_vf`, `ldoms_vnet`, `ldoms_ipmp`, `ldoms_placement`), so
   *   `terraform plan` reads the hosts and shows drift per object;
   * - `"local-exec"`: one `terraform_data` per control domain running `ldoms apply` for it
   *   (no provider to install; `terraform plan` sees only changes of the configuration).
   * Either way an opted-in SriovMigration runs `ldoms migrate` through local-exec.
   * @default "provider"
   */
  readonly terraform?: TerraformMode;
  /**
   * Terraform state file, relative to the stack's output directory
   * (`cdktf.out/stacks/<stack>/`), so the synthesized folder can move between machines.
   * @default `terraform.<stack>.tfstate`
   */
  readonly stateFile?: string;
}

/**
 * A Terraform stack of LDoms hosts. Its synthesis validates the construct tree (all problems at
 * once), and writes next to `cdk.tf.json` the plan document (`ldoms.plan.json`) and one POSIX sh
 * script per control domain (`scripts/<host>.sh`). `cdk.tf.json` holds, by default, the ldoms
 * provider and one of its resources per declared object; with `terraform: "local-exec"` a
 * `terraform_data` per control domain running `ldoms apply` for it, replaced when that host's
 * desired state changes. Either way, one `terraform_data` per opted-in migration runs
 * `ldoms migrate` after the resources of both its hosts.
 */
export class LdomsStack extends TerraformStack {
  private plan?: PlanDocument;
  /** How Terraform changes the hosts (`LdomsStackProps.terraform`). */
  readonly terraformMode: TerraformMode;

  constructor(scope: Construct, id: string, props: LdomsStackProps = {}) {
    super(scope, checkedStackId(scope, id));
    this.terraformMode = checkedTerraformMode(`${this.node.path}`, props.terraform);
    // cdktf's default state path is absolute (the synthesizing machine's cwd); a relative one
    // keeps the output folder portable and byte-stable.
    new LocalBackend(this, { path: props.stateFile ?? `terraform.${id}.tfstate` });
    // Wraps cdktf's own stack synthesizer: cdk.tf.json first, then our artifacts beside it.
    const terraformSynthesizer = this.synthesizer;
    this.synthesizer = {
      synthesize: (session: ISynthesisSession) => {
        terraformSynthesizer.synthesize(session);
        const dir = join(session.outdir, session.manifest.forStack(this).workingDirectory);
        writeStackArtifacts(dir, this.planDocument());
      },
    };
  }

  /** The plan document of this stack (validates the tree on first use). */
  planDocument(): PlanDocument {
    this.plan ??= synthesizePlan(this, this.node.id);
    return this.plan;
  }

  /**
   * cdktf validates every construct of the stack again while synthesizing; the LDoms rules
   * already ran when the plan was built, so only the other constructs' rules run here.
   */
  override runAllValidations(): void {
    this.planDocument();
    const problems = this.node.findAll()
      .filter((construct) => !isLdomsConstruct(construct))
      .flatMap((construct) => construct.node.validate().map((message) => `${construct.node.path}: ${message}`));
    if (problems.length) throw new ValidationError(`stack ${this.node.id} has ${problems.length} validation error${problems.length === 1 ? "" : "s"}:`, problems);
  }

  /**
   * cdk.tf.json as cdktf writes it, with the provider's resources added after its resolution
   * (LdomsResources: plain values, too many to resolve as tokens), before the other resources,
   * where one construct per resource used to put them.
   */
  override toTerraform(): Record<string, unknown> {
    const tf = super.toTerraform() as { resource?: Record<string, unknown> };
    const blocks = this.node.children.filter(LdomsResources.isLdomsResources);
    if (!blocks.length) return tf;
    const ours = Object.fromEntries(blocks.map((b) => [b.type, b.block()]));
    // Where cdktf put no resource at all, `resource` comes last, as it did.
    tf.resource = { ...ours, ...(tf.resource ?? {}) };
    return tf;
  }

  override prepareStack(): void {
    // The Terraform resources depend on the plan, so the tree is validated and the plan built
    // before cdktf resolves anything: a configuration error stops synthesis before any write.
    // cdktf prepares every stack before it writes the first one.
    this.addResources(this.planDocument());
    validateOutsideLdomsStacks(this.node.root);
    super.prepareStack();
  }

  private resourcesAdded = false;
  /** Why the resources could not be made: every later synthesis of the app fails the same way. */
  private resourcesError?: unknown;

  /** Where the local-exec commands run (the project folder: the app's) and how they start `ldoms`. */
  private localExecPlacement(): LocalExecPlacement {
    const stackDir = join(finalOutdir(App.of(this).outdir), Manifest.stacksFolder, this.node.id);
    return localExecPlacement({ projectDir: process.cwd(), stackDir, planFile: join(stackDir, PLAN_FILE_NAME) });
  }

  private addResources(plan: PlanDocument): void {
    if (this.resourcesError !== undefined) throw this.resourcesError;
    if (this.resourcesAdded) return;
    this.resourcesAdded = true;
    try {
      this.addResourcesOnce(plan);
    } catch (error) {
      this.resourcesError = error;
      throw error;
    }
  }

  private addResourcesOnce(plan: PlanDocument): void {
    const context = this.localExecPlacement();
    const identities: ResourceIdentities = new Map();
    const hosts = this.terraformMode === "local-exec"
      ? addLocalExecHostResources(this, plan, context, identities)
      : addProviderResources(this, plan);
    addMigrationResources(this, plan, context, hosts, identities);
    this.requireDistinctResourceNames(identities);
  }

  /**
   * Terraform names keep only letters, digits, `-` and `_`, so cdktf drops the `.`, `+` and `:`
   * an id may hold: two ids that differ only there would become one resource, silently.
   */
  private requireDistinctResourceNames(resourceIds: ReadonlyMap<TerraformResource, string>): void {
    const byName = new Map<string, string[]>();
    for (const [resource, what] of resourceIds) {
      const name = resource.friendlyUniqueId;
      byName.set(name, [...(byName.get(name) ?? []), what]);
    }
    const problems = [...byName].filter(([, ids]) => ids.length > 1)
      .map(([name, ids]) => `${this.node.path}: ${ids.join(" and ")} become the same Terraform resource name "${name}" (Terraform names drop . + :); rename one`);
    if (problems.length) throw new ValidationError(`stack ${this.node.id} cannot be written for Terraform:`, problems);
  }
}
