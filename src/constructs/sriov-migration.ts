import { Construct } from "constructs";
import { ValidationError } from "../model";
import { ControlDomain } from "./control-domain";
import { EthernetVf } from "./ethernet-vf";
import { GuestDomain } from "./guest-domain";
import { mobileDomainProblems, vswitchProblems } from "./mobility-rules";
import { migrationsOf, registerMigration } from "./registry";
import {
  checkAddress, checkEthernetPf, checkEthernetVfPseudonym, checkFilePath, checkName, checkUser, invalid, show,
} from "./validation";

/** Where the same-named VF lives on the target: created on a PF, or an existing VF to name. */
export interface TargetVfLocation {
  /** Ethernet PF on the target to create the VF on. */
  readonly pf?: string;
  /** Existing unassigned Ethernet VF on the target to name. */
  readonly vf?: string;
}

export interface SriovMigrationProps {
  /** The guest domain to migrate. */
  readonly domain: GuestDomain;
  /** The control domain of the target machine. */
  readonly target: ControlDomain;
  /**
   * Ethernet PF on the target on which the same-named VF is created (unassigned) for every
   * Ethernet VF of the domain that has no `addTargetVf()` entry.
   * @default none: every VF needs `targetVf` or `addTargetVf()`
   */
  readonly targetPf?: string;
  /**
   * Existing unassigned Ethernet VF on the target to name like the domain's only VF.
   * @default none
   */
  readonly targetVf?: string;
  /**
   * Address the source control domain uses to reach the target (`ldm migrate-domain` operand).
   * @default the target ControlDomain's address
   */
  readonly targetAddress?: string;
  /**
   * User on the target for password authentication (`user@host`).
   * @default none (certificate authentication needs none)
   */
  readonly targetUser?: string;
  /**
   * Path, on the source control domain, of a file holding the target's password
   * (`ldm migrate-domain -p FILE`). Never the password itself.
   * @default none: certificate authentication (`-c`)
   */
  readonly passwordFile?: string;
  /**
   * Whether a Terraform pipeline runs the migration (`ldoms migrate`) after preparing both hosts.
   * @default false: preparation only; migrate with `ldoms migrate <id>`
   */
  readonly migrate?: boolean;
}

export interface ResolvedTargetVf {
  readonly source: EthernetVf;
  /** The user-assigned name shared by the source and target VF. */
  readonly name?: string;
  readonly pf?: string;
  readonly vf?: string;
}

/**
 * Live migration of a guest domain with SR-IOV Ethernet VFs to another machine: declares the
 * same-named VFs on the target and carries everything `ldoms migrate` needs. The relations
 * Oracle requires (named VFs, IPMP with a vnet, same network, no FC/IB VF, switches on the
 * target) are checked when the tree is validated, all reported together.
 */
export class SriovMigration extends Construct {
  readonly domain: GuestDomain;
  readonly target: ControlDomain;
  readonly targetPf?: string;
  readonly targetVf?: string;
  readonly targetAddress: string;
  readonly targetUser?: string;
  readonly passwordFile?: string;
  readonly migrate: boolean;
  private readonly explicitTargets = new Map<EthernetVf, TargetVfLocation>();

  constructor(scope: Construct, id: string, props: SriovMigrationProps) {
    super(scope, id);
    const path = this.node.path;
    // The id names the migration on the command line (`ldoms migrate <id>`, Terraform's local-exec).
    checkName(path, "id", id);
    if (props === undefined || props === null) throw new ValidationError(`${path}: props are missing; give { domain, target, targetPf }`);
    if (!(props.domain instanceof GuestDomain)) invalid(path, "domain", props.domain, "is not a GuestDomain", "pass the GuestDomain to migrate");
    if (!(props.target instanceof ControlDomain)) invalid(path, "target", props.target, "is not a ControlDomain", "pass the target machine's ControlDomain");
    if (props.domain.group !== undefined) {
      invalid(path, "domain", props.domain.node.path, `is a mobile domain of ${props.domain.group.node.path}, which already moves it between its hosts`, `drop the SriovMigration and run: ldoms migrate ${props.domain.domainName} --to <host>`);
    }
    this.domain = props.domain;
    this.target = props.target;
    if (props.targetPf !== undefined && props.targetVf !== undefined) {
      invalid(path, "targetVf", props.targetVf, `is given together with targetPf ${show(props.targetPf)}`, "give targetPf to create the target VF, or targetVf to name an existing one");
    }
    if (props.targetPf !== undefined) this.targetPf = checkEthernetPf(path, "targetPf", props.targetPf);
    if (props.targetVf !== undefined) this.targetVf = checkEthernetVfPseudonym(path, "targetVf", props.targetVf);
    this.targetAddress = props.targetAddress === undefined ? props.target.address : checkAddress(path, "targetAddress", props.targetAddress);
    if (props.targetUser !== undefined) this.targetUser = checkUser(path, "targetUser", props.targetUser);
    if (props.passwordFile !== undefined) this.passwordFile = checkFilePath(path, "passwordFile", props.passwordFile);
    this.migrate = props.migrate ?? false;
    registerMigration(this);
    this.node.addValidation({ validate: () => this.validateContract() });
  }

  /** Places the target VF of one of the domain's VFs explicitly (overrides `targetPf`). */
  addTargetVf(vf: EthernetVf, location: TargetVfLocation): void {
    const path = this.node.path;
    if (!(vf instanceof EthernetVf) || vf.guestDomain !== this.domain) {
      invalid(path, "addTargetVf(vf)", vf instanceof EthernetVf ? vf.node.path : vf, `is not an EthernetVf of the migrating domain (${this.domain.node.path})`, "pass one of the domain's EthernetVf constructs");
    }
    if ((location?.pf === undefined) === (location?.vf === undefined)) {
      invalid(path, "addTargetVf(location)", location, "must give exactly one of pf and vf", 'use { pf: "/SYS/.../IOVNET.PF0" } or { vf: "/SYS/.../IOVNET.PF0.VF0" }');
    }
    const resolved = location.pf !== undefined
      ? { pf: checkEthernetPf(path, "addTargetVf(location).pf", location.pf) }
      : { vf: checkEthernetVfPseudonym(path, "addTargetVf(location).vf", location.vf) };
    if (this.explicitTargets.has(vf)) invalid(path, "addTargetVf(vf)", vf.node.path, "already has a target VF", "place each VF once");
    this.explicitTargets.set(vf, resolved);
  }

  /** The target VF of each Ethernet VF of the domain, in the domain's declaration order. */
  targetVfs(): ResolvedTargetVf[] {
    const vfs = this.domain.ethernetVfs;
    return vfs.map((source) => {
      const explicit = this.explicitTargets.get(source);
      const location: TargetVfLocation = explicit
        ?? (this.targetPf !== undefined ? { pf: this.targetPf } : this.targetVf !== undefined && vfs.length === 1 ? { vf: this.targetVf } : {});
      return { source, name: source.vfName, ...location };
    });
  }

  private validateContract(): string[] {
    const problems: string[] = [];
    const domain = this.domain;
    const source = domain.controlDomain;
    const dn = `domain "${domain.domainName}"`;
    if (source === this.target) {
      problems.push(`target "${this.target.hostId}" is the control domain ${dn} already runs on; choose the ControlDomain of another machine`);
    }
    const first = migrationsOf(domain)[0];
    // A second migration of the same domain is the mistake; its other findings would repeat the first's.
    if (first !== this) return [`${dn} already migrates in ${first.node.path}; declare one SriovMigration per domain`];
    problems.push(...mobileDomainProblems(domain));
    if (this.targetVf !== undefined && domain.ethernetVfs.length > 1) {
      problems.push(`targetVf ${this.targetVf} is ambiguous: ${dn} has ${domain.ethernetVfs.length} Ethernet VFs; use addTargetVf(vf, { vf }) for each`);
    }
    for (const target of this.targetVfs()) {
      if (target.pf === undefined && target.vf === undefined) {
        problems.push(`VF ${target.source.node.path} has no target VF on "${this.target.hostId}"; set targetPf (or addTargetVf(vf, { pf }))`);
      }
    }
    problems.push(...vswitchProblems(domain, this.target, `target "${this.target.hostId}"`));
    return problems;
  }
}
