import type { Construct } from "constructs";
import { PresentVf } from "./present-vf";

export interface FibreChannelVfProps {
  /** Pseudonym of the VF, e.g. `/SYS/MB/PCIE7/IOVFC.PF0.VF0`. */
  readonly device: string;
}

/**
 * A Fibre Channel VF declared present on a domain. Nothing is created for it: it exists so that
 * synthesis refuses to plan a migration of the domain (Oracle cannot migrate it).
 */
export class FibreChannelVf extends PresentVf {
  readonly deviceClass = "FIBRECHANNEL" as const;

  constructor(scope: Construct, id: string, props: FibreChannelVfProps) {
    super(scope, id, props, { construct: "a FibreChannelVf", pseudonymClass: "FC" });
  }
}
