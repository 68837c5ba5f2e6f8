/**
 * The plan document: the versioned contract between synthesis and the engine.
 *
 * Synthesis writes it (`ldoms.plan.json`), the engine reads it, so a plan made on one machine
 * can be applied from another. Everything here is plain data; no behaviour.
 * The JSON Schema shipped in `schema/ldoms-plan.schema.json` describes the same shape.
 */

/**
 * Bumped on any incompatible change of the document shape. 2: every step names the object it
 * acts on and the listings that prove it.
 */
export const PLAN_FORMAT_VERSION = 2;

export interface PlanDocument {
  readonly formatVersion: typeof PLAN_FORMAT_VERSION;
  /** Name of the LdomsStack the plan was synthesized from. */
  readonly stack: string;
  /** One entry per control domain, sorted by `id`. */
  readonly hosts: readonly HostPlan[];
  /** One entry per SriovMigration, sorted by `id`. */
  readonly migrations: readonly MigrationPlan[];
}

/** How to reach a control domain. An inventory file may override any field per host id. */
export interface HostConnection {
  readonly address: string;
  readonly port: number;
  readonly user: string;
  /** Pinned host key: `SHA256:<base64>` fingerprint. */
  readonly hostKey?: string;
  /** Path of a known_hosts file to pin the host key from instead of `hostKey`. */
  readonly knownHostsFile?: string;
  /** Path of a private key file; absent means ssh-agent. Never the key itself. */
  readonly identityFile?: string;
  /** Run `ldm` through `pfexec` (rights profiles "LDoms Review"/"LDoms Management"). */
  readonly pfexec: boolean;
  /** Path or name of the `ldm` command on the control domain. */
  readonly ldmPath: string;
}

export interface HostPlan {
  /** Host id: the construct id of the ControlDomain, unique in the stack. */
  readonly id: string;
  readonly connection: HostConnection;
  readonly desired: DesiredHostState;
  /** Ordered; the engine runs them in this order, each only when its guard holds. */
  readonly steps: readonly Step[];
  /** Guests of this host that have SSH access declared (IPMP verification/configuration). */
  readonly guests: readonly GuestPlan[];
}

export interface NetworkRef {
  /** Construct id of the Network. */
  readonly name: string;
  /** VLAN id of the network (1-4094), absent for an untagged network. */
  readonly vlan?: number;
}

export interface DesiredHostState {
  /** Virtual switches that must exist on this host (declared or required by a migration). */
  readonly vswitches: readonly DesiredVswitch[];
  /** Domains this configuration names on this host, sorted by name. */
  readonly domains: readonly DesiredDomain[];
  /** Ethernet VFs that must exist unassigned (migration targets), sorted by name. */
  readonly unassignedVfs: readonly DesiredVf[];
}

export interface DesiredVswitch {
  readonly name: string;
  readonly netDev?: string;
  readonly network?: NetworkRef;
}

export type VfProperty = "mac-addr" | "alt-mac-addrs" | "pvid" | "vid" | "mtu";

/** VF properties as `ldm` spells them; values already in `ldm` syntax (e.g. vid "100,200"). */
export type VfProperties = Readonly<Partial<Record<VfProperty, string>>>;

export interface DesiredVf {
  /** The user-assigned VF name (`name=` property): the VF's identity on its machine. */
  readonly name: string;
  /** PF pseudonym to create the VF on; set when the VF is created by the plan. */
  readonly pf?: string;
  /** Pseudonym of an existing VF to adopt (name it); set instead of `pf`. */
  readonly vf?: string;
  /** Domain the VF is assigned to; absent for an unassigned (target) VF. */
  readonly domain?: string;
  readonly properties: VfProperties;
  readonly network?: NetworkRef;
}

export type VnetProperty = "pvid" | "vid" | "mtu" | "id" | "linkprop";

export interface DesiredVnet {
  readonly ifName: string;
  readonly vswitch: string;
  readonly properties: Readonly<Partial<Record<VnetProperty, string>>>;
  readonly network?: NetworkRef;
}

export interface DesiredIpmpGroup {
  readonly name: string;
  /** User-assigned name of the active VF. */
  readonly activeVf: string;
  /** if-name of the standby vnet. */
  readonly standbyVnet: string;
}

/** A non-Ethernet VF declared present on a domain (it makes the domain unmigratable). */
export interface DeclaredOtherVf {
  readonly class: "FIBRECHANNEL" | "INFINIBAND";
  readonly device: string;
}

export interface DesiredDomain {
  readonly name: string;
  readonly vfs: readonly DesiredVf[];
  readonly vnets: readonly DesiredVnet[];
  readonly ipmpGroups: readonly DesiredIpmpGroup[];
  readonly otherVfs: readonly DeclaredOtherVf[];
}

/** A symbolic operand resolved from observed state at apply time. */
export interface VfPseudonymRef {
  readonly ref: "vf-pseudonym";
  /** User-assigned name of the VF whose pseudonym is wanted. */
  readonly name: string;
}

/** One argv token: a literal, or a reference resolved at apply time. */
export type Operand = string | VfPseudonymRef;

/**
 * Predicates over one host's observed state. A step runs when its guard is true, and after
 * it ran a re-read must make its postcondition true.
 */
export type Condition =
  | { readonly kind: "vf-exists"; readonly name: string }
  | { readonly kind: "vf-pseudonym-named"; readonly vf: string; readonly name: string }
  | { readonly kind: "vf-assigned"; readonly name: string; readonly domain: string }
  | { readonly kind: "vf-unassigned"; readonly name: string }
  | { readonly kind: "vf-property"; readonly name: string; readonly property: VfProperty; readonly value: string }
  | { readonly kind: "vnet-exists"; readonly domain: string; readonly ifName: string }
  | { readonly kind: "vnet-property"; readonly domain: string; readonly ifName: string; readonly property: VnetProperty | "vswitch"; readonly value: string }
  | { readonly kind: "vswitch-exists"; readonly name: string }
  | { readonly kind: "not"; readonly condition: Condition }
  | { readonly kind: "all"; readonly conditions: readonly Condition[] }
  | { readonly kind: "any"; readonly conditions: readonly Condition[] };

/** The `ldm` listings a host is observed with (`list-io -l -p`, `list -l -p`, `list-services -p`). */
export type Listing = "list-io" | "list-domains" | "list-services";

/**
 * Why a step may disturb a running system. Disruptive steps are listed by `plan` and refused by
 * `apply` unless the user opts in.
 */
export type Disruption =
  /** The owning domain must be inactive or bound (VF mac-addr/alt-mac-addrs/mtu). */
  | "needs-domain-stopped";

/** A VF, by its user-assigned name (its identity on its machine). */
export interface VfObject {
  readonly vf: string;
}

/** A vnet, by its if-name and the domain it belongs to. */
export interface VnetObject {
  readonly vnet: string;
  readonly domain: string;
}

interface StepCommon {
  /** Stable id, unique within the host, e.g. `vf/ldg1-app/create`. */
  readonly id: string;
  /** One line for humans, e.g. `create VF "ldg1-app" on /SYS/MB/NET0/IOVNET.PF0`. */
  readonly summary: string;
  /** Step is needed when this holds on observed state. */
  readonly guard: Condition;
  /** `ldm` arguments (without the `ldm` command itself). */
  readonly argv: readonly Operand[];
  /** Must hold on a re-read after the step ran. */
  readonly postcondition: Condition;
  /** The listings a re-read needs to prove the postcondition. */
  readonly proof: readonly Listing[];
  /** Present when the step may disturb a running domain; see `Disruption`. */
  readonly disruption?: Disruption;
  /** Domain the disruption concerns (whose state decides whether it applies). */
  readonly domain?: string;
}

/** Creates the named VF on a PF. */
export interface CreateVfStep extends StepCommon {
  readonly kind: "create-vf";
  readonly object: VfObject;
  /** PF pseudonym the VF is created on. */
  readonly pf: string;
}

/** Gives an existing (adopted) VF its user-assigned name. */
export interface NameVfStep extends StepCommon {
  readonly kind: "name-vf";
  readonly object: VfObject;
  /** Pseudonym of the VF being named. */
  readonly pseudonym: string;
}

/** Sets one property of a VF. */
export interface SetVfStep extends StepCommon {
  readonly kind: "set-vf";
  readonly object: VfObject;
  readonly property: VfProperty;
}

/** Assigns a VF to a domain. */
export interface AssignVfStep extends StepCommon {
  readonly kind: "assign-vf";
  readonly object: VfObject;
  /** The domain the VF is assigned to. */
  readonly to: string;
}

/** Adds a vnet to a domain. */
export interface AddVnetStep extends StepCommon {
  readonly kind: "add-vnet";
  readonly object: VnetObject;
}

/** Sets one property (or the switch) of a vnet. */
export interface SetVnetStep extends StepCommon {
  readonly kind: "set-vnet";
  readonly object: VnetObject;
  /** The property set, or `vswitch` for a move to another switch. */
  readonly property: VnetProperty | "vswitch";
}

/** One guarded `ldm` command, by what it does and the object it acts on. */
export type Step = CreateVfStep | NameVfStep | SetVfStep | AssignVfStep | AddVnetStep | SetVnetStep;

export type StepKind = Step["kind"];

export interface GuestAccess {
  readonly address: string;
  readonly port: number;
  readonly user: string;
  readonly hostKey?: string;
  readonly knownHostsFile?: string;
  readonly identityFile?: string;
}

export interface GuestPlan {
  readonly domain: string;
  readonly access: GuestAccess;
  readonly ipmpGroups: readonly DesiredIpmpGroup[];
}

export type MigrationAuth =
  | { readonly kind: "certificate" }
  | { readonly kind: "password-file"; readonly path: string };

export interface MigrationPlan {
  /** Construct id of the SriovMigration. */
  readonly id: string;
  readonly domain: string;
  readonly sourceHost: string;
  readonly targetHost: string;
  /** Address the source control domain uses to reach the target (`ldm migrate-domain` operand). */
  readonly targetAddress: string;
  /** User on the target for password authentication (`user@host`). */
  readonly targetUser?: string;
  readonly auth: MigrationAuth;
  /** Opted in for pipelines: the Terraform resource runs `ldoms migrate`. */
  readonly migrate: boolean;
  /** Same-named VFs expected on the target: user-assigned name -> target PF or VF pseudonym. */
  readonly targetVfs: readonly { readonly name: string; readonly pf?: string; readonly vf?: string }[];
  /** Virtual switches the domain's vnets use, which must exist on the target. */
  readonly requiredVswitches: readonly string[];
  /** Non-Ethernet VFs declared on the domain; non-empty means the migration is refused. */
  readonly blockingVfs: readonly DeclaredOtherVf[];
}
