/**
 * The rules Oracle puts on a domain that moves between machines with SR-IOV Ethernet VFs (named
 * VFs, each the active interface of an IPMP group with a vnet on the same network, no Fibre
 * Channel or InfiniBand VF, the vnets' switches on the other machine). A one-way SriovMigration
 * and a MigrationGroup check the same rules, so they share them here.
 */
import type { ControlDomain } from "./control-domain";
import type { GuestDomain } from "./guest-domain";

/** Problems of the domain itself: its VFs, their IPMP pairing and networks. */
export function mobileDomainProblems(domain: GuestDomain): string[] {
  const problems: string[] = [];
  const dn = `domain "${domain.domainName}"`;
  for (const other of domain.otherVfs) {
    const kind = other.deviceClass === "FIBRECHANNEL" ? "Fibre Channel" : "InfiniBand";
    problems.push(`${dn} has ${kind} VF ${other.device} (${other.node.path}); a domain with a Fibre Channel or InfiniBand VF cannot be migrated: remove the VF from the domain or drop the migration`);
  }
  if (domain.ethernetVfs.length === 0) {
    problems.push(`${dn} has no EthernetVf; an SR-IOV migration prepares the domain's named Ethernet VF: declare one`);
  }
  for (const vf of domain.ethernetVfs) {
    const label = `VF ${vf.node.path}`;
    const group = domain.ipmpGroups.find((g) => g.active === vf);
    if (group === undefined) {
      problems.push(`${label} is not the active interface of any IpmpGroup; a migrating domain needs the VF and a vnet in one IPMP group: add new IpmpGroup(domain, "ipmp0", { active: vf, standby: vnet })`);
    }
    if (vf.network === undefined) {
      problems.push(`${label} has no network; declare the Network it reaches (network: net) so the VF, the vnet and the target VF can be checked to reach the same network`);
    } else if (group !== undefined && group.standby.network !== vf.network) {
      const standbyNet = group.standby.network ? `network "${group.standby.network.name}"` : "no network";
      problems.push(`${label} is on network "${vf.network.name}" but its standby vnet ${group.standby.node.path} has ${standbyNet}; put both on the same Network`);
    }
  }
  return problems;
}

/** Problems of the domain's vnets on a machine it may run on: a switch of the same name, on the same network. */
export function vswitchProblems(domain: GuestDomain, host: ControlDomain, where = `"${host.hostId}"`): string[] {
  const problems: string[] = [];
  const declared = host.virtualSwitches;
  const seen = new Set<string>();
  for (const vnet of domain.vnets) {
    if (seen.has(vnet.vswitchName)) continue;
    seen.add(vnet.vswitchName);
    const sw = declared.find((s) => s.switchName === vnet.vswitchName);
    if (declared.length > 0 && sw === undefined) {
      problems.push(`vnet ${vnet.node.path} uses virtual switch "${vnet.vswitchName}", which is not declared on ${where} (declared: ${declared.map((s) => s.switchName).join(", ")}); a domain that moves needs a switch of the same name on every machine it may run on: declare it there`);
    }
    if (sw?.network && vnet.network && sw.network !== vnet.network) {
      problems.push(`vnet ${vnet.node.path} is on network "${vnet.network.name}" but switch "${sw.switchName}" on ${where} is on network "${sw.network.name}"; the switch must reach the same network`);
    }
  }
  return problems;
}
