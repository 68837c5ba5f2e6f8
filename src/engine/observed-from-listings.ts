/**
 * Builds the observed model from the three listings of one batched read. The parsing itself is
 * src/ldm's; this file only picks what the engine needs out of the parsed records.
 */
import { IO_CLASSES } from "../ldm/assumptions";
import type { ListIoDevice } from "../ldm/parse-list-io";
import { parseListDomains } from "../ldm/parse-list-domains";
import { parseListServices } from "../ldm/parse-list-services";
import type { ObservedBus, ObservedDomain, ObservedHost, ObservedPf, ObservedVf, ObservedVnet } from "./observed-state";
import { LIST_IO_VF_PROPERTY_KEYS } from "../ldm/assumptions";

/** VF properties the engine compares (`ldm` spelling). */
const VF_PROPERTY_KEYS = LIST_IO_VF_PROPERTY_KEYS;
const VNET_PROPERTY_KEYS = ["pvid", "vid", "mtu", "id", "linkprop", "mac-addr"] as const;

/** `/SYS/MB/NET0/IOVNET.PF0.VF3` -> `/SYS/MB/NET0/IOVNET.PF0`. */
export function pfOfVf(alias: string): string {
  return alias.replace(/\.VF\d+$/, "");
}

function pick(source: Readonly<Record<string, string>>, keys: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of keys) {
    const value = source[key];
    if (value !== undefined && value !== "") out[key] = value;
  }
  return out;
}

function classFromAlias(alias: string): string | undefined {
  if (/\/IOVNET\.PF\d+/.test(alias)) return IO_CLASSES.ethernet;
  if (/\/IOVFC\.PF\d+/.test(alias)) return IO_CLASSES.fibreChannel;
  if (/\/IOVIB\.PF\d+/.test(alias)) return IO_CLASSES.infiniBand;
  return undefined;
}

export function observeDevices(devices: readonly ListIoDevice[]): Pick<ObservedHost, "buses" | "pfs" | "vfs"> {
  const buses: ObservedBus[] = [];
  const pfs: ObservedPf[] = [];
  const vfs: ObservedVf[] = [];
  for (const device of devices) {
    const type = device.type.toUpperCase();
    if (type === "BUS") {
      buses.push({ bus: device.bus, alias: device.name, ...(device.domain ? { domain: device.domain } : {}), iov: device.status === "IOV" });
    } else if (type === "PF") {
      const max = Number(device.properties["maxvfs"] ?? device.properties["max-vfs"] ?? NaN);
      const cls = device.class ?? classFromAlias(device.name);
      pfs.push({
        alias: device.name,
        bus: device.bus,
        ...(device.domain ? { domain: device.domain } : {}),
        ...(cls ? { class: cls } : {}),
        ...(device.status ? { status: device.status } : {}),
        ...(Number.isFinite(max) ? { maxVfs: max } : {}),
      });
    } else if (type === "VF") {
      const cls = device.class ?? classFromAlias(device.name);
      vfs.push({
        alias: device.name,
        pf: pfOfVf(device.name),
        ...(device.vfName ? { name: device.vfName } : {}),
        ...(device.domain ? { domain: device.domain } : {}),
        ...(cls ? { class: cls } : {}),
        ...(device.status ? { status: device.status } : {}),
        properties: pick(device.properties, VF_PROPERTY_KEYS),
      });
    }
  }
  return { buses, pfs, vfs };
}

/** Domains and their vnets from `ldm list -l -p` (or `list-bindings -p`). */
export function observeDomains(text: string): ObservedDomain[] {
  return parseListDomains(text).domains.map((domain) => ({
    name: domain.name,
    state: domain.state ?? "",
    vnets: domain.vnets.map(
      (vnet): ObservedVnet => ({
        ifName: vnet.name,
        vswitch: vnet.vswitch ?? "",
        properties: pick(vnet.fields, VNET_PROPERTY_KEYS),
      }),
    ),
  }));
}

/** Virtual switch names from `ldm list-services -p`. */
export function observeVswitches(text: string): string[] {
  return [...new Set(parseListServices(text).vsws.map((vsw) => vsw.name))];
}
