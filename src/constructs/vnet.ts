import { Construct } from "constructs";
import type { VnetProperty } from "../model";
import { ValidationError } from "../model";
import { VNET_PROPERTIES } from "../ldm/properties";
import { checkNetwork, DeclaredProperties, type PropertyBinding } from "./device-properties";
import { GuestDomain } from "./guest-domain";
import type { Network } from "./network";
import { VirtualSwitch } from "./virtual-switch";
import { checkIntegerRange, checkName, checkOneOf, invalid } from "./validation";
import { vlanMismatch } from "./vlan-consistency";

export interface VnetProps {
  /**
   * The vnet's if-name in the domain (unique per domain).
   * @default the construct id
   */
  readonly ifName?: string;
  /** The virtual switch: its name (e.g. `primary-vsw0`) or a declared VirtualSwitch. */
  readonly vswitch: string | VirtualSwitch;
  /** The L2 network the vnet reaches. Required when it is the standby of a migrating IPMP group. @default none */
  readonly network?: Network;
  /** Port VLAN id (`pvid`). @default the switch's default */
  readonly pvid?: number;
  /** Tagged VLAN ids (`vid`); sugar for `addVid()`. @default none */
  readonly vid?: readonly number[];
  /** MTU (`mtu`), 1500-16000. @default the switch's */
  readonly mtu?: number;
  /** Device instance (`id`), pins the guest's vnet instance number. @default auto */
  readonly networkId?: number;
  /** `linkprop`; `phys-state` lets link-based IPMP see the physical link. @default ldm's default */
  readonly linkprop?: "phys-state";
}

/**
 * Which prop carries each catalogued vnet property (src/ldm/properties.ts). Each is checked by its
 * catalogued syntax and range unless the row gives its own check.
 */
const VNET_PROPS: { readonly [K in VnetProperty]: PropertyBinding<VnetProps> } = {
  pvid: { prop: "pvid" },
  vid: { prop: "vid" },
  mtu: { prop: "mtu", what: "vnet MTU" },
  id: { prop: "networkId", check: (path, prop, value) => checkIntegerRange(path, prop, value, { min: 0, max: 9999 }, "vnet device id") },
  linkprop: { prop: "linkprop", check: (path, prop, value) => checkOneOf(path, prop, value, ["phys-state"] as const) },
};

/** A virtual network device of a guest domain on a virtual switch of its control domain. */
export class Vnet extends Construct {
  readonly ifName: string;
  readonly vswitchName: string;
  readonly vswitch?: VirtualSwitch;
  readonly network?: Network;
  private readonly declared: DeclaredProperties<VnetProperty, VnetProps>;

  constructor(scope: Construct, id: string, props: VnetProps) {
    super(scope, id);
    const path = this.node.path;
    if (!(scope instanceof GuestDomain)) {
      throw new ValidationError(`${path}: a Vnet must be created inside a GuestDomain; use new Vnet(guestDomain, "${id}", { vswitch: "primary-vsw0" })`);
    }
    if (props === undefined || props === null) throw new ValidationError(`${path}: props are missing; give at least { vswitch: "primary-vsw0" }`);
    this.ifName = checkName(path, "ifName", props.ifName ?? id);
    if (props.vswitch instanceof VirtualSwitch && scope.group !== undefined) {
      invalid(path, "vswitch", props.vswitch.node.path, `is the switch of one machine, but the domain moves between the hosts of ${scope.group.node.path}`, `name the switch (vswitch: "${props.vswitch.switchName}"); every host of the group needs a switch by that name`);
    }
    if (props.vswitch instanceof VirtualSwitch) {
      if (props.vswitch.controlDomain !== scope.controlDomain) {
        invalid(path, "vswitch", props.vswitch.node.path, `is declared on another control domain than the vnet's (${scope.controlDomain.node.path})`, "use a switch of the same control domain");
      }
      this.vswitch = props.vswitch;
      this.vswitchName = props.vswitch.switchName;
    } else {
      this.vswitchName = checkName(path, "vswitch", props.vswitch);
    }
    if (props.network !== undefined) this.network = checkNetwork(path, props.network);
    this.declared = new DeclaredProperties(path, VNET_PROPERTIES, VNET_PROPS, props);
    this.node.addValidation({ validate: () => this.validateRelations() });
  }

  addVid(vlan: number): void {
    this.declared.addVid(vlan);
  }

  get vid(): readonly number[] {
    return [...(this.declared.get<readonly number[]>("vid") ?? [])];
  }

  get pvid(): number | undefined {
    return this.declared.get("pvid");
  }

  get mtu(): number | undefined {
    return this.declared.get("mtu");
  }

  get networkId(): number | undefined {
    return this.declared.get("id");
  }

  get linkprop(): "phys-state" | undefined {
    return this.declared.get("linkprop");
  }

  get guestDomain(): GuestDomain {
    return this.node.scope as GuestDomain;
  }

  /** Vnet properties in `ldm` syntax, only those declared. */
  properties(): Readonly<Partial<Record<VnetProperty, string>>> {
    return this.declared.ldmValues();
  }

  private validateRelations(): string[] {
    const problems: string[] = [];
    const mismatch = vlanMismatch(this.network, this.pvid, this.vid);
    if (mismatch) problems.push(`vnet ${mismatch}`);
    // A mobile domain's switches are checked on every host by its group.
    if (this.guestDomain.group !== undefined) return problems;
    const host = this.guestDomain.controlDomain;
    const declared = host.virtualSwitches;
    const sw = declared.find((s) => s.switchName === this.vswitchName);
    if (declared.length > 0 && sw === undefined) {
      problems.push(`vnet uses virtual switch "${this.vswitchName}", which is not among the switches declared on control domain "${host.hostId}" (${declared.map((s) => s.switchName).join(", ")}); declare it or use one of those`);
    }
    if (sw?.network && this.network && sw.network !== this.network) {
      problems.push(`vnet is on network "${this.network.name}" but its switch "${sw.switchName}" is on network "${sw.network.name}"; use a switch on the same network`);
    }
    return problems;
  }
}
