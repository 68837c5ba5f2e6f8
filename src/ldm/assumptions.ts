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
 * of one machine, since migration matches a VF by name on the whole target machine. The lab
 * refuses a duplicate name within this scope. The constructs keep names unique per machine
 * whatever `ldm` allows: that is the project's own rule, which migration relies on.
 */
export const VF_NAME_UNIQUE_PER: "machine" | "pf" = "machine";

/**
 * Where the user-assigned name appears in `ldm list-io -p` / `-l -p`: a `name=` key on the VF
 * record, after the verified keys (so the verified field positions f2..f7 do not move).
 * Ref §3.2 [?]: "Plan for a name= key on the VF record and verify on hardware"; evidence
 * "Still unknown": no named VF was seen in any listing. The parsers also take `name=` from a
 * property line under the record; the lab's `vfName` variant prints it there, only in the human
 * `list-io -l`, or nowhere (docs/lab.md, "Variants"). An unnamed VF prints `name=` (empty), as
 * other empty values do [V-code style].
 */
export const LIST_IO_VF_NAME_KEY = "name";

/** Key carrying the device class on `list-io -l -p` PF/VF records. Ref §3.3 [V-code key, I position]. */
export const LIST_IO_CLASS_KEY = "class";

/** Class values on `list-io -l -p`. Ref §3.3 [V-code]. */
export const IO_CLASSES = { ethernet: "NETWORK", fibreChannel: "FIBRECHANNEL", infiniBand: "INFINIBAND" } as const;

/**
 * Whether `ldm` accepts a VF's user-assigned name as an operand where a VF name is expected.
 * Ref §3.5 [?]; chosen: no. Every command the engine sends addresses VFs by pseudonym, which is
 * verified to work, and resolves the pseudonym from the name by reading `list-io -l -p`. The lab finds a VF by its name
 * as an operand only when this is true.
 */
export const VF_NAME_ACCEPTED_AS_OPERAND: boolean = false;

/**
 * Whether the user-assigned name may be set with `set-io name=` while the VF is assigned to an
 * active domain. Ref §3.9 and §7 [?]; chosen: yes (treated like pvid/vid, a label, no hardware
 * change), so naming an adopted VF is never marked disruptive. When false, the lab refuses
 * `set-io name=` on a VF of an active domain and synthesis marks the naming step disruptive.
 */
export const VF_NAME_SETTABLE_WHILE_ACTIVE: boolean = true;

/**
 * Whether `ldm set-vnet` takes `id=` (changing an existing vnet's device id). Ref §4.2: the
 * verified 1.3 synopsis of `set-vnet` has no `id=` (only `add-vnet` has); 3.x [?]. Chosen: no.
 * The lab refuses it as an invalid property, and the engine refuses a plan step that would change
 * a vnet's id before the first change on any host (the fix: remove the vnet and add it again).
 */
export const SET_VNET_ACCEPTS_ID = false;

/** Ethernet VF MTU range. Ref §3.4 [V for max-vf-mtu default 9216]; minimum 1500 [I]. */
export const VF_MTU_RANGE = { min: 1500, max: 9216 } as const;

/** vnet MTU range. Ref §4.2 [V]. */
export const VNET_MTU_RANGE = { min: 1500, max: 16000 } as const;

/** VLAN ids accepted for pvid/vid. IEEE 802.1Q usable range; Ref does not state ldm's [I]. */
export const VLAN_RANGE = { min: 1, max: 4094 } as const;

/**
 * Seconds a PF/VF shows `INV` after create-vf/destroy-vf while the root domain re-probes.
 * Ref §3.1 [V: "about 45 s"]. The engine waits up to four times this long for a device to leave
 * `INV` (its default `--inv-timeout`); the lab's `invSettleMs` (default 1500 ms) stands for it.
 */
export const INV_SETTLE_SECONDS = 45;

/**
 * The `VERSION` line the lab prints first in every `-p` listing. Ref §2.5 [V-code: 1.11 seen];
 * evidence §6: the value differs by listing and release (1.6 for `list-devices -a -p`), so which
 * one 3.5 prints for `list-io -p` is unknown [?]; the lab's `versions` variant sets it per listing.
 */
export const PARSEABLE_VERSION = "1.11";

/**
 * `VERSION` values real `-p` listings are known to print (shared ldm-evidence §6): 1.11
 * (`list -p`, 3.x), 1.6 (`list-devices -a -p`), 1.0 (LDoms 1.2); the lab prints
 * PARSEABLE_VERSION. The parsers read any `VERSION x.y` the same way, and nothing depends on the
 * number; a value not listed here is read as usual with a warning naming it, so output from a
 * release nobody checked is noticed instead of trusted silently. Add a value once its listings
 * were compared with the parsers.
 */
export const KNOWN_PARSEABLE_VERSIONS: readonly string[] = ["1.0", "1.6", "1.11"];

/** Name of the control domain, which `ldm list -l -p` always shows. Ref §2 [V]. */
export const CONTROL_DOMAIN_NAME = "primary";

/**
 * What a listing the engine reads must show before its answer is trusted, besides exit status
 * 0. An `ldm` run without the rights to read the configuration has been seen to exit 0 with
 * `Authorization failed` on stderr and nothing on stdout [V-code: the permission texts]; read as
 * a listing, that is an empty machine. So:
 * - `list-io -l -p`: at least one device record (a line with `type=`): every control domain owns
 *   at least one PCIe bus, which `list-io` lists [V: buses are always listed];
 * - `list -l -p`: a `DOMAIN` record of the control domain (CONTROL_DOMAIN_NAME);
 * - `list-services -p`: not empty; a control domain may have no services, and then its
 *   `VERSION` line is all there is [I: that it is printed then].
 * A listing with records but no `VERSION` line is read, with a warning [I: -p output always
 * starts with VERSION, Ref §2.5 V-code for `list -p`].
 */
export const PLAUSIBLE_LISTINGS = {
  "list-io": "device",
  list: "control-domain",
  "list-services": "not-empty",
} as const satisfies Record<string, "device" | "control-domain" | "not-empty">;

/**
 * `create-vf` output: one `Created new vf: <pseudonym>` line per VF. Ref §3.6 [V for one VF,
 * I for `-n`].
 */
export const CREATED_VF_PREFIX = "Created new vf: ";

/**
 * Whether `ldm list-devices` without `-a` lists only free resources. Ref: `list-devices` is not
 * described; evidence §6 names `list-devices -a -p` only. [I]: yes (`-a` adds the bound ones).
 * When false, the engine's capacity read asks for `-a` and counts the free rows itself (the
 * parser reads both forms); the lab prints every resource without `-a` too.
 */
export const LIST_DEVICES_FREE_ONLY_WITHOUT_A: boolean = true;

/**
 * `ldm list-devices -p cpu memory` records. Evidence §4 [V-code]: `VCPU` alone on its line,
 * then one `|pid=N|free=N|pm=no` row per vCPU; evidence §6 [V]: `VERSION 1.6` first (with `-a`).
 * The rest is [I]:
 * - `free=` is the vCPU's free share in percent (the human `%FREE` column): a vCPU counts as free
 *   only at 100; a row without `free=` counts as free (listed without `-a`);
 * - `MEMORY` is alone on its line too, then one `|pa=ADDR|size=N` row per block;
 * - `size=` is bytes, as `mem=` of `list -p` (Ref §2.5 [I unit]); `K`/`M`/`G`/`T` suffixes and
 *   `0x` hex are read too;
 * - a memory row with a non-empty `bound=` is held by that domain (`-a` form); without it the
 *   block is free.
 * Other records (`CORE`, `MAU`, `IO`, ...) are ignored; inline `VCPU|pid=..` is read as a row.
 */
export const LIST_DEVICES_RECORDS = {
  vcpu: "VCPU",
  vcpuFreeKey: "free",
  vcpuFreePercent: 100,
  memory: "MEMORY",
  memorySizeKey: "size",
  memoryBoundKey: "bound",
} as const;

/**
 * Generic migration failure trailer. Ref §5.2 [V for one case, I as the generic trailer].
 */
export function migrationFailedTrailer(domain: string): string {
  return `Domain Migration of LDom ${domain} failed`;
}

// ---------------------------------------------------------------------------------------------
// Lab emulator choices (src/lab). Each is also listed in docs/lab-assumptions.md.
// ---------------------------------------------------------------------------------------------

/** Exit status of every refused `ldm` invocation. Ref §1 [I]: "0 on success, non-zero on error". */
export const LDM_FAILURE_EXIT_STATUS = 1;

/** First line printed (stderr) after a usage error, followed by the synopsis. Ref §1 [?]. */
export const USAGE_HEADER = "Usage:";

/**
 * Error texts of refused `ldm` operations. Ref §9 table: [I] where it suggests a wording, [?]
 * otherwise. Each keeps the verified substrings automation relies on (`does not exist`,
 * `already exists`, `is attached`) where the situation matches them (ref §1, §9 [V-code]).
 */
export const LDM_ERRORS = {
  unknownSubcommand: (word: string) => `Unknown command ${word}; use "ldm --help" to list the commands`,
  unknownDomain: (domain: string) => `LDom ${domain} does not exist`,
  domainExists: (domain: string) => `LDom ${domain} already exists`,
  unknownDevice: (device: string) => `Invalid device ${device}: it does not exist`,
  notAVf: (device: string) => `${device} is not a virtual function`,
  notAPf: (device: string) => `${device} is not a physical function`,
  vfNameExists: (name: string, vf: string) => `Virtual function name ${name} already exists (${vf})`,
  invalidProperty: (prop: string) => `Invalid property ${prop}`,
  invalidValue: (prop: string, value: string) => `Invalid value ${value} for property ${prop}`,
  vfAssigned: (vf: string, domain: string) => `${vf} is attached to LDom ${domain}`,
  vfNotAssignedTo: (vf: string, domain: string) => `${vf} is not assigned to LDom ${domain}`,
  destroyNotLast: (vf: string, last: string) => `Cannot destroy ${vf}: only the last created virtual function (${last}) can be destroyed`,
  destroyAssigned: (vf: string, domain: string) => `Cannot destroy ${vf}: it is attached to LDom ${domain}`,
  destroyTooMany: (pf: string, count: number) => `${pf} has only ${count} virtual function(s)`,
  busNotIov: (bus: string, pf: string) => `I/O virtualization is not enabled on bus ${bus} (needed by ${pf}); enable it with ldm set-io iov=on ${bus} in a delayed reconfiguration`,
  noFreeVf: (pf: string, maxvfs: number) => `No more virtual functions can be created on ${pf} (maximum ${maxvfs})`,
  deviceNotReady: (device: string) => `${device} is not ready (status INV); retry when the status is cleared`,
  needsInactive: (vf: string, domain: string) => `${vf}: the change must be made when the owning domain ${domain} is in the inactive or bound state`,
  needsDelayedReconfig: (what: string, root: string) => `${what} requires a delayed reconfiguration of ${root}; run ldm start-reconf ${root} first`,
  wwnWhileAssigned: (vf: string) => `${vf}: port-wwn and node-wwn can only be changed while the virtual function is not assigned to a domain`,
  ibNeedsStatic: (vf: string, domain: string) => `InfiniBand virtual function ${vf} can only be added or removed while ${domain} is inactive or bound, or its root domain is in delayed reconfiguration`,
  nameWithManyVfs: () => `A user-assigned name= can only be given when creating one virtual function`,
  propertyNotForClass: (prop: string, cls: string) => `Property ${prop} is not supported for ${cls} devices`,
  vnetExists: (vnet: string, domain: string) => `Virtual network device ${vnet} already exists in LDom ${domain}`,
  vnetUnknown: (vnet: string, domain: string) => `Virtual network device ${vnet} does not exist in LDom ${domain}`,
  vswUnknown: (vsw: string) => `Virtual switch ${vsw} does not exist`,
  vswExists: (vsw: string) => `Virtual switch ${vsw} already exists`,
  vswInUse: (vsw: string, vnet: string, domain: string) => `Virtual switch ${vsw} is in use by ${vnet} of LDom ${domain}`,
  badState: (domain: string, state: string, needed: string) => `LDom ${domain} is ${state}; it must be ${needed}`,
  controlDomain: (op: string) => `Operation ${op} is not permitted on the control domain primary`,
  notRootDomain: (domain: string) => `LDom ${domain} is not a root domain`,
  alreadyInReconfig: (domain: string) => `LDom ${domain} is already in a delayed reconfiguration`,
  notInReconfig: (domain: string) => `LDom ${domain} is not in a delayed reconfiguration`,
  busHasVfs: (bus: string) => `I/O virtualization cannot be disabled on bus ${bus}: virtual functions exist`,
  noResources: (domain: string) => `LDom ${domain} has no CPU or memory assigned; use ldm set-vcpu and ldm set-memory`,
  migrationInProgress: (domain: string) => `A migration of LDom ${domain} is in progress`,
  noMigration: (domain: string) => `No migration of LDom ${domain} is in progress`,
  notSupportedByLab: (what: string) => `${what} is not supported by the lab`,
  macInUse: (mac: string, user: string) => `MAC address ${mac} is already in use by ${user}`,
  invalidDeviceClass: (word: string) => `Invalid device class ${word}: use core, cpu, crypto, memory or io`,
  notEnoughFree: (domain: string, need: string, free: string) => `Not enough free resources for LDom ${domain}: ${need} needed, ${free} free`,
} as const;

/** Migration refusal reasons, each printed before `migrationFailedTrailer`. Ref §5.3 [?]. */
export const MIGRATION_REASONS = {
  unknownTarget: (host: string) => `Failed to establish connection with ldmd(1m) on target: ${host}`,
  sameMachine: () => `Migration to the same system is not permitted`,
  noAuthentication: () => `Target Password: no password could be read (use -p filename or -c)`,
  passwordFile: (file: string) => `Unable to read password file ${file}`,
  controlDomain: (domain: string) => `LDom ${domain} is the control domain and cannot be migrated`,
  targetDomainExists: (domain: string) => `LDom ${domain} already exists on the target machine`,
  nonEthernetVf: (vf: string, cls: string) => `Virtual function ${vf} is of class ${cls}; only Ethernet virtual functions can be migrated`,
  unnamedVf: (vf: string) => `Virtual function ${vf} has no user-assigned name; set one with ldm set-io name=<name> ${vf}`,
  targetLacksVf: (name: string, vf: string) => `No virtual function named ${name} (for ${vf}) exists on the target machine`,
  targetVfAssigned: (name: string, targetVf: string, domain: string) => `Virtual function ${name} (${targetVf}) on the target machine is attached to LDom ${domain}`,
  targetVfNotReady: (name: string, targetVf: string) => `Virtual function ${name} (${targetVf}) on the target machine is not ready (status INV)`,
  targetVfNotEthernet: (name: string, targetVf: string) => `Virtual function ${name} (${targetVf}) on the target machine is not an Ethernet virtual function`,
  targetLacksVswitch: (vsw: string, vnet: string) => `Virtual switch ${vsw} (used by ${vnet}) does not exist on the target machine`,
  targetLacksVolume: (volume: string, vdisk: string) => `Virtual disk volume ${volume} (used by ${vdisk}) does not exist on the target machine`,
  delayedReconfig: () => `The control domain is in a delayed reconfiguration`,
  targetDelayedReconfig: () => `The control domain of the target machine is in a delayed reconfiguration`,
  rootDomain: (domain: string, bus: string) => `LDom ${domain} owns bus ${bus}; a domain with physical I/O devices cannot be migrated`,
  invalidTargetName: (name: string) => `Invalid target domain name ${name}`,
  cancelled: (domain: string) => `Migration of LDom ${domain} was cancelled`,
  targetLacksCapacity: (domain: string, need: string, free: string) => `Not enough free resources on the target machine for LDom ${domain}: it needs ${need}, the target has ${free} free`,
} as const;

/**
 * `ldm start-reconf` output. Ref §3.6/§3.8 give the command [V]; the text is recalled from
 * control domains [I].
 */
export const START_RECONF_TEXT = [
  "Initiating a delayed reconfiguration operation on the primary domain.",
  "All configuration changes for other domains are disabled until the primary",
  "domain reboots, at which time the new configuration for the primary domain",
  "will also take effect.",
] as const;

/** Notice printed while primary is in delayed reconfiguration. Ref §9 [V] (rule length approximate). */
export const DELAYED_RECONFIG_NOTICE = [
  "------------------------------------------------------------------------------",
  "Notice: LDom primary is in the process of a delayed reconfiguration.",
  "Any changes made to primary will only take effect after it reboots.",
  "------------------------------------------------------------------------------",
] as const;

/** Refusal of a change to another domain during primary's delayed reconfiguration. Ref §9 [V]. */
export function delayedReconfigRefusal(domain: string): string {
  return `Delayed reconfiguration of LDom ${domain} is not permitted`;
}

/**
 * Which stream carries DELAYED_RECONFIG_NOTICE, and for which commands. Ref §9 [I]: stderr, so
 * `-p` listings stay parseable; printed by mutating commands only (the lab puts it first on this
 * stream).
 */
export const DELAYED_RECONFIG_NOTICE_STREAM: "stderr" | "stdout" = "stderr";

/**
 * Spelled-out flag names in `ldm list -l -p` and `list-bindings -p` (evidence §3 [V-code]:
 * `list-bindings -p` spells them, comma-separated, and `transition` exists). Ref §2.4 [V for
 * normal, control, vio-service, transition; the others ?]. Whether `list -l -p` spells them too
 * is [I]; the lab's `domainFlags` variant prints letters there.
 */
export const SPELLED_FLAGS = {
  starting: "starting",
  stopping: "stopping",
  normal: "normal",
  transition: "transition",
  degraded: "degraded",
  delayedReconfig: "delayed-reconfig",
  control: "control",
  vioService: "vio-service",
  source: "source",
  target: "target",
  error: "error",
} as const;

/**
 * Human `ldm list` columns of a real 3.x header (evidence §2 [V]): NAME 0, STATE 17 (11 wide),
 * FLAGS 28, CONS 36, VCPU 44, MEMORY 50, UTIL 59, NORM 65, UPTIME 71; each value starts at its
 * column (`32G      7.0%  6.9%  45d 8h 6m`); a NAME longer than 16 characters pushes the rest of
 * its row right, one space after the name.
 */
export const LIST_DOMAIN_COLUMNS = {
  header: ["NAME", "STATE", "FLAGS", "CONS", "VCPU", "MEMORY", "UTIL", "NORM", "UPTIME"],
  widths: [17, 11, 8, 8, 6, 9, 6, 6],
} as const;

/**
 * Where the VF's user-assigned name shows in human `list-io`: not in the plain table (its
 * columns are verified and have no room), and as a `name = <value>` property line at the end of
 * the VF's block in `list-io -l`. Ref §3.2/§3.5 [?]. `"not-shown"`: human listings never show it.
 */
export const LIST_IO_HUMAN_VF_NAME: "long-listing-property" | "not-shown" = "long-listing-property";

/**
 * `list-io -l -p` device record layout: the `-p` keys dev, alias, status, domain, type, then
 * `class=` as field 7 (ref §3.3 [V-code: cut -f7]; evidence "Confirmed"), then `bus=`, then
 * (VFs) the name key. Property lines follow as `|key=value` continuation lines. The lab prints
 * one property per line; evidence §1 [V-code] shows real lines hold several fields, the wanted
 * value (a VF's MAC, a PF's `maxvfs`) second, with the first key and the grouping unknown: the
 * lab's `propertyLines: "grouped"` variant prints `|dev=...|maxvfs=7` and
 * `|dev=...|mac-addr=...|alt-mac-addrs=...|pvid=...|vid=...|mtu=...`. The parsers start a device
 * only on a line with `type=`; every other `|` line belongs to the device above.
 */
export const LIST_IO_LONG_PARSEABLE_KEYS = ["dev", "alias", "status", "domain", "type", LIST_IO_CLASS_KEY, "bus"] as const;

/**
 * The key under which a listing prints a VF or vnet network property: the same name
 * `create-vf`/`set-io`/`add-vnet` take (`list-io -l -p` VF property lines, `list -l -p` VNET
 * records), empty when unset. Ref §3.3/§3.9 [I]: VF property lines exist [V-code for `maxvfs=`],
 * their names for VFs are not verified. The catalogue in properties.ts reads every key through
 * this function, so a different spelling on real hardware is one edit here.
 */
export function listedPropertyKey(property: string): string {
  return property;
}

/**
 * Commands refused while a device shows `INV`. Ref §3.1 [V: INV while the OS re-probes; whether
 * ldm refuses anything meanwhile ?]. The lab refuses add-io of an INV VF and create-vf /
 * destroy-vf on an INV PF: the stricter choice, so the engine learns to wait.
 */
export const INV_REFUSES = { addIo: true, createDestroyOnPf: true } as const;

/**
 * `create-vf -n N name=X` with N > 1. Ref §3.6 [?]: refused (the lab does not guess a naming
 * scheme); `-n 1 name=X` names the one VF.
 */
export const CREATE_VF_N_NAME_POLICY = "refuse-unless-one" as const;

/**
 * VF device path: the PF's path with `,<index+1>` appended, e.g. `.../network@0,1`. Ref §3.2
 * shows only a PF path [V-code]; VF paths [?].
 */
export function vfDevicePath(pfDev: string, index: number): string {
  return `${pfDev},${index + 1}`;
}

/**
 * Migration timeline of the VF swap. Ref §5.3 [V: the VF is removed on the source; the rest I]:
 * the source VF is removed from the domain when the migration starts (IPMP fails over to the
 * vnet), the same-named target VF is added when it completes; on failure or cancel the source
 * VF is given back to the domain. The lab follows `removeSourceVfAt` and `restoreOnFailure`;
 * `addTargetVfAt` has one value because the target VF must stay free until the domain arrives.
 */
export const MIGRATION_VF_SWAP: {
  readonly removeSourceVfAt: "start" | "end";
  readonly addTargetVfAt: "end";
  readonly restoreOnFailure: boolean;
} = { removeSourceVfAt: "start", addTargetVfAt: "end", restoreOnFailure: true };

/**
 * `-n` dry run of migrate-domain runs every check, including the VF name match. Ref §5.1/§5.3 [I].
 * When false, the lab's `-n` skips the VF name checks (unnamed source VFs, the match on the target).
 */
export const MIGRATION_DRY_RUN_CHECKS_VFS: boolean = true;

/**
 * Flags while migrating (ref §2.4 [V letters]; positions combined with others [I]). The lab takes
 * the 6th letter of each for the domain being migrated and the 2nd of `target` for the target's
 * placeholder; the other letters follow the domain's own state.
 */
export const MIGRATION_FLAGS = { source: "-n---s", target: "-t---t" } as const;

/**
 * `ldm list -o status` while migrating. Ref §5.1 [I]: a STATUS section with OPERATION,
 * PROGRESS (percent) and SOURCE/TARGET; `-p`: `STATUS` then `|op=migration|progress=N|error=no|
 * target=HOST` (or `source=`).
 */
export const MIGRATION_STATUS_COLUMNS = ["OPERATION", "PROGRESS"] as const;

/** Key of the percentage on the `-p` STATUS record (`|progress=N`), which the engine polls. Ref §5.1 [I]. */
export const MIGRATION_STATUS_PROGRESS_KEY = "progress";

/**
 * Guest side of a VF swap: the guest sees the target VF under the same datalink name and device
 * instance as the source VF it replaces (matched by the user-assigned name), so the IPMP group
 * membership survives the migration. Ref §5.3/§6.4 [I]. When false, the lab's guest keys a VF's
 * link by pseudonym, so a migrated VF shows as a new link.
 */
export const GUEST_VF_KEEPS_LINK: boolean = true;

/**
 * Inside a Solaris guest, a vnet is the datalink over device `vnet<N>`, N being the vnet's `id`
 * in `ldm list -l -p`; a VF is a datalink over its driver's device (`ixgbevf0`, `igbvf0`),
 * which `ldm` does not name. Ref §6.2 [I]; evidence §8 [V-code]: a VF's DEVICE is its driver
 * and instance, and Oracle's own code maps a VF to its link by MAC (`dladm show-phys -m -o
 * LINK,ADDRESS`, octets without leading zeros) and finds its IPMP group in bare `ipadm`'s UNDER
 * column. How a vnet is named in the guest stays unknown. The migration maps a domain's one
 * Ethernet VF to the one non-vnet datalink and refuses to guess when there are several.
 */
export function guestVnetDevice(vnetId: string): string {
  return `vnet${vnetId}`;
}

/**
 * `dladm show-phys -m` in a guest lists one row per MAC slot of a link: the primary MAC, and each
 * alternate MAC (`alt-mac-addrs`) on its own row of the same link. Which row comes first is not
 * verified (ref §4.3 [I]); "first" means the primary's. The engine takes a link's MAC from that
 * row and the lab prints its rows in that order; correct it here from a real guest.
 */
export const DLADM_PRIMARY_MAC_ROW: "first" | "last" = "first";

/** A guest datalink device that is a vnet (not a VF). Ref §6.2 [I]. */
export const GUEST_VNET_DEVICE_PATTERN = /^vnet\d+$/;
