import { Construct } from "constructs";
import { ValidationError } from "../model";
import { GuestDomain, type GuestDomainProps } from "./guest-domain";
import { PhysicalFunction, type PhysicalFunctionProps } from "./physical-function";
import { groupsOf, incomingMigrations, migrationsOf } from "./registry";
import { VirtualSwitch, type VirtualSwitchProps } from "./virtual-switch";
import { checkSshEndpoint, type SshEndpointProps } from "./ssh-endpoint";
import { checkCommandPath, checkName } from "./validation";

export interface ControlDomainProps extends SshEndpointProps {
  /** Host name or IP address of the control domain's SSH server. */
  readonly address: string;
  /**
   * SSH port.
   * @default 22
   */
  readonly port?: number;
  /**
   * Login user (needs the "LDoms Review" rights profile to plan, "LDoms Management" to apply).
   * @default "root"
   */
  readonly user?: string;
  /**
   * Pinned host key fingerprint, `SHA256:<base64>` as `ssh-keygen -lf` prints it.
   * @default none: the host key must come from `knownHostsFile` or the inventory
   */
  readonly hostKey?: string;
  /**
   * Path of a known_hosts file to pin the host key from, instead of `hostKey`.
   * @default none
   */
  readonly knownHostsFile?: string;
  /**
   * Path of the private key file. Never the key itself.
   * @default none: the ssh-agent is used
   */
  readonly identityFile?: string;
  /**
   * Run `ldm` through `pfexec` (rights profiles instead of root).
   * @default false
   */
  readonly pfexec?: boolean;
  /**
   * Name or path of the `ldm` command on the control domain.
   * @default "ldm"
   */
  readonly ldmPath?: string;
}

/**
 * The control domain of one SPARC machine, reached over SSH. Its construct id is the host id used
 * by the plan, the per-host script name and `ldoms apply --host`.
 */
export class ControlDomain extends Construct {
  /** Host id: the construct id. */
  readonly hostId: string;
  readonly address: string;
  readonly port: number;
  readonly user: string;
  readonly hostKey?: string;
  readonly knownHostsFile?: string;
  readonly identityFile?: string;
  readonly pfexec: boolean;
  readonly ldmPath: string;

  constructor(scope: Construct, id: string, props: ControlDomainProps) {
    super(scope, id);
    const path = this.node.path;
    this.hostId = checkName(path, "id", id);
    if (props === undefined || props === null) {
      throw new ValidationError(`${path}: props are missing; give at least { address: "<host name or IP>" }`);
    }
    const endpoint = checkSshEndpoint(path, props);
    this.address = endpoint.address;
    this.port = endpoint.port;
    this.user = endpoint.user;
    this.hostKey = endpoint.hostKey;
    this.knownHostsFile = endpoint.knownHostsFile;
    this.identityFile = endpoint.identityFile;
    this.pfexec = props.pfexec ?? false;
    this.ldmPath = props.ldmPath === undefined ? "ldm" : checkCommandPath(path, "ldmPath", props.ldmPath);
    this.node.addValidation({ validate: () => this.validateMachine() });
  }

  /** Declares a guest domain on this machine (same as `new GuestDomain(this, id, props)`). */
  addGuestDomain(id: string, props: GuestDomainProps = {}): GuestDomain {
    return new GuestDomain(this, id, props);
  }

  /** Declares a virtual switch that must exist on this machine. */
  addVirtualSwitch(id: string, props: VirtualSwitchProps = {}): VirtualSwitch {
    return new VirtualSwitch(this, id, props);
  }

  get guestDomains(): GuestDomain[] {
    return this.node.children.filter((c): c is GuestDomain => c instanceof GuestDomain);
  }

  /** Declares an Ethernet PF of this machine and the network it is cabled to. */
  addPhysicalFunction(id: string, props: PhysicalFunctionProps): PhysicalFunction {
    return new PhysicalFunction(this, id, props);
  }

  get physicalFunctions(): PhysicalFunction[] {
    return this.node.children.filter((c): c is PhysicalFunction => c instanceof PhysicalFunction);
  }

  /** The mobile domains of every MigrationGroup this machine belongs to. */
  get mobileDomains(): GuestDomain[] {
    return groupsOf(this).flatMap((g) => g.domains);
  }

  get virtualSwitches(): VirtualSwitch[] {
    return this.node.children.filter((c): c is VirtualSwitch => c instanceof VirtualSwitch);
  }

  /** Rules over the whole machine: names that `ldm` requires to be unique on it. */
  private validateMachine(): string[] {
    const problems: string[] = [];
    const vfNames = new Map<string, string>();
    const claimVfName = (name: string, owner: string): void => {
      const first = vfNames.get(name);
      if (first === undefined) vfNames.set(name, owner);
      else problems.push(`VF name "${name}" is used twice on control domain "${this.hostId}" (by ${first} and by ${owner}); VF names are unique per machine: rename one`);
    };
    const adopted = new Map<string, string>();
    const claimPseudonym = (vf: string, owner: string): void => {
      const first = adopted.get(vf);
      if (first === undefined) adopted.set(vf, owner);
      else problems.push(`VF ${vf} is declared twice on control domain "${this.hostId}" (by ${first} and by ${owner}); declare each existing VF once`);
    };
    const domainNames = new Map<string, string>();
    for (const guest of [...this.guestDomains, ...this.mobileDomains]) {
      const first = domainNames.get(guest.domainName);
      if (first !== undefined) problems.push(`domain name "${guest.domainName}" is declared twice on control domain "${this.hostId}" (${first} and ${guest.node.path}); give each GuestDomain its own name`);
      else domainNames.set(guest.domainName, guest.node.path);
      for (const vf of guest.ethernetVfs) {
        if (vf.vfName !== undefined) claimVfName(vf.vfName, vf.node.path);
        if (vf.vf !== undefined) claimPseudonym(vf.vf, vf.node.path);
      }
    }
    for (const migration of incomingMigrations(this)) {
      if (migrationsOf(migration.domain)[0] !== migration) continue; // reported by the migration itself
      for (const target of migration.targetVfs()) {
        if (target.name === undefined) continue;
        claimVfName(target.name, `the target VF of ${migration.node.path}`);
        if (target.vf !== undefined) claimPseudonym(target.vf, `the target VF of ${migration.node.path}`);
      }
    }
    const pfNetworks = new Map<string, PhysicalFunction>();
    for (const pf of this.physicalFunctions) {
      const first = pfNetworks.get(pf.pf);
      if (first === undefined) pfNetworks.set(pf.pf, pf);
      else if (first.network !== pf.network) problems.push(`PF ${pf.pf} is declared on network "${first.network.name}" (${first.node.path}) and on network "${pf.network.name}" (${pf.node.path}) on control domain "${this.hostId}"; a port is cabled to one network: keep the right one`);
      else problems.push(`PF ${pf.pf} is declared twice on control domain "${this.hostId}" (${first.node.path} and ${pf.node.path}); declare it once`);
    }
    const switchNames = new Map<string, string>();
    for (const vsw of this.virtualSwitches) {
      const first = switchNames.get(vsw.switchName);
      if (first !== undefined) problems.push(`virtual switch "${vsw.switchName}" is declared twice on control domain "${this.hostId}" (${first} and ${vsw.node.path}); declare it once`);
      else switchNames.set(vsw.switchName, vsw.node.path);
    }
    return problems;
  }
}
