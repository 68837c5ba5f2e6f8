import { Construct } from "constructs";
import { ValidationError } from "../model";
import { GuestDomain } from "./guest-domain";
import { checkOtherVfPseudonym } from "./validation";

/** The words that tell one kind of present-only VF from another. */
export interface PresentVfKind {
  /** The construct's class name with its article, e.g. `a FibreChannelVf`. */
  readonly construct: string;
  readonly pseudonymClass: "FC" | "IB";
}

/**
 * A non-Ethernet VF (Fibre Channel, InfiniBand) declared present on a domain. Nothing is created
 * for it: it exists so that synthesis refuses to plan a migration of the domain (Oracle cannot
 * migrate it). FibreChannelVf and InfiniBandVf differ only in their words.
 */
export abstract class PresentVf extends Construct {
  readonly device: string;

  protected constructor(scope: Construct, id: string, props: { readonly device: string }, kind: PresentVfKind) {
    super(scope, id);
    if (!(scope instanceof GuestDomain)) {
      const name = kind.construct.replace(/^an? /, "");
      throw new ValidationError(`${this.node.path}: ${kind.construct} must be created inside a GuestDomain; use new ${name}(guestDomain, "${id}", { device })`);
    }
    this.device = checkOtherVfPseudonym(this.node.path, "device", props?.device, kind.pseudonymClass);
  }
}
