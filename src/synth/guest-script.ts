/**
 * The guest side of a VF migration as a script the admin runs inside the guest when ldoms has
 * no SSH access to it (`scripts/guest-<domain>.sh`): builds each declared IPMP group (VF active,
 * vnet standby) with ipadm, idempotently, then shows `ipmpstat -i`. It runs on the guest's
 * Solaris shell, so it may use pipes and awk, unlike the engine's command lines.
 */
import type { DesiredDomain, PlanDocument } from "../model";

export const GUEST_SCRIPT_PREFIX = "guest-";

export function guestScriptPath(domain: string): string {
  return `scripts/${GUEST_SCRIPT_PREFIX}${domain}.sh`;
}

function quote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function renderGuestScript(stack: string, host: string, domain: DesiredDomain): string {
  const groups = domain.ipmpGroups;
  const single = groups.length === 1;
  const lines = [
    "#!/bin/sh",
    `# IPMP inside guest domain ${domain.name} (${domain.mobile ? `mobile in group ${domain.mobile.group}` : `host ${host}`}, stack ${stack}); written by ldoms synth.`,
    "# Run as root (or with pfexec) in the guest. Safe to run again: it only adds what is missing.",
    "# Each group pairs the Ethernet VF (active) with a vnet (standby), as live migration needs.",
    single
      ? `# Datalinks are found with dladm show-phys; name them when that is ambiguous: $0 VF_LINK VNET_LINK`
      : `# Name the datalinks of every group, in order: $0 ${groups.map((g) => `${g.name.toUpperCase()}_VF_LINK ${g.name.toUpperCase()}_VNET_LINK`).join(" ")}`,
    "set -eu",
    "",
    "configure_group() {",
    '  group=$1 vf_link=$2 vnet_link=$3',
    '  ipadm show-if "$vf_link" >/dev/null 2>&1 || ipadm create-ip "$vf_link"',
    '  ipadm show-if "$vnet_link" >/dev/null 2>&1 || ipadm create-ip "$vnet_link"',
    '  ipadm show-if "$group" >/dev/null 2>&1 || ipadm create-ipmp "$group"',
    '  for link in "$vf_link" "$vnet_link"; do',
    '    if ! ipadm show-if -p -o over "$group" | tr " " "\\n" | grep -qx "$link"; then',
    '      ipadm add-ipmp -i "$link" "$group"',
    "    fi",
    "  done",
    '  # ipmpstat -i FLAGS: the second letter is "s" on a standby interface.',
    '  if ! ipmpstat -P -o interface,flags -i | grep -q "^$vnet_link:.s"; then',
    '    ipadm set-ifprop -p standby=on -m ip "$vnet_link"',
    "  fi",
    "}",
    "",
  ];
  if (single) {
    const g = groups[0]!;
    const vnet = domain.vnets.find((v) => v.ifName === g.standbyVnet);
    const device = vnet?.properties.id !== undefined ? `^vnet${vnet.properties.id}$` : "^vnet[0-9]";
    lines.push(
      `# Group ${g.name}: VF ${quote(g.activeVf)} active, vnet ${quote(g.standbyVnet)} standby.`,
      `vf_link=\${1:-$(dladm show-phys -p -o link,device | awk -F: '$2 !~ /^vnet[0-9]/ { print $1 }')}`,
      `vnet_link=\${2:-$(dladm show-phys -p -o link,device | awk -F: '$2 ~ /${device}/ { print $1 }')}`,
      'if [ "$(echo $vf_link | wc -w)" -ne 1 ] || [ "$(echo $vnet_link | wc -w)" -ne 1 ]; then',
      `  echo "cannot tell the datalinks of VF ${g.activeVf} and vnet ${g.standbyVnet} apart (found VF: $vf_link; vnet: $vnet_link); run: $0 VF_LINK VNET_LINK" >&2`,
      "  exit 1",
      "fi",
      `configure_group ${quote(g.name)} "$vf_link" "$vnet_link"`,
    );
  } else {
    lines.push(`if [ $# -ne ${groups.length * 2} ]; then echo "usage: $0 ${groups.map((g) => `${g.name.toUpperCase()}_VF_LINK ${g.name.toUpperCase()}_VNET_LINK`).join(" ")}" >&2; exit 2; fi`);
    groups.forEach((g, i) => lines.push(`configure_group ${quote(g.name)} "$${i * 2 + 1}" "$${i * 2 + 2}"  # VF ${g.activeVf}, vnet ${g.standbyVnet}`));
  }
  lines.push("ipmpstat -i", "");
  return lines.join("\n");
}

/** Relative path -> script, for every guest domain with declared IPMP groups, sorted. */
export function guestScriptArtifacts(plan: PlanDocument): Map<string, string> {
  const files = new Map<string, string>();
  for (const host of plan.hosts) {
    for (const domain of host.desired.domains) {
      if (domain.ipmpGroups.length) files.set(guestScriptPath(domain.name), renderGuestScript(plan.stack, host.id, domain));
    }
  }
  return new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
