import { Construct } from "constructs";
import { ValidationError } from "../model";
import { EthernetVf } from "./ethernet-vf";
import { GuestDomain } from "./guest-domain";
import { Vnet } from "./vnet";
import { checkName, invalid } from "./validation";

export interface IpmpGroupProps {
  /**
   * IPMP group name inside the guest, e.g. `ipmp0`.
   * @default the construct id
   */
  readonly name?: string;
  /** The VF that carries traffic (active). */
  readonly active: EthernetVf;
  /** The vnet that carries traffic while the VF is away during a migration (standby). */
  readonly standby: Vnet;
}

/** An active/standby IPMP group in a guest pairing a VF (active) with a vnet (standby). */
export class IpmpGroup extends Construct {
  readonly groupName: string;
  readonly active: EthernetVf;
  readonly standby: Vnet;

  constructor(scope: Construct, id: string, props: IpmpGroupProps) {
    super(scope, id);
    const path = this.node.path;
    if (!(scope instanceof GuestDomain)) {
      throw new ValidationError(`${path}: an IpmpGroup must be created inside a GuestDomain; use new IpmpGroup(guestDomain, "${id}", { active, standby })`);
    }
    this.groupName = checkName(path, "name", props?.name ?? id);
    if (!(props?.active instanceof EthernetVf)) invalid(path, "active", props?.active, "is not an EthernetVf", "pass the EthernetVf that carries traffic");
    if (!(props.standby instanceof Vnet)) invalid(path, "standby", props.standby, "is not a Vnet", "pass the Vnet that takes over during migration");
    if (props.active.guestDomain !== scope) {
      invalid(path, "active", props.active.node.path, `belongs to another domain than the group (${scope.node.path})`, "pair devices of the same guest domain");
    }
    if (props.standby.guestDomain !== scope) {
      invalid(path, "standby", props.standby.node.path, `belongs to another domain than the group (${scope.node.path})`, "pair devices of the same guest domain");
    }
    this.active = props.active;
    this.standby = props.standby;
  }
}
