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

/**
 * A stack, host, domain, switch, vnet or VF name as this project accepts it: the `ldm` name
 * characters without those that mean something to a shell, at most 64 characters
 * (`SAFE_NAME_PATTERN`, `NAME_MAX_LENGTH` of src/ldm/assumptions.ts; a test keeps them equal).
 * @pattern ^[A-Za-z0-9][A-Za-z0-9_+.:-]*$
 * @maxLength 64
 */
export type Name = string;

/**
 * Non-empty text (an address, a path, a pseudonym).
 * @minLength 1
 */
export type Text = string;

/**
 * A TCP port.
 * @asType integer
 * @minimum 1
 * @maximum 65535
 */
export type Port = number;

/**
 * `SHA256:<base64>` host-key fingerprint (`HOST_KEY_FINGERPRINT` of src/ldm/syntax.ts).
 * @pattern ^SHA256:[A-Za-z0-9+/]{43}=?$
 */
export type HostKeyFingerprint = string;

/**
 * An IEEE 802.1Q VLAN id.
 * @asType integer
 * @minimum 1
 * @maximum 4094
 */
export type VlanId = number;

/** A property value in `ldm` syntax, e.g. `100,200` for a vid list. */
export type LdmValue = string;

export interface PlanDocument {
  readonly formatVersion: typeof PLAN_FORMAT_VERSION;
  /** Name of the LdomsStack the plan was synthesized from. */
  readonly stack: Name;
  /** One entry per control domain, sorted by `id`. */
  readonly hosts: readonly HostPlan[];
  /** One entry per SriovMigration, sorted by `id`. */
  readonly migrations: readonly MigrationPlan[];
  /** One entry per MigrationGroup, sorted by `id`; absent in a stack without groups. */
  readonly groups?: readonly MigrationGroupPlan[];
}

/**
 * Control domains whose mobile domains may run on any of them and move between them. Each host
 * of the group declares every mobile domain (`DesiredDomain.mobile`); where a domain runs is
 * observed, never declared.
 */
export interface MigrationGroupPlan {
  /** Construct id of the MigrationGroup, unique in the stack. */
  readonly id: Name;
  /** The group's hosts in declared preference order (evacuation tries targets in this order). */
  readonly hosts: readonly GroupHostPlan[];
  /** The group's mobile domains, sorted by name. */
  readonly domains: readonly MobileDomainPlan[];
  readonly auth: MigrationAuth;
  /** User on the target for password authentication (`user@host`). */
  readonly targetUser?: Text;
}

export interface GroupHostPlan {
  /** Host id of a ControlDomain of the stack. */
  readonly id: Name;
  /** Address the other control domains of the group migrate to (`ldm migrate-domain` operand). */
  readonly migrationAddress: Text;
}

export interface MobileDomainPlan {
  readonly name: Name;
  /** User-assigned names of its Ethernet VFs, sorted; each exists on every host of the group. */
  readonly vfs: readonly Name[];
  /** Virtual switches its vnets use, which every host of the group must have. */
  readonly requiredVswitches: readonly Name[];
}

/** How to reach a control domain: its SSH endpoint, and how `ldm` runs there. An inventory file may override any field per host id. */
export interface HostConnection extends GuestAccess {
  /** Run `ldm` through `pfexec` (rights profiles "LDoms Review"/"LDoms Management"). */
  readonly pfexec: boolean;
  /** Path or name of the `ldm` command on the control domain. */
  readonly ldmPath: Text;
}

export interface HostPlan {
  /** Host id: the construct id of the ControlDomain, unique in the stack. */
  readonly id: Name;
  readonly connection: HostConnection;
  readonly desired: DesiredHostState;
  /** Ordered; the engine runs them in this order, each only when its guard holds. */
  readonly steps: readonly Step[];
  /** Guests of this host that have SSH access declared (IPMP verification/configuration). */
  readonly guests: readonly GuestPlan[];
}

export interface NetworkRef {
  /** Construct id of the Network. */
  readonly name: Name;
  /** VLAN id of the network (1-4094), absent for an untagged network. */
  readonly vlan?: VlanId;
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
  readonly name: Name;
  readonly netDev?: Name;
  readonly network?: NetworkRef;
}

export type VfProperty = "mac-addr" | "alt-mac-addrs" | "pvid" | "vid" | "mtu";

/** VF properties as `ldm` spells them; values already in `ldm` syntax (e.g. vid "100,200"). */
export type VfProperties = Readonly<Partial<Record<VfProperty, LdmValue>>>;

export interface DesiredVf {
  /** The user-assigned VF name (`name=` property): the VF's identity on its machine. */
  readonly name: Name;
  /** PF pseudonym to create the VF on; set when the VF is created by the plan. */
  readonly pf?: Text;
  /** Pseudonym of an existing VF to adopt (name it); set instead of `pf`. */
  readonly vf?: Text;
  /** Domain the VF is assigned to; absent for an unassigned (target) VF. */
  readonly domain?: Name;
  readonly properties: VfProperties;
  readonly network?: NetworkRef;
}

export type VnetProperty = "pvid" | "vid" | "mtu" | "id" | "linkprop";

export interface DesiredVnet {
  readonly ifName: Name;
  readonly vswitch: Name;
  readonly properties: Readonly<Partial<Record<VnetProperty, LdmValue>>>;
  readonly network?: NetworkRef;
}

export interface DesiredIpmpGroup {
  readonly name: Name;
  /** User-assigned name of the active VF. */
  readonly activeVf: Name;
  /** if-name of the standby vnet. */
  readonly standbyVnet: Name;
}

/** A non-Ethernet VF declared present on a domain (it makes the domain unmigratable). */
export interface DeclaredOtherVf {
  readonly class: "FIBRECHANNEL" | "INFINIBAND";
  readonly device: Text;
}

export interface DesiredDomain {
  readonly name: Name;
  /**
   * Present for a domain of a MigrationGroup: it may run on another host of the group. Its steps
   * that need it here (assign its VFs, its vnets) apply only while it is observed here; its VFs
   * are kept ready, unassigned, while it runs elsewhere.
   */
  readonly mobile?: { readonly group: Name };
  readonly vfs: readonly DesiredVf[];
  readonly vnets: readonly DesiredVnet[];
  readonly ipmpGroups: readonly DesiredIpmpGroup[];
  readonly otherVfs: readonly DeclaredOtherVf[];
}

/** A symbolic operand resolved from observed state at apply time. */
export interface VfPseudonymRef {
  readonly ref: "vf-pseudonym";
  /** User-assigned name of the VF whose pseudonym is wanted. */
  readonly name: Name;
}

/** One argv token: a literal, or a reference resolved at apply time. */
export type Operand = string | VfPseudonymRef;

/**
 * Predicates over one host's observed state. A step runs when its guard is true, and after
 * it ran a re-read must make its postcondition true.
 * @discriminator kind
 */
export type Condition =
  | { readonly kind: "vf-exists"; readonly name: Name }
  | { readonly kind: "vf-pseudonym-named"; readonly vf: Text; readonly name: Name }
  | { readonly kind: "vf-assigned"; readonly name: Name; readonly domain: Name }
  | { readonly kind: "vf-unassigned"; readonly name: Name }
  | { readonly kind: "vf-property"; readonly name: Name; readonly property: VfProperty; readonly value: LdmValue }
  | { readonly kind: "vnet-exists"; readonly domain: Name; readonly ifName: Name }
  | { readonly kind: "vnet-property"; readonly domain: Name; readonly ifName: Name; readonly property: VnetProperty | "vswitch"; readonly value: LdmValue }
  | { readonly kind: "vswitch-exists"; readonly name: Name }
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
  readonly vf: Name;
}

/** A vnet, by its if-name and the domain it belongs to. */
export interface VnetObject {
  readonly vnet: Name;
  readonly domain: Name;
}

interface StepCommon {
  /** Stable id, unique within the host, e.g. `vf/ldg1-app/create`. */
  readonly id: Text;
  /** One line for humans, e.g. `create VF "ldg1-app" on /SYS/MB/NET0/IOVNET.PF0`. */
  readonly summary: Text;
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
  readonly domain?: Name;
}

/** Creates the named VF on a PF. */
export interface CreateVfStep extends StepCommon {
  readonly kind: "create-vf";
  readonly object: VfObject;
  /** PF pseudonym the VF is created on. */
  readonly pf: Text;
}

/** Gives an existing (adopted) VF its user-assigned name. */
export interface NameVfStep extends StepCommon {
  readonly kind: "name-vf";
  readonly object: VfObject;
  /** Pseudonym of the VF being named. */
  readonly pseudonym: Text;
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
  readonly to: Name;
}

/**
 * Destroys a named, unassigned VF (`ldm destroy-vf`). Synthesis never emits it (a stack only
 * says what should exist); the Terraform provider builds it when an `ldoms_vf` is destroyed.
 */
export interface DestroyVfStep extends StepCommon {
  readonly kind: "destroy-vf";
  readonly object: VfObject;
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

/**
 * One guarded `ldm` command, by what it does and the object it acts on.
 * @discriminator kind
 */
export type Step = CreateVfStep | NameVfStep | SetVfStep | AssignVfStep | DestroyVfStep | AddVnetStep | SetVnetStep;

export type StepKind = Step["kind"];

/** An SSH endpoint: how to reach a guest (and, with how `ldm` runs, a control domain). */
export interface GuestAccess {
  readonly address: Text;
  readonly port: Port;
  readonly user: Text;
  /** Pinned host key: `SHA256:<base64>` fingerprint. */
  readonly hostKey?: HostKeyFingerprint;
  /** Path of a known_hosts file to pin the host key from instead of `hostKey`. */
  readonly knownHostsFile?: Text;
  /** Path of a private key file; absent means ssh-agent. Never the key itself. */
  readonly identityFile?: Text;
}

export interface GuestPlan {
  readonly domain: Name;
  readonly access: GuestAccess;
  readonly ipmpGroups: readonly DesiredIpmpGroup[];
}

export type MigrationAuth =
  | { readonly kind: "certificate" }
  | { readonly kind: "password-file"; readonly path: Text };

export interface MigrationPlan {
  /** Construct id of the SriovMigration (or `DOMAIN-to-HOST` for a group's move). */
  readonly id: Name;
  /** Set when a MigrationGroup implies this move (`ldoms migrate DOMAIN --to HOST`); never in a written plan. */
  readonly group?: Name;
  readonly domain: Name;
  readonly sourceHost: Name;
  readonly targetHost: Name;
  /** Address the source control domain uses to reach the target (`ldm migrate-domain` operand). */
  readonly targetAddress: Text;
  /** User on the target for password authentication (`user@host`). */
  readonly targetUser?: Text;
  readonly auth: MigrationAuth;
  /** Opted in for pipelines: the Terraform resource runs `ldoms migrate`. */
  readonly migrate: boolean;
  /** Same-named VFs expected on the target: user-assigned name -> target PF or VF pseudonym. */
  readonly targetVfs: readonly { readonly name: Name; readonly pf?: Text; readonly vf?: Text }[];
  /** Virtual switches the domain's vnets use, which must exist on the target. */
  readonly requiredVswitches: readonly Name[];
  /** Non-Ethernet VFs declared on the domain; non-empty means the migration is refused. */
  readonly blockingVfs: readonly DeclaredOtherVf[];
}
