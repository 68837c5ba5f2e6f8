/**
 * The provider's schemas as Terraform reads them: attribute types are JSON type expressions
 * (`"string"`, `["list", ["object", {...}]]`) sent as bytes.
 */
import { IPMP_RESOURCE, IPMP_SCHEMA } from "./ipmp-schema";

export type TypeExpression = "string" | "number" | "bool" | "dynamic" | readonly ["list" | "set" | "map", TypeExpression] | readonly ["object", Readonly<Record<string, TypeExpression>>];

export interface AttributeSpec {
  readonly name: string;
  readonly type: TypeExpression;
  readonly description: string;
  readonly required?: boolean;
  readonly optional?: boolean;
  readonly computed?: boolean;
}

export interface SchemaSpec {
  readonly version: number;
  readonly description: string;
  readonly attributes: readonly AttributeSpec[];
}

export const listOf = (item: TypeExpression): TypeExpression => ["list", item];
export const objectOf = (attributes: Readonly<Record<string, TypeExpression>>): TypeExpression => ["object", attributes];

export const PROVIDER_SCHEMA: SchemaSpec = {
  version: 0,
  description: "Oracle VM Server for SPARC (LDoms) control domains, read over SSH as `ldoms plan` reads them.",
  attributes: [
    {
      name: "plan_document",
      type: "string",
      required: true,
      description: "Path of the ldoms.plan.json the hosts come from (`ldoms synth` writes it under cdktf.out/stacks/STACK/); relative to Terraform's working directory.",
    },
    {
      name: "inventory",
      type: "string",
      optional: true,
      description: "Inventory JSON overriding how each host is reached (as `ldoms plan --inventory`); default: $LDOMS_INVENTORY, else the plan document's connections.",
    },
    {
      name: "lock_timeout",
      type: "string",
      optional: true,
      description: "How long an apply waits for another run's lock on a host (`ldoms apply --lock-timeout`), e.g. `30s`, `5m`; default: not at all (fail at once, naming the holder).",
    },
    {
      name: "allow_disruptive",
      type: "bool",
      optional: true,
      description:
        "Plan and apply disruptive changes that `ldm` accepts (`ldoms apply --allow-disruptive`); default false: refused at plan time. A change `ldm` refuses while a domain runs (a VF's mtu or mac_addr) stays refused: stop the domain first.",
    },
  ],
};

export const HOST_DATA_SOURCE = "ldoms_host";

export const DOMAIN_TYPE = objectOf({ name: "string", state: "string" });
export const VF_TYPE = objectOf({ name: "string", pseudonym: "string", pf: "string", domain: "string" });
export const PF_TYPE = objectOf({ pseudonym: "string", class: "string", domain: "string", status: "string" });

export const HOST_SCHEMA: SchemaSpec = {
  version: 0,
  description: "One control domain of the plan document as it is now: its domains, Ethernet VFs and PFs, from one read over SSH.",
  attributes: [
    { name: "host", type: "string", required: true, description: "Host id in the plan document (the ControlDomain's id)." },
    { name: "domains", type: listOf(DOMAIN_TYPE), computed: true, description: "Logical domains, by name: name and state (active, bound, inactive)." },
    {
      name: "vfs",
      type: listOf(VF_TYPE),
      computed: true,
      description: "Virtual functions, by pseudonym: user-assigned name (null when unnamed), pseudonym, PF pseudonym and assigned domain (null when unassigned).",
    },
    { name: "pfs", type: listOf(PF_TYPE), computed: true, description: "Physical functions, by pseudonym: class, owning domain and status (null when not listed)." },
  ],
};

export const DATA_SOURCES: Readonly<Record<string, SchemaSpec>> = { [HOST_DATA_SOURCE]: HOST_SCHEMA };

export const VF_RESOURCE = "ldoms_vf";

/** Attributes whose change replaces the VF (its identity on the host: where it is and its name). */
export const VF_REPLACING_ATTRIBUTES = ["host", "name", "pf"] as const;

export const VF_SCHEMA: SchemaSpec = {
  version: 0,
  description:
    "An SR-IOV Ethernet virtual function with a user-assigned name on one control domain, created (`ldm create-vf`), set (`ldm set-io`) and assigned (`ldm add-io`) " +
    "by the engine `ldoms apply` uses: under the host's lock, each step guarded, every result proved by a re-read. Destroying it runs `ldm destroy-vf` when the VF is unassigned and the last one created on its PF; otherwise it is refused at plan time with the fix.",
  attributes: [
    { name: "host", type: "string", required: true, description: "Host id in the plan document (the ControlDomain's id). Changing it replaces the VF." },
    { name: "name", type: "string", required: true, description: "The VF's user-assigned name (`name=`), unique on the host: its identity. Changing it replaces the VF." },
    { name: "pf", type: "string", required: true, description: "Pseudonym of the Ethernet PF the VF is created on, e.g. `/SYS/MB/NET0/IOVNET.PF0`. Changing it replaces the VF." },
    { name: "domain", type: "string", optional: true, description: "Domain the VF is assigned to (`ldm add-io`); unset: unassigned (a migration target). The provider assigns, it never removes a VF from a domain." },
    { name: "pvid", type: "number", optional: true, computed: true, description: "Port VLAN id (1-4094); unset: not managed (the host's value is shown)." },
    { name: "vid", type: listOf("number"), optional: true, computed: true, description: "Tagged VLAN ids (each 1-4094); unset: not managed (the host's value is shown)." },
    {
      name: "mtu",
      type: "number",
      optional: true,
      computed: true,
      description: "MTU (1500-9216); unset: not managed. `ldm` changes it only while the assigned domain is inactive or bound: a change while it runs is refused at plan time.",
    },
    {
      name: "mac_addr",
      type: "string",
      optional: true,
      computed: true,
      description:
        "MAC address (`mac-addr`), e.g. `00:14:4f:f8:1c:a5`; unset: not managed (the host's value is shown). `ldm` changes it only while the assigned domain is inactive or bound: a change while it runs is refused at plan time.",
    },
    {
      name: "alt_mac_addrs",
      type: listOf("string"),
      optional: true,
      computed: true,
      description: "Alternate MAC addresses (`alt-mac-addrs`), each written out (not `auto`); unset: not managed (the host's value is shown). Changed only while the assigned domain is inactive or bound, like mac_addr.",
    },
    { name: "pseudonym", type: "string", computed: true, description: "The VF's pseudonym as `ldm` names it, e.g. `/SYS/MB/NET0/IOVNET.PF0.VF0`." },
    { name: "id", type: "string", computed: true, description: "`host/name`: the id `terraform import` takes." },
  ],
};

export const VNET_RESOURCE = "ldoms_vnet";

/** Attributes whose change replaces the vnet (its identity: host, domain and if-name). */
export const VNET_REPLACING_ATTRIBUTES = ["host", "domain", "name"] as const;

export const VNET_SCHEMA: SchemaSpec = {
  version: 0,
  description:
    "A virtual network device (vnet) of a domain on one control domain, added (`ldm add-vnet`) and set (`ldm set-vnet`) by the engine `ldoms apply` uses: " +
    "under the host's lock, each step guarded, every result proved by a re-read. Not removed by this provider (see the provider's documentation).",
  attributes: [
    {
      name: "host",
      type: "string",
      optional: true,
      computed: true,
      description:
        "Host id in the plan document (the ControlDomain's id); changing it replaces the vnet. Required unless `domain` is a mobile domain of a MigrationGroup: " +
        "then leave it out, the vnet follows the domain and `host` shows the host it runs on (a move is no change).",
    },
    { name: "domain", type: "string", required: true, description: "Domain the vnet belongs to; it must exist on the host (for a mobile domain: on a host of its group). Changing it replaces the vnet." },
    { name: "name", type: "string", required: true, description: "The vnet's name in the domain (its if-name, e.g. `vnet0`): its identity. Changing it replaces the vnet." },
    { name: "vswitch", type: "string", required: true, description: "Virtual switch of the host the vnet is on; a change moves it (`ldm set-vnet vswitch=`)." },
    { name: "pvid", type: "number", optional: true, computed: true, description: "Port VLAN id (1-4094); unset: not managed (the host's value is shown)." },
    { name: "vid", type: listOf("number"), optional: true, computed: true, description: "Tagged VLAN ids (each 1-4094); unset: not managed (the host's value is shown)." },
    { name: "mtu", type: "number", optional: true, computed: true, description: "MTU (1500-16000); unset: not managed (the host's value is shown)." },
    { name: "id", type: "string", computed: true, description: "`host/domain/name` (`domain/name` for a mobile domain's vnet): the id `terraform import` takes." },
  ],
};

export const PLACEMENT_RESOURCE = "ldoms_placement";

export const PLACEMENT_SCHEMA: SchemaSpec = {
  version: 0,
  description:
    "Where a mobile domain of a MigrationGroup runs. Setting `host` to another host of the group migrates the domain there (`ldoms migrate DOMAIN --to HOST`: " +
    "preflight, dry run, migration, post-verify); unset, the domain runs wherever it is. Destroying it only stops managing the placement.",
  attributes: [
    { name: "domain", type: "string", required: true, description: "A mobile domain of a MigrationGroup of the plan document. Changing it replaces the resource (no domain moves for that)." },
    {
      name: "host",
      type: "string",
      optional: true,
      computed: true,
      description: "Host of the domain's group it should run on: a different host moves it there. Unset: wherever it runs (never moved; the host it runs on is shown).",
    },
    { name: "current_host", type: "string", computed: true, description: "Host of the group the domain runs on, as read now." },
    { name: "id", type: "string", computed: true, description: "The domain's name: the id `terraform import` takes." },
  ],
};

export const RESOURCES: Readonly<Record<string, SchemaSpec>> = {
  [VF_RESOURCE]: VF_SCHEMA,
  [VNET_RESOURCE]: VNET_SCHEMA,
  [PLACEMENT_RESOURCE]: PLACEMENT_SCHEMA,
  [IPMP_RESOURCE]: IPMP_SCHEMA,
};

/** The `Schema` message of a spec. */
export function schemaMessage(spec: SchemaSpec) {
  return {
    version: spec.version,
    block: {
      version: spec.version,
      description: spec.description,
      description_kind: "MARKDOWN",
      attributes: spec.attributes.map((a) => ({
        name: a.name,
        type: Buffer.from(JSON.stringify(a.type)),
        description: a.description,
        description_kind: "MARKDOWN",
        required: a.required ?? false,
        optional: a.optional ?? false,
        computed: a.computed ?? false,
        sensitive: false,
      })),
      block_types: [],
    },
  };
}
