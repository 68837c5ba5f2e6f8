import { Construct } from "constructs";
import { ValidationError } from "../model";
import { ControlDomain } from "./control-domain";
import { GuestDomain, type GuestDomainProps } from "./guest-domain";
import { mobileDomainProblems, vswitchProblems } from "./mobility-rules";
import type { Network } from "./network";
import type { PhysicalFunction } from "./physical-function";
import { registerGroup } from "./registry";
import { checkAddress, checkFilePath, checkName, checkUser, invalid, show } from "./validation";

export interface MigrationGroupProps {
  /**
   * The control domains the group's domains may run on and move between, in order of
   * preference (`ldoms evacuate` tries targets in this order). At least two.
   */
  readonly hosts: readonly ControlDomain[];
  /**
   * Address the other control domains use to reach a host (`ldm migrate-domain` operand), per
   * host id.
   * @default each ControlDomain's address
   */
  readonly migrationAddresses?: Readonly<Record<string, string>>;
  /**
   * User on the target for password authentication (`user@host`).
   * @default none (certificate authentication needs none)
   */
  readonly targetUser?: string;
  /**
   * Path, on every control domain of the group, of a file holding the targets' password
   * (`ldm migrate-domain -p FILE`). Never the password itself.
   * @default none: certificate authentication (`-c`)
   */
  readonly passwordFile?: string;
}

/**
 * Control domains whose mobile domains may run on any of them. A mobile domain is declared once,
 * inside the group (`group.addDomain()`); its VFs name a network, not a PF. On every host of the
 * group each VF is kept ready on the host's PhysicalFunction of that network: assigned where the
 * domain runs, unassigned and same-named everywhere else. Where a domain runs is observed, never
 * declared, so a migration in either direction needs no code change.
 */
export class MigrationGroup extends Construct {
  readonly hosts: readonly ControlDomain[];
  readonly targetUser?: string;
  readonly passwordFile?: string;
  private readonly addresses: ReadonlyMap<ControlDomain, string>;

  constructor(scope: Construct, id: string, props: MigrationGroupProps) {
    super(scope, id);
    const path = this.node.path;
    checkName(path, "id", id);
    if (props === undefined || props === null) throw new ValidationError(`${path}: props are missing; give { hosts: [hostA, hostB] }`);
    const hosts = props.hosts;
    if (!Array.isArray(hosts) || hosts.some((h) => !(h instanceof ControlDomain))) {
      invalid(path, "hosts", Array.isArray(hosts) ? hosts.map((h) => (h instanceof ControlDomain ? h.hostId : show(h))) : hosts, "is not a list of ControlDomain constructs", "pass the ControlDomains the domains move between");
    }
    const ids = hosts.map((h) => h.hostId);
    const twice = ids.find((h, i) => ids.indexOf(h) !== i);
    if (twice !== undefined) invalid(path, "hosts", ids, `lists "${twice}" twice`, "list each control domain once");
    if (hosts.length < 2) {
      invalid(path, "hosts", ids, `has ${hosts.length} control domain${hosts.length === 1 ? "" : "s"}`, "a group needs at least two machines to move domains between: add the other ControlDomain");
    }
    this.hosts = [...hosts];
    const addresses = new Map<ControlDomain, string>();
    for (const [hostId, address] of Object.entries(props.migrationAddresses ?? {})) {
      const host = hosts.find((h) => h.hostId === hostId);
      if (!host) invalid(path, "migrationAddresses", hostId, `is not a host of the group (${ids.join(", ")})`, "key each address by the host id of a ControlDomain of the group");
      addresses.set(host, checkAddress(path, `migrationAddresses.${hostId}`, address));
    }
    this.addresses = addresses;
    if (props.targetUser !== undefined) this.targetUser = checkUser(path, "targetUser", props.targetUser);
    if (props.passwordFile !== undefined) this.passwordFile = checkFilePath(path, "passwordFile", props.passwordFile);
    registerGroup(this);
    this.node.addValidation({ validate: () => this.validateGroup() });
  }

  /** Declares a mobile domain of the group (same as `new GuestDomain(group, id, props)`). */
  addDomain(id: string, props: GuestDomainProps = {}): GuestDomain {
    return new GuestDomain(this, id, props);
  }

  get domains(): GuestDomain[] {
    return this.node.children.filter((c): c is GuestDomain => c instanceof GuestDomain);
  }

  /** The address the other hosts of the group migrate to. */
  migrationAddress(host: ControlDomain): string {
    return this.addresses.get(host) ?? host.address;
  }

  /** The host's PhysicalFunction cabled to `network` (the first declared), if any. */
  pfOn(host: ControlDomain, network: Network): PhysicalFunction | undefined {
    return host.physicalFunctions.find((p) => p.network === network);
  }

  private validateGroup(): string[] {
    const problems: string[] = [];
    for (const domain of this.domains) {
      problems.push(...mobileDomainProblems(domain));
      for (const host of this.hosts) problems.push(...vswitchProblems(domain, host));
    }
    // Which network lacks a PF on which host, once per pair, so the fix is one PhysicalFunction each.
    const missing = new Map<string, string[]>();
    for (const domain of this.domains) {
      for (const vf of domain.ethernetVfs) {
        if (vf.network === undefined) continue;
        for (const host of this.hosts) {
          if (this.pfOn(host, vf.network)) continue;
          const key = `${host.hostId}\u0000${vf.network.name}`;
          const users = missing.get(key) ?? [];
          users.push(vf.node.path);
          missing.set(key, users);
        }
      }
    }
    for (const [key, users] of missing) {
      const [host, network] = key.split("\u0000") as [string, string];
      problems.push(`host "${host}" has no PhysicalFunction on network "${network}", needed by ${users.join(", ")}; declare new PhysicalFunction(<${host}>, "...", { pf: "/SYS/.../IOVNET.PF0", network }) for the PF cabled to it`);
    }
    return problems;
  }
}
