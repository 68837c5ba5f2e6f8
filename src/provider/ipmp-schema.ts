/** The schema of resource `ldoms_ipmp`: the guest IPMP group pairing a VF (active) with a vnet (standby). */
import type { SchemaSpec } from "./schema";

export const IPMP_RESOURCE = "ldoms_ipmp";

/** Attributes whose change replaces the resource (the group's identity: its domain and name). */
export const IPMP_REPLACING_ATTRIBUTES = ["domain", "name"] as const;

export const IPMP_SCHEMA: SchemaSpec = {
  version: 0,
  description:
    "An IPMP group inside a guest domain pairing its SR-IOV VF (active) with a vnet (standby), the guest side of a VF migration (rule 3). " +
    "With guest access (the GuestDomain's access, or an inventory entry `guest/DOMAIN`), the group is read inside the guest and converged with only the missing `ipadm` commands, as `ldoms apply` does; " +
    "without it the provider cannot see inside the guest (`verified = false`) and the state follows the configuration. " +
    "Destroying it only stops managing the group: nothing is removed in the guest.",
  attributes: [
    { name: "domain", type: "string", required: true, description: "Guest domain the group is in, declared in the plan document. Changing it replaces the resource (nothing is removed in the guest)." },
    { name: "name", type: "string", required: true, description: "The IPMP group's name (its IPMP interface in the guest, e.g. `ipmp0`). Changing it replaces the resource (nothing is removed in the guest)." },
    { name: "active_vf", type: "string", required: true, description: "User-assigned name of the domain's Ethernet VF that is the group's active interface." },
    { name: "standby_vnet", type: "string", required: true, description: "Name (if-name) of the domain's vnet that is the group's standby interface." },
    { name: "host", type: "string", computed: true, description: "Host the domain runs on: the host declaring it, or for a mobile domain the host of its group it runs on now (a move is not a change)." },
    { name: "verified", type: "bool", computed: true, description: "True when the group was read inside the guest; false without guest access (the group is then neither read nor configured)." },
    { name: "id", type: "string", computed: true, description: "`domain/name`: the id `terraform import` takes." },
  ],
};
