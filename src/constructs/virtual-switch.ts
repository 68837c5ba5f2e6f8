import { Construct } from "constructs";
import { ValidationError } from "../model";
import { ControlDomain } from "./control-domain";
import { Network } from "./network";
import { checkName, invalid } from "./validation";

export interface VirtualSwitchProps {
  /**
   * Name of the virtual switch service, e.g. `primary-vsw0`.
   * @default the construct id
   */
  readonly name?: string;
  /** Backing network device (`net-dev`), e.g. `net0`. @default not checked */
  readonly netDev?: string;
  /** The L2 network the switch reaches. @default not checked */
  readonly network?: Network;
}

/**
 * A virtual switch that must exist on a control domain. Declaring switches makes the vnet rule
 * strict: a vnet, or a migrating domain's vnet on the target, must use a declared switch.
 * A control domain without declared switches has the switches its vnets name assumed.
 */
export class VirtualSwitch extends Construct {
  readonly switchName: string;
  readonly netDev?: string;
  readonly network?: Network;

  constructor(scope: Construct, id: string, props: VirtualSwitchProps = {}) {
    super(scope, id);
    const path = this.node.path;
    if (!(scope instanceof ControlDomain)) {
      throw new ValidationError(`${path}: a VirtualSwitch must be created inside a ControlDomain; use new VirtualSwitch(controlDomain, "${id}")`);
    }
    this.switchName = checkName(path, "name", props.name ?? id);
    if (props.netDev !== undefined) this.netDev = checkName(path, "netDev", props.netDev);
    if (props.network !== undefined) {
      if (!(props.network instanceof Network)) invalid(path, "network", props.network, "is not a Network construct", "pass the Network object");
      this.network = props.network;
    }
  }

  get controlDomain(): ControlDomain {
    return this.node.scope as ControlDomain;
  }
}
