import { Construct } from "constructs";
import type { VnetProperty } from "../model";
import { ValidationError } from "../model";
import { VNET_MTU_RANGE } from "../ldm/assumptions";
import { GuestDomain } from "./guest-domain";
import { Network } from "./network";
import { VirtualSwitch } from "./virtual-switch";
import { addVidTo, checkIntegerRange, checkName, checkOneOf, checkVlan, checkVlanList, invalid } from "./validation";
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

/** A virtual network device of a guest domain on a virtual switch of its control domain. */
export class Vnet extends Construct {
  readonly ifName: string;
  readonly vswitchName: string;
  readonly vswitch?: VirtualSwitch;
  readonly network?: Network;
  readonly pvid?: number;
  readonly mtu?: number;
  readonly networkId?: number;
  readonly linkprop?: "phys-state";
  private readonly vids: number[] = [];

  constructor(scope: Construct, id: string, props: VnetProps) {
    super(scope, id);
    const path = this.node.path;
    if (!(scope instanceof GuestDomain)) {
      throw new ValidationError(`${path}: a Vnet must be created inside a GuestDomain; use new Vnet(guestDomain, "${id}", { vswitch: "primary-vsw0" })`);
    }
    if (props === undefined || props === null) throw new ValidationError(`${path}: props are missing; give at least { vswitch: "primary-vsw0" }`);
    this.ifName = checkName(path, "ifName", props.ifName ?? id);
    if (props.vswitch instanceof VirtualSwitch) {
      if (props.vswitch.controlDomain !== scope.controlDomain) {
        invalid(path, "vswitch", props.vswitch.node.path, `is declared on another control domain than the vnet's (${scope.controlDomain.node.path})`, "use a switch of the same control domain");
      }
      this.vswitch = props.vswitch;
      this.vswitchName = props.vswitch.switchName;
    } else {
      this.vswitchName = checkName(path, "vswitch", props.vswitch);
    }
    if (props.network !== undefined) {
      if (!(props.network instanceof Network)) invalid(path, "network", props.network, "is not a Network construct", "pass the Network object");
      this.network = props.network;
    }
    if (props.pvid !== undefined) this.pvid = checkVlan(path, "pvid", props.pvid);
    if (props.vid !== undefined) for (const v of checkVlanList(path, "vid", props.vid)) this.addVid(v);
    if (props.mtu !== undefined) this.mtu = checkIntegerRange(path, "mtu", props.mtu, VNET_MTU_RANGE, "vnet MTU");
    if (props.networkId !== undefined) this.networkId = checkIntegerRange(path, "networkId", props.networkId, { min: 0, max: 9999 }, "vnet device id");
    if (props.linkprop !== undefined) this.linkprop = checkOneOf(path, "linkprop", props.linkprop, ["phys-state"] as const);
    this.node.addValidation({ validate: () => this.validateRelations() });
  }

  addVid(vlan: number): void {
    addVidTo(this.node.path, this.vids, vlan);
  }

  get vid(): readonly number[] {
    return [...this.vids];
  }

  get guestDomain(): GuestDomain {
    return this.node.scope as GuestDomain;
  }

  /** Vnet properties in `ldm` syntax, only those declared. */
  properties(): Readonly<Partial<Record<VnetProperty, string>>> {
    const props: Partial<Record<VnetProperty, string>> = {};
    if (this.pvid !== undefined) props.pvid = String(this.pvid);
    if (this.vids.length) props.vid = this.vids.join(",");
    if (this.mtu !== undefined) props.mtu = String(this.mtu);
    if (this.networkId !== undefined) props.id = String(this.networkId);
    if (this.linkprop !== undefined) props.linkprop = this.linkprop;
    return props;
  }

  private validateRelations(): string[] {
    const problems: string[] = [];
    const mismatch = vlanMismatch(this.network, this.pvid, this.vids);
    if (mismatch) problems.push(`vnet ${mismatch}`);
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
