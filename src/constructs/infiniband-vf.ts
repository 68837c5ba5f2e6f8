import type { Construct } from "constructs";
import { PresentVf } from "./present-vf";

export interface InfiniBandVfProps {
  /** Pseudonym of the VF, e.g. `/SYS/MB/RISER1/PCIE4/IOVIB.PF0.VF0`. */
  readonly device: string;
}

/**
 * An InfiniBand VF declared present on a domain. Nothing is created for it: it exists so that
 * synthesis refuses to plan a migration of the domain (Oracle cannot migrate it).
 */
export class InfiniBandVf extends PresentVf {
  readonly deviceClass = "INFINIBAND" as const;

  constructor(scope: Construct, id: string, props: InfiniBandVfProps) {
    super(scope, id, props, { construct: "an InfiniBandVf", pseudonymClass: "IB" });
  }
}
