import { LdmParseError } from "./parse-error";
import { copyFields, integerList, optionalInteger, optionalText, withoutUndefined } from "./parse-fields";
import { parseParseable, type ParseableRecord } from "./parse-parseable";

export interface LdmVirtualSwitch {
  readonly name: string;
  /** Domain providing the switch (`ldom=` key, or the enclosing `DOMAIN` record). */
  readonly domain?: string;
  readonly netDev?: string;
  readonly macAddr?: string;
  readonly pvid?: number;
  readonly vids: number[];
  readonly defaultVlanId?: number;
  readonly mtu?: number;
  readonly linkprop?: string;
  readonly id?: string;
  readonly fields: Record<string, string>;
}

export interface LdmVdsVolume {
  readonly name: string;
  readonly dev?: string;
  readonly opts?: string;
  readonly mpgroup?: string;
  readonly fields: Record<string, string>;
}

export interface LdmVirtualDiskService {
  readonly name: string;
  readonly domain?: string;
  readonly volumes: LdmVdsVolume[];
  readonly fields: Record<string, string>;
}

export interface LdmVirtualConsoleConcentrator {
  readonly name: string;
  readonly domain?: string;
  readonly portRange?: string;
  readonly fields: Record<string, string>;
}

export interface LdmServiceListing {
  readonly version?: string;
  readonly vsws: LdmVirtualSwitch[];
  readonly vdss: LdmVirtualDiskService[];
  readonly vccs: LdmVirtualConsoleConcentrator[];
}

const SOURCE = "ldm list-services -p";

/**
 * Parses `ldm list-services -p` (Ref §4.4 [V-code]): `VSW|name=...|...` (vid is a comma list),
 * `VDS|name=...` followed by `|vol=NAME|opts=...|dev=PATH|mpgroup=...` lines (a `vol=` on the VDS
 * line itself is a volume too), `VCC|name=...|port-range=...`. The owning domain is read from an
 * `ldom=` key or, when the listing groups services under `DOMAIN|name=...` records, from the
 * enclosing DOMAIN: the exact layout is unverified, so both are accepted. Unknown record types
 * are ignored; a service without `name=` is a parse error.
 */
export function parseListServices(text: string): LdmServiceListing {
  const document = parseParseable(text, SOURCE);
  const vsws: LdmVirtualSwitch[] = [];
  const vdss: LdmVirtualDiskService[] = [];
  const vccs: LdmVirtualConsoleConcentrator[] = [];
  let enclosingDomain: string | undefined;
  for (const record of document.records) {
    const f = record.fields;
    switch (record.type) {
      case "DOMAIN":
        enclosingDomain = optionalText(f.name);
        break;
      case "VSW":
        vsws.push(withoutUndefined({
          name: serviceName(record),
          domain: optionalText(f.ldom) ?? enclosingDomain,
          netDev: optionalText(f["net-dev"]),
          macAddr: optionalText(f["mac-addr"]),
          pvid: optionalInteger(f.pvid),
          vids: integerList(f.vid),
          defaultVlanId: optionalInteger(f["default-vlan-id"]),
          mtu: optionalInteger(f.mtu),
          linkprop: optionalText(f.linkprop),
          id: optionalText(f.id),
          fields: copyFields(f),
        }) as LdmVirtualSwitch);
        break;
      case "VDS":
        vdss.push(withoutUndefined({
          name: serviceName(record),
          domain: optionalText(f.ldom) ?? enclosingDomain,
          volumes: [f, ...record.rows].filter((line) => optionalText(line.vol) !== undefined).map(volumeFromFields),
          fields: copyFields(f),
        }) as LdmVirtualDiskService);
        break;
      case "VCC":
        vccs.push(withoutUndefined({
          name: serviceName(record),
          domain: optionalText(f.ldom) ?? enclosingDomain,
          portRange: optionalText(f["port-range"]),
          fields: copyFields(f),
        }) as LdmVirtualConsoleConcentrator);
        break;
      default:
        break; // other services (e.g. VDPCS) are not used by this project
    }
  }
  const listing = { vsws, vdss, vccs };
  return document.version === undefined ? listing : { version: document.version, ...listing };
}

function serviceName(record: ParseableRecord): string {
  const name = optionalText(record.fields.name);
  if (name === undefined) throw new LdmParseError(SOURCE, `a ${record.type} record has no name=`);
  return name;
}

function volumeFromFields(f: Record<string, string>): LdmVdsVolume {
  return withoutUndefined({
    name: f.vol!,
    dev: optionalText(f.dev),
    opts: optionalText(f.opts),
    mpgroup: optionalText(f.mpgroup),
    fields: copyFields(f),
  }) as LdmVdsVolume;
}
