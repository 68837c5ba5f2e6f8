import { Construct } from "constructs";
import { ValidationError, type GuestAccess } from "../model";
import { ControlDomain } from "./control-domain";
import { EthernetVf, type EthernetVfProps } from "./ethernet-vf";
import { FibreChannelVf, type FibreChannelVfProps } from "./fibre-channel-vf";
import { InfiniBandVf, type InfiniBandVfProps } from "./infiniband-vf";
import { IpmpGroup, type IpmpGroupProps } from "./ipmp-group";
import { Vnet, type VnetProps } from "./vnet";
import { MigrationGroup } from "./migration-group";
import { checkSshEndpoint } from "./ssh-endpoint";
import { checkName, invalid } from "./validation";

/** SSH access to the guest's own operating system (IPMP verification and configuration). */
export interface GuestAccessProps {
  readonly address: string;
  /** @default 22 */
  readonly port?: number;
  /** @default "root" */
  readonly user?: string;
  /** Pinned host key fingerprint `SHA256:<base64>`. @default none (inventory or knownHostsFile) */
  readonly hostKey?: string;
  /** @default none */
  readonly knownHostsFile?: string;
  /** Path of the private key file. @default none: the ssh-agent */
  readonly identityFile?: string;
}

export interface GuestDomainProps {
  /**
   * The domain name on the control domain.
   * @default the construct id
   */
  readonly name?: string;
  /**
   * SSH access to the guest OS.
   * @default none: IPMP inside the guest is reported as unverified
   */
  readonly access?: GuestAccessProps;
}

/** A logical domain on a control domain. Its devices are declared as its children. */
export class GuestDomain extends Construct {
  readonly domainName: string;
  /** Guest access with defaults filled in (the plan document's shape). */
  readonly access?: GuestAccess;

  constructor(scope: Construct, id: string, props: GuestDomainProps = {}) {
    super(scope, id);
    const path = this.node.path;
    if (!(scope instanceof ControlDomain) && !(scope instanceof MigrationGroup)) {
      throw new ValidationError(`${path}: a GuestDomain must be created inside a ControlDomain (a domain that stays there) or a MigrationGroup (a domain that moves between its hosts), not inside ${scope.node.path || "the app root"}; use new GuestDomain(controlDomain, "${id}")`);
    }
    this.domainName = checkName(path, "name", props.name ?? id);
    if (this.domainName === "primary") {
      invalid(path, "name", this.domainName, "is the control domain itself", "declare a guest domain, not primary");
    }
    if (props.access !== undefined) this.access = checkSshEndpoint(path, props.access, "access.");
    this.node.addValidation({ validate: () => this.validateDevices() });
  }

  /** The MigrationGroup of a mobile domain; undefined for a domain declared on a ControlDomain. */
  get group(): MigrationGroup | undefined {
    return this.node.scope instanceof MigrationGroup ? this.node.scope : undefined;
  }

  /** The control domain this guest lives on. A mobile domain has none declared: see `group`. */
  get controlDomain(): ControlDomain {
    const scope = this.node.scope;
    if (scope instanceof MigrationGroup) {
      throw new ValidationError(`${this.node.path}: domain "${this.domainName}" moves between the hosts of ${scope.node.path}; where it runs is observed, not declared`);
    }
    return scope as ControlDomain;
  }

  /** The control domains this guest may run on: its own, or every host of its group. */
  get hosts(): readonly ControlDomain[] {
    return this.group?.hosts ?? [this.controlDomain];
  }

  addEthernetVf(id: string, props: EthernetVfProps): EthernetVf {
    return new EthernetVf(this, id, props);
  }

  addVnet(id: string, props: VnetProps): Vnet {
    return new Vnet(this, id, props);
  }

  addIpmpGroup(id: string, props: IpmpGroupProps): IpmpGroup {
    return new IpmpGroup(this, id, props);
  }

  addFibreChannelVf(id: string, props: FibreChannelVfProps): FibreChannelVf {
    return new FibreChannelVf(this, id, props);
  }

  addInfiniBandVf(id: string, props: InfiniBandVfProps): InfiniBandVf {
    return new InfiniBandVf(this, id, props);
  }

  get ethernetVfs(): EthernetVf[] {
    return this.node.children.filter((c): c is EthernetVf => c instanceof EthernetVf);
  }

  get vnets(): Vnet[] {
    return this.node.children.filter((c): c is Vnet => c instanceof Vnet);
  }

  get ipmpGroups(): IpmpGroup[] {
    return this.node.children.filter((c): c is IpmpGroup => c instanceof IpmpGroup);
  }

  /** Fibre Channel and InfiniBand VFs declared present on this domain. */
  get otherVfs(): (FibreChannelVf | InfiniBandVf)[] {
    return this.node.children.filter((c): c is FibreChannelVf | InfiniBandVf => c instanceof FibreChannelVf || c instanceof InfiniBandVf);
  }

  private validateDevices(): string[] {
    const problems: string[] = [];
    const ifNames = new Map<string, string>();
    for (const vnet of this.vnets) {
      const first = ifNames.get(vnet.ifName);
      if (first !== undefined) problems.push(`vnet if-name "${vnet.ifName}" is used twice in domain "${this.domainName}" (${first} and ${vnet.node.path}); if-names are unique per domain`);
      else ifNames.set(vnet.ifName, vnet.node.path);
    }
    const groups = new Map<string, string>();
    for (const group of this.ipmpGroups) {
      const first = groups.get(group.groupName);
      if (first !== undefined) problems.push(`IPMP group "${group.groupName}" is declared twice in domain "${this.domainName}" (${first} and ${group.node.path}); declare it once`);
      else groups.set(group.groupName, group.node.path);
    }
    return problems;
  }
}
