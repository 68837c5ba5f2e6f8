import { Construct } from "constructs";
import { ValidationError } from "../model";
import { ControlDomain } from "./control-domain";
import { checkNetwork } from "./device-properties";
import type { Network } from "./network";
import { checkEthernetPf } from "./validation";

export interface PhysicalFunctionProps {
  /** Pseudonym of the Ethernet PF, e.g. `/SYS/MB/NET0/IOVNET.PF0`. */
  readonly pf: string;
  /** The L2 network the PF's port is cabled to. */
  readonly network: Network;
}

/**
 * An Ethernet PF of one machine and the network it is cabled to. A mobile domain's VF names only
 * its network; on each host of its MigrationGroup the VF is created on that host's PF of the
 * network (the first declared, when the host has several).
 */
export class PhysicalFunction extends Construct {
  readonly pf: string;
  readonly network: Network;

  constructor(scope: Construct, id: string, props: PhysicalFunctionProps) {
    super(scope, id);
    const path = this.node.path;
    if (!(scope instanceof ControlDomain)) {
      throw new ValidationError(`${path}: a PhysicalFunction must be created inside a ControlDomain; use new PhysicalFunction(controlDomain, "${id}", { pf, network })`);
    }
    if (props === undefined || props === null) throw new ValidationError(`${path}: props are missing; give { pf: "/SYS/MB/NET0/IOVNET.PF0", network }`);
    this.pf = checkEthernetPf(path, "pf", props.pf);
    this.network = checkNetwork(path, props.network);
  }

  get controlDomain(): ControlDomain {
    return this.node.scope as ControlDomain;
  }
}
