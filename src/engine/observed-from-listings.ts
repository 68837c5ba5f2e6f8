/**
 * Builds the observed model from the three listings of one batched read. The parsing itself is
 * src/ldm's; this file only picks what the engine needs out of the parsed records.
 */
import { IO_CLASSES, LIST_IO_VF_NAME_KEY } from "../ldm/assumptions";
import type { ListIoDevice } from "../ldm/parse-list-io";
import { parseListDomains } from "../ldm/parse-list-domains";
import { parseListServices } from "../ldm/parse-list-services";
import type { ObservedBus, ObservedDomain, ObservedHost, ObservedPf, ObservedVf, ObservedVnet } from "./observed-state";
import { VF_PROPERTIES, VNET_PROPERTIES, type PropertySpec } from "../ldm/properties";
import { parsePseudonym, pfOfVf } from "../ldm/syntax";

export { pfOfVf } from "../ldm/syntax";

/** A vnet's MAC is shown too (it is not a property the plan sets). */
const VNET_OBSERVED: Readonly<Record<string, Pick<PropertySpec, "listedAs">>> = { ...VNET_PROPERTIES, "mac-addr": { listedAs: "mac-addr" } };

/** The catalogued properties a listing record shows, under their command-line names. */
function pick(source: Readonly<Record<string, string>>, catalogue: Readonly<Record<string, Pick<PropertySpec, "listedAs">>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, spec] of Object.entries(catalogue)) {
    const value = source[spec.listedAs];
    if (value !== undefined && value !== "") out[key] = value;
  }
  return out;
}

function classFromAlias(alias: string): string | undefined {
  const cls = parsePseudonym(alias)?.class;
  return cls === undefined ? undefined : IO_CLASSES[cls];
}

/**
 * `list-io -l -p` lists VFs but no name field for any of them: names may still show in the
 * human `list-io -l` (`name = X`), which the reader then reads and passes as `humanNames`.
 */
export class VfNamesNotListed extends Error {}

/**
 * The observed devices. `humanNames` (VF pseudonym -> name, from human `list-io -l`) is given
 * when the parseable listing shows no name field at all; names are then taken from it.
 */
export function observeDevices(listed: readonly ListIoDevice[], humanNames?: ReadonlyMap<string, string | undefined>): Pick<ObservedHost, "buses" | "pfs" | "vfs"> {
  const devices = humanNames ? withHumanNames(listed, humanNames) : listed;
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
        properties: pick(device.properties, VF_PROPERTIES),
      });
    }
  }
  refuseUnobservableNames(devices, humanNames !== undefined);
  return { buses, pfs, vfs };
}

/** The parseable listing's devices with the VF names the human listing shows. */
function withHumanNames(devices: readonly ListIoDevice[], names: ReadonlyMap<string, string | undefined>): ListIoDevice[] {
  return devices.map((d) => {
    if (d.type.toUpperCase() !== "VF" || !names.has(d.name)) return d;
    const name = names.get(d.name);
    return { ...d, nameShown: true, ...(name !== undefined ? { vfName: name } : {}) };
  });
}

/**
 * VFs are listed, but not one carries a name field: names cannot be observed on this host, and
 * taking every VF for unnamed would create duplicates. Nothing may be planned on such a reading.
 */
function refuseUnobservableNames(devices: readonly ListIoDevice[], humanRead: boolean): void {
  const vfs = devices.filter((d) => d.type.toUpperCase() === "VF");
  if (vfs.length === 0 || vfs.some((d) => d.nameShown)) return;
  if (!humanRead) throw new VfNamesNotListed(`no VF name field in ${vfs.length} VF record(s)`);
  throw new Error(
    `it lists ${vfs.length} VF${vfs.length === 1 ? "" : "s"} (${vfs[0]?.name}${vfs.length > 1 ? ", ..." : ""}) but no "${LIST_IO_VF_NAME_KEY}=" field for any of them, and \`ldm list-io -l\` shows no "${LIST_IO_VF_NAME_KEY} = " line either, so VF names cannot be read here and nothing can be planned on this reading. ` +
      `This tool expects the user-assigned name as a "${LIST_IO_VF_NAME_KEY}=" field of the VF's record or property lines, or as a "${LIST_IO_VF_NAME_KEY} = " line under the VF in the human listing (LIST_IO_VF_NAME_KEY in src/ldm/assumptions.ts, docs/lab-assumptions.md). ` +
      "Run `ldoms doctor --host <this host>`: it captures the listings and says where this ldm shows VF names; attach its bundle (--redact) to a bug report",
  );
}

/** Domains and their vnets from `ldm list -l -p` (or `list-bindings -p`). */
export function observeDomains(text: string): ObservedDomain[] {
  return parseListDomains(text).domains.map((domain) => ({
    name: domain.name,
    state: domain.state ?? "",
    ...(domain.ncpu !== undefined ? { ncpu: domain.ncpu } : {}),
    ...(domain.mem !== undefined ? { memoryBytes: domain.mem } : {}),
    vnets: domain.vnets.map(
      (vnet): ObservedVnet => ({
        ifName: vnet.name,
        vswitch: vnet.vswitch ?? "",
        properties: pick(vnet.fields, VNET_OBSERVED),
      }),
    ),
  }));
}

/** Virtual switch names from `ldm list-services -p`. */
export function observeVswitches(text: string): string[] {
  return [...new Set(parseListServices(text).vsws.map((vsw) => vsw.name))];
}
