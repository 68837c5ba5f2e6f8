import { Construct } from "constructs";
import { ValidationError } from "../model";
import { GuestDomain } from "./guest-domain";
import { checkOtherVfPseudonym } from "./validation";

export interface FibreChannelVfProps {
  /** Pseudonym of the VF, e.g. `/SYS/MB/PCIE7/IOVFC.PF0.VF0`. */
  readonly device: string;
}

/**
 * A Fibre Channel VF declared present on a domain. Nothing is created for it: it exists so that
 * synthesis refuses to plan a migration of the domain (Oracle cannot migrate it).
 */
export class FibreChannelVf extends Construct {
  readonly device: string;
  readonly deviceClass = "FIBRECHANNEL" as const;

  constructor(scope: Construct, id: string, props: FibreChannelVfProps) {
    super(scope, id);
    if (!(scope instanceof GuestDomain)) {
      throw new ValidationError(`${this.node.path}: a FibreChannelVf must be created inside a GuestDomain; use new FibreChannelVf(guestDomain, "${id}", { device })`);
    }
    this.device = checkOtherVfPseudonym(this.node.path, "device", props?.device, "FC");
  }
}
