import { Construct } from "constructs";
import { ValidationError } from "../model";
import { GuestDomain } from "./guest-domain";
import { checkOtherVfPseudonym } from "./validation";

export interface InfiniBandVfProps {
  /** Pseudonym of the VF, e.g. `/SYS/MB/RISER1/PCIE4/IOVIB.PF0.VF0`. */
  readonly device: string;
}

/**
 * An InfiniBand VF declared present on a domain. Nothing is created for it: it exists so that
 * synthesis refuses to plan a migration of the domain (Oracle cannot migrate it).
 */
export class InfiniBandVf extends Construct {
  readonly device: string;
  readonly deviceClass = "INFINIBAND" as const;

  constructor(scope: Construct, id: string, props: InfiniBandVfProps) {
    super(scope, id);
    if (!(scope instanceof GuestDomain)) {
      throw new ValidationError(`${this.node.path}: an InfiniBandVf must be created inside a GuestDomain; use new InfiniBandVf(guestDomain, "${id}", { device })`);
    }
    this.device = checkOtherVfPseudonym(this.node.path, "device", props?.device, "IB");
  }
}
