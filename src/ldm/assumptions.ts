/**
 * Every fact about Oracle's `ldm` that is NOT verified (marked [I] or [?] in
 * shared/docs/ldm-reference.md) and that this project relies on, decided here and only here.
 *
 * Constructs, synthesis, the engine's parsers and the lab emulator all read these values, so a
 * correction taken from a real control domain is one edit. Each entry names the reference
 * section it comes from and why this choice was made; docs/lab-assumptions.md lists them for
 * readers. Verified facts ([V]) live next to the code that uses them, not here.
 */

/**
 * Characters `ldm` accepts in domain, service, vnet and VF user-assigned names.
 * Ref §1 [I]: first a letter or digit, then letters, digits and `- _ + # . : ; ~ ( )`.
 * The lab accepts exactly this set.
 */
export const LDM_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_+#.:;~()-]*$/;

/**
 * The subset this project lets users declare: the `ldm` set without the characters that mean
 * something to a shell (`# ; ~ ( )`). Commands are quoted anyway; this keeps names readable in
 * logs and scripts and refuses typos early.
 */
export const SAFE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_+.:-]*$/;

/** Longest name accepted for domains, services, vnets and VF names. Ref §1 [?]: not documented. */
export const NAME_MAX_LENGTH = 64;

/**
 * Scope of the VF user-assigned name's uniqueness. Ref §3.5 [?]; chosen: unique across all VFs
 * of one machine, since migration matches a VF by name on the whole target machine.
 */
export const VF_NAME_UNIQUE_PER = "machine" as const;

/**
 * Where the user-assigned name appears in `ldm list-io -p` / `-l -p`: a `name=` key on the VF
 * record, after the verified keys (so the verified field positions f2..f7 do not move).
 * Ref §3.2 [?]: "Plan for a name= key on the VF record and verify on hardware".
 * An unnamed VF prints `name=` (empty), as other empty values do [V-code style].
 */
export const LIST_IO_VF_NAME_KEY = "name";

/** Key carrying the device class on `list-io -l -p` PF/VF records. Ref §3.3 [V-code key, I position]. */
export const LIST_IO_CLASS_KEY = "class";

/** Class values on `list-io -l -p`. Ref §3.3 [V-code]. */
export const IO_CLASSES = { ethernet: "NETWORK", fibreChannel: "FIBRECHANNEL", infiniBand: "INFINIBAND" } as const;

/**
 * Whether `ldm` accepts a VF's user-assigned name as an operand where a VF name is expected.
 * Ref §3.5 [?]; chosen: no. Every command the engine sends addresses VFs by pseudonym, which is
 * verified to work, and resolves the pseudonym from the name by reading `list-io -l -p`.
 */
export const VF_NAME_ACCEPTED_AS_OPERAND = false;

/**
 * Whether the user-assigned name may be set with `set-io name=` while the VF is assigned to an
 * active domain. Ref §3.9 and §7 [?]; chosen: yes (treated like pvid/vid, a label, no hardware
 * change), so naming an adopted VF is never marked disruptive.
 */
export const VF_NAME_SETTABLE_WHILE_ACTIVE = true;

/** Ethernet VF MTU range. Ref §3.4 [V for max-vf-mtu default 9216]; minimum 1500 [I]. */
export const VF_MTU_RANGE = { min: 1500, max: 9216 } as const;

/** vnet MTU range. Ref §4.2 [V]. */
export const VNET_MTU_RANGE = { min: 1500, max: 16000 } as const;

/** VLAN ids accepted for pvid/vid. IEEE 802.1Q usable range; Ref does not state ldm's [I]. */
export const VLAN_RANGE = { min: 1, max: 4094 } as const;

/**
 * Seconds a PF/VF shows `INV` after create-vf/destroy-vf while the root domain re-probes.
 * Ref §3.1 [V: "about 45 s"]; the lab uses it as the default of its simulated clock.
 */
export const INV_SETTLE_SECONDS = 45;

/**
 * The `VERSION` line printed first by every `-p` listing. Ref §2.5 [V-code: 1.11 seen]; that 3.5
 * prints the same value for `list-io -p` [I].
 */
export const PARSEABLE_VERSION = "1.11";

/**
 * `create-vf` output: one `Created new vf: <pseudonym>` line per VF. Ref §3.6 [V for one VF,
 * I for `-n`].
 */
export const CREATED_VF_PREFIX = "Created new vf: ";

/**
 * Generic migration failure trailer. Ref §5.2 [V for one case, I as the generic trailer].
 */
export function migrationFailedTrailer(domain: string): string {
  return `Domain Migration of LDom ${domain} failed`;
}
