import { Construct } from "constructs";
import type { VfProperties, VfProperty } from "../model";
import { ValidationError } from "../model";
import { VF_PROPERTIES } from "../ldm/properties";
import { checkNetwork, DeclaredProperties, type PropertyBinding } from "./device-properties";
import { GuestDomain } from "./guest-domain";
import type { Network } from "./network";
import { migrationsOf } from "./registry";
import {
  checkEthernetPf, checkEthernetVfPseudonym, checkName, invalid, show,
} from "./validation";
import { vlanMismatch } from "./vlan-consistency";

export interface EthernetVfProps {
  /**
   * Pseudonym of the Ethernet PF to create the VF on, e.g. `/SYS/MB/NET0/IOVNET.PF0`.
   * Give exactly one of `pf` and `vf`.
   * @default none
   */
  readonly pf?: string;
  /**
   * Pseudonym of an existing Ethernet VF to adopt (name and assign it), e.g.
   * `/SYS/MB/NET0/IOVNET.PF0.VF0`. Give exactly one of `pf` and `vf`.
   * @default none
   */
  readonly vf?: string;
  /**
   * The user-assigned VF name (`name=` property): the VF's identity on its machine, and how a
   * migration finds the matching VF on the target. Required: a plan finds its VF again by it.
   */
  readonly name?: string;
  /** The L2 network the VF reaches. Required for a migrating domain. @default none */
  readonly network?: Network;
  /** `mac-addr`. @default assigned by the Logical Domains Manager */
  readonly macAddr?: string;
  /** `alt-mac-addrs`: each entry a MAC address or `"auto"`. @default none */
  readonly altMacAddrs?: readonly string[];
  /** Port VLAN id (`pvid`). @default untagged */
  readonly pvid?: number;
  /** Tagged VLAN ids (`vid`); sugar for `addVid()`. @default none */
  readonly vid?: readonly number[];
  /** MTU (`mtu`), within the VF MTU range. @default the PF's default */
  readonly mtu?: number;
}

/**
 * Which prop carries each catalogued VF property (src/ldm/properties.ts). Each is checked by its
 * catalogued syntax and range unless the row gives its own check.
 */
const VF_PROPS: { readonly [K in VfProperty]: PropertyBinding<EthernetVfProps> } = {
  "mac-addr": { prop: "macAddr" },
  "alt-mac-addrs": { prop: "altMacAddrs" },
  pvid: { prop: "pvid" },
  vid: { prop: "vid" },
  mtu: { prop: "mtu", what: "VF MTU" },
};

/**
 * A mobile domain's VF is placed by its network on each host of the group, and takes each
 * machine's own MAC address (one MAC on two machines' VFs would clash on the network).
 */
function checkMobileVf(path: string, group: string, props: EthernetVfProps): void {
  const placed = "a VF of a mobile domain is created on each host's PhysicalFunction of its network";
  if (props.pf !== undefined) invalid(path, "pf", props.pf, `is given, but the domain moves between the hosts of ${group}`, `${placed}: remove pf and declare the PFs with PhysicalFunction`);
  if (props.vf !== undefined) invalid(path, "vf", props.vf, `is given, but the domain moves between the hosts of ${group}`, `${placed}: remove vf and declare the PFs with PhysicalFunction`);
  if (props.network === undefined) throw new ValidationError(`${path}: network is not set; ${placed}: give network`);
  if (props.macAddr !== undefined) invalid(path, "macAddr", props.macAddr, `is given, but the domain moves between the hosts of ${group}`, "each machine's VF keeps its own MAC address: remove macAddr");
  if (props.altMacAddrs !== undefined) invalid(path, "altMacAddrs", props.altMacAddrs, `is given, but the domain moves between the hosts of ${group}`, "each machine's VF keeps its own MAC addresses: remove altMacAddrs");
}

/**
 * An SR-IOV Ethernet virtual function assigned to a guest domain: created on a PF by the plan,
 * or an existing VF adopted by pseudonym.
 */
export class EthernetVf extends Construct {
  /** The user-assigned name, when declared (a tree rule requires it). */
  readonly vfName?: string;
  readonly pf?: string;
  readonly vf?: string;
  readonly network?: Network;
  private readonly declared: DeclaredProperties<VfProperty, EthernetVfProps>;

  constructor(scope: Construct, id: string, props: EthernetVfProps) {
    super(scope, id);
    const path = this.node.path;
    if (!(scope instanceof GuestDomain)) {
      throw new ValidationError(`${path}: an EthernetVf must be created inside a GuestDomain, not inside ${scope.node.path || "the app root"}; use new EthernetVf(guestDomain, "${id}", { ... })`);
    }
    if (props === undefined || props === null) {
      throw new ValidationError(`${path}: props are missing; give { pf: "/SYS/.../IOVNET.PF0", name: "..." }`);
    }
    const group = scope.group;
    if (group !== undefined) checkMobileVf(path, group.node.path, props);
    else if (props.pf === undefined && props.vf === undefined) {
      throw new ValidationError(`${path}: neither pf nor vf is set; give pf (the Ethernet PF to create the VF on) or vf (an existing VF to adopt)`);
    }
    if (props.pf !== undefined && props.vf !== undefined) {
      invalid(path, "vf", props.vf, `is given together with pf ${show(props.pf)}`, "give pf to create a VF, or vf to adopt an existing one, not both");
    }
    if (props.pf !== undefined) this.pf = checkEthernetPf(path, "pf", props.pf);
    if (props.vf !== undefined) this.vf = checkEthernetVfPseudonym(path, "vf", props.vf);
    if (props.name !== undefined) this.vfName = checkName(path, "name", props.name);
    if (props.network !== undefined) this.network = checkNetwork(path, props.network);
    this.declared = new DeclaredProperties(path, VF_PROPERTIES, VF_PROPS, props);
    this.node.addValidation({ validate: () => this.validateRelations() });
  }

  /** Adds a tagged VLAN id to the VF's `vid` list. */
  addVid(vlan: number): void {
    this.declared.addVid(vlan);
  }

  get vid(): readonly number[] {
    return [...(this.declared.get<readonly number[]>("vid") ?? [])];
  }

  get macAddr(): string | undefined {
    return this.declared.get("mac-addr");
  }

  get altMacAddrs(): readonly string[] | undefined {
    return this.declared.get("alt-mac-addrs");
  }

  get pvid(): number | undefined {
    return this.declared.get("pvid");
  }

  get mtu(): number | undefined {
    return this.declared.get("mtu");
  }

  get guestDomain(): GuestDomain {
    return this.node.scope as GuestDomain;
  }

  /** The VF properties in `ldm` syntax, only those declared. */
  properties(): VfProperties {
    return this.declared.ldmValues();
  }

  private validateRelations(): string[] {
    const problems: string[] = [];
    if (this.vfName === undefined) {
      const migration = migrationsOf(this.guestDomain)[0];
      const suggestion = `set name: "${this.guestDomain.domainName}-${this.node.id}"`;
      problems.push(migration
        ? `VF has no user-assigned name, but domain "${this.guestDomain.domainName}" migrates (${migration.node.path}) and Oracle's migration requires every Ethernet VF of the domain to be named; ${suggestion}`
        : `VF has no user-assigned name; the plan finds its VF again by name: ${suggestion}`);
    }
    const mismatch = vlanMismatch(this.network, this.pvid, this.vid);
    if (mismatch) problems.push(`VF ${mismatch}`);
    return problems;
  }
}
