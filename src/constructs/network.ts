import { Construct } from "constructs";
import { checkName, checkVlan } from "./validation";

export interface NetworkProps {
  /**
   * Name of the L2 network, used in messages and in the plan.
   * @default the construct id
   */
  readonly name?: string;
  /**
   * VLAN id (1-4094) of the network. VFs, vnets and virtual switches on this network must carry
   * it as their `pvid` or in their `vid` list.
   * @default untagged
   */
  readonly vlan?: number;
}

/**
 * A named layer-2 network. Declaring it makes "the VF and the vnet reach the same network"
 * (a migration precondition) something synthesis can check instead of a hope.
 */
export class Network extends Construct {
  readonly name: string;
  readonly vlan?: number;

  constructor(scope: Construct, id: string, props: NetworkProps = {}) {
    super(scope, id);
    const path = this.node.path;
    this.name = checkName(path, "name", props.name ?? id);
    if (props.vlan !== undefined) this.vlan = checkVlan(path, "vlan", props.vlan);
  }

  /** Describes how a device must be tagged to be on this network, for messages. */
  describeTagging(): string {
    return this.vlan === undefined ? `network "${this.name}" (untagged)` : `network "${this.name}" (VLAN ${this.vlan})`;
  }
}
