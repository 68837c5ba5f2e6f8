/**
 * Synopses of the subcommands the lab implements (reference §1-§5), printed by `ldm --help
 * [subcommand]` and after a usage error. The `Usage:` framing is a lab choice (USAGE_HEADER in
 * src/ldm/assumptions.ts).
 */
import { USAGE_HEADER } from "../../ldm/assumptions";
import { VF_PROPERTIES, VF_PROPERTY_ORDER, type ValueSyntax } from "../../ldm/properties";
import type { VfProperty } from "../../model/plan-document";
import { CLEARED_BY_EMPTY } from "./vf-properties";

/** How a synopsis writes a value of each syntax. */
const VALUE_SHAPE: { readonly [S in ValueSyntax]: (key: string) => string } = {
  mac: () => "num",
  "mac-list": () => "[auto|num1,[auto|num2,...]]",
  vlan: (key) => key,
  "vlan-list": (key) => `${key}1,${key}2,...`,
  integer: () => "value",
  word: () => "value",
};

/** Placeholders Oracle's synopsis words differently from the syntax's. */
const VALUE_WORD: Partial<Record<VfProperty, string>> = { mtu: "size" };

/** `[key=value]` parts of the catalogued Ethernet VF properties, in command-line order. */
function vfPropertyParts(options: { readonly macs: boolean; readonly clearing: boolean }): string {
  return VF_PROPERTY_ORDER.flatMap((key) => {
    const { syntax } = VF_PROPERTIES[key];
    if (!options.macs && (syntax === "mac" || syntax === "mac-list")) return [];
    const value = VALUE_WORD[key] ?? VALUE_SHAPE[syntax](key);
    return [`[${key}=${options.clearing && CLEARED_BY_EMPTY.has(syntax) ? `[${value}]` : value}]`];
  }).join(" ");
}

export const SYNOPSES: Readonly<Record<string, readonly string[]>> = {
  "list-domain": ["ldm list-domain [-e] [-l] [-o format] [-p] [-S] [ldom...]", "    format is one or more of: console,cpu,crypto,disk,domain,memory,network,physio,resmgmt,serial,status"],
  "list-bindings": ["ldm list-bindings [-e] [-p] [ldom...]"],
  "list-services": ["ldm list-services [-e] [-p] [ldom...]"],
  "list-io": ["ldm list-io [-l] [-p] [bus | device | pf-name]", "ldm list-io -d pf-name"],
  "list-devices": ["ldm list-devices [-a] [-p] [cpu] [memory]"],
  "create-vf": [
    `ldm create-vf ${vfPropertyParts({ macs: true, clearing: false })} [name=user-assigned-name] pf-name`,
    `ldm create-vf -n number|max ${vfPropertyParts({ macs: false, clearing: false })} [name=user-assigned-name] pf-name`,
    "ldm create-vf [bw-percent=value] [port-wwn=value node-wwn=value] pf-name",
  ],
  "destroy-vf": ["ldm destroy-vf vf-name", "ldm destroy-vf -n number|max pf-name"],
  "set-io": [
    "ldm set-io iov=on|off bus",
    `ldm set-io ${vfPropertyParts({ macs: true, clearing: true })} [name=user-assigned-name] vf-name`,
    "ldm set-io [bw-percent=value] [port-wwn=value node-wwn=value] vf-name",
    "ldm set-io name=value [name=value...] pf-name",
  ],
  "add-io": ["ldm add-io [iov=on|off] bus ldom", "ldm add-io (device | vf-name) ldom"],
  "remove-io": ["ldm remove-io [-n] (bus | device | vf-name) ldom"],
  "add-vnet": ["ldm add-vnet [mac-addr=num] [alt-mac-addrs=[auto|num1,...]] [pvid=port-vlan-id] [linkprop=phys-state] [vid=vlan-id1,vlan-id2,...] [mtu=size] [id=network-id] if-name vswitch-name ldom"],
  "set-vnet": ["ldm set-vnet [mac-addr=num] [vswitch=vswitch-name] [pvid=[port-vlan-id]] [linkprop=[phys-state]] [vid=[vlan-id1,vlan-id2,...]] [mtu=[size]] if-name ldom"],
  "remove-vnet": ["ldm remove-vnet if-name ldom"],
  "add-vswitch": ["ldm add-vswitch [default-vlan-id=vlan-id] [pvid=port-vlan-id] [vid=vlan-id1,vlan-id2,...] [linkprop=phys-state] [mac-addr=num] [net-dev=device] [mtu=size] [id=switch-id] vswitch-name ldom"],
  "remove-vswitch": ["ldm remove-vswitch [-f] vswitch-name"],
  "start-reconf": ["ldm start-reconf ldom"],
  "cancel-operation": ["ldm cancel-operation (migration | reconf) ldom"],
  "cancel-reconf": ["ldm cancel-reconf ldom"],
  "add-domain": ["ldm add-domain [mac-addr=num] [hostid=num] ldom"],
  "remove-domain": ["ldm remove-domain (-a | ldom...)"],
  "bind-domain": ["ldm bind-domain ldom"],
  "unbind-domain": ["ldm unbind-domain ldom"],
  "start-domain": ["ldm start-domain (-a | ldom...)"],
  "stop-domain": ["ldm stop-domain [-f] [-r] (-a | ldom...)"],
  "set-vcpu": ["ldm set-vcpu number ldom"],
  "add-vcpu": ["ldm add-vcpu number ldom"],
  "set-memory": ["ldm set-memory size[unit] ldom"],
  "add-memory": ["ldm add-memory size[unit] ldom"],
  "migrate-domain": [
    "ldm migrate-domain [-f] [-n] [-p filename] source-ldom [user@]target-host[:target-ldom]",
    "ldm migrate-domain [-f] [-n] -c source-ldom target-host[:target-ldom]",
  ],
};

export function usageLines(subcommand: string): string[] {
  const synopsis = SYNOPSES[subcommand];
  if (!synopsis) return [USAGE_HEADER, "    ldm --help [subcommand]"];
  return [USAGE_HEADER, ...synopsis.map((s) => `    ${s}`)];
}

export function helpText(): string {
  const lines = [USAGE_HEADER, "    ldm [--help] command [options] [properties] operands", "    ldm -V", "", "Commands:"];
  for (const name of Object.keys(SYNOPSES).sort()) lines.push(`    ${name}`);
  return `${lines.join("\n")}\n`;
}
