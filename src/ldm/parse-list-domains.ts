import { LdmParseError } from "./parse-error";
import { copyFields, integerList, optionalInteger, optionalText, splitServiceAtDomain, withoutUndefined } from "./parse-fields";
import { parseParseable, type ParseableRecord } from "./parse-parseable";

/** A virtual network device of a domain (`VNET` record, Ref §4.4 [V-code structure, I key list]). */
export interface LdmVnet {
  /** The vnet `if-name` (unique within its domain). */
  readonly name: string;
  /** `service=` as printed, e.g. `primary-vsw0@primary`. */
  readonly service?: string;
  /** Virtual switch name: `service` before the `@`. */
  readonly vswitch?: string;
  /** Domain that provides the virtual switch: `service` after the `@`. */
  readonly serviceDomain?: string;
  readonly pvid?: number;
  /** `vid=` comma list; empty when none. */
  readonly vids: number[];
  readonly mtu?: number;
  readonly macAddr?: string;
  readonly id?: string;
  readonly linkprop?: string;
  /** Device node, e.g. `network@0`. */
  readonly dev?: string;
  /** Every key of the record as printed (unknown keys included). */
  readonly fields: Record<string, string>;
  /** Continuation lines under the record (e.g. `|peer=...` in list-bindings). */
  readonly rows: Record<string, string>[];
}

/** A physical I/O device bound to a domain (`IO` record or its continuation lines). */
export interface LdmDomainIo {
  readonly dev?: string;
  readonly alias?: string;
  readonly fields: Record<string, string>;
}

export interface LdmDomain {
  readonly name: string;
  /** `active`, `bound`, `inactive` (Ref §2.3). */
  readonly state?: string;
  /** Letter form `-n-cv-` with `-p`, spelled form `normal,control,vio-service` with `-l -p` (Ref §2.4). */
  readonly flags?: string;
  /** Console: `UART`, `SP`, a port such as `5000`; undefined when blank. */
  readonly cons?: string;
  readonly ncpu?: number;
  /** Memory in bytes (Ref §2.5 [I unit]). */
  readonly mem?: number;
  readonly util?: string;
  /** Seconds (Ref §2.5 [I unit]). */
  readonly uptime?: number;
  /** Every key of the `DOMAIN` record as printed. */
  readonly fields: Record<string, string>;
  readonly vnets: LdmVnet[];
  readonly io: LdmDomainIo[];
  /** Every other resource record under the domain (`VCPU`, `MEMORY`, `VARIABLES`, `CONTROL`, `VDISK`, ...). */
  readonly records: ParseableRecord[];
}

export interface LdmDomainListing {
  readonly version?: string;
  readonly domains: LdmDomain[];
}

const SOURCE = "ldm list -p";

/**
 * Parses `ldm list -p`, `ldm list -l -p`, `ldm list -o ... -p`, `ldm list-bindings -p` and
 * `ldm list-constraints -p`: each `DOMAIN|name=...` record starts a domain; the resource records
 * that follow (until the next `DOMAIN`) belong to it. A `VNET` record with `name=` is one vnet
 * (its `|` lines are kept as `rows`, e.g. peers); a `VNET` keyword line without fields lists one
 * vnet per `|name=` line below it, and `|` lines without `name=` are that vnet's rows. `IO` records work the same way with `dev=`/`alias=`.
 * `UUID` and other records are kept in `records`. Resource records before any `DOMAIN` are a
 * parse error.
 */
export function parseListDomains(text: string): LdmDomainListing {
  const document = parseParseable(text, SOURCE);
  const domains: DomainDraft[] = [];
  for (const record of document.records) {
    if (record.type === "DOMAIN") {
      domains.push(domainFromRecord(record));
      continue;
    }
    const current = domains[domains.length - 1];
    if (current === undefined) {
      throw new LdmParseError(SOURCE, `record ${record.type === "" ? "\"|...\"" : `"${record.type}"`} comes before any DOMAIN record`);
    }
    if (record.type === "VNET") current.vnets.push(...vnetsFromRecord(record));
    else if (record.type === "IO") current.io.push(...ioFromRecord(record));
    else current.records.push(record);
  }
  return document.version === undefined ? { domains } : { version: document.version, domains };
}

type DomainDraft = LdmDomain & { vnets: LdmVnet[]; io: LdmDomainIo[]; records: ParseableRecord[] };

function domainFromRecord(record: ParseableRecord): DomainDraft {
  const f = record.fields;
  const name = optionalText(f.name);
  if (name === undefined) throw new LdmParseError(SOURCE, "a DOMAIN record has no name=");
  return withoutUndefined({
    name,
    state: optionalText(f.state),
    flags: optionalText(f.flags),
    cons: optionalText(f.cons),
    ncpu: optionalInteger(f.ncpu),
    mem: optionalInteger(f.mem),
    util: optionalText(f.util),
    uptime: optionalInteger(f.uptime),
    fields: copyFields(f),
    vnets: [],
    io: [],
    records: [],
  }) as DomainDraft;
}

function vnetsFromRecord(record: ParseableRecord): LdmVnet[] {
  if (optionalText(record.fields.name) !== undefined) return [vnetFromFields(record.fields, record.rows)];
  if (Object.keys(record.fields).length > 0) throw new LdmParseError(SOURCE, "a VNET record has fields but no name=");
  // Keyword-line form (evidence §4): each `|name=` line is a vnet; a `|` line without `name=`
  // (e.g. `|peer=`) belongs to the vnet above it.
  const vnets: { fields: Record<string, string>; rows: Record<string, string>[] }[] = [];
  for (const row of record.rows) {
    const current = vnets[vnets.length - 1];
    if (optionalText(row.name) !== undefined) vnets.push({ fields: row, rows: [] });
    else if (current !== undefined) current.rows.push(row);
    else throw new LdmParseError(SOURCE, "the first line under a VNET keyword has no name=");
  }
  return vnets.map((v) => vnetFromFields(v.fields, v.rows));
}

function vnetFromFields(f: Record<string, string>, rows: Record<string, string>[]): LdmVnet {
  const { service: vswitch, domain: serviceDomain } = splitServiceAtDomain(f.service);
  return withoutUndefined({
    name: f.name!,
    service: optionalText(f.service),
    vswitch,
    serviceDomain,
    pvid: optionalInteger(f.pvid),
    vids: integerList(f.vid),
    mtu: optionalInteger(f.mtu),
    macAddr: optionalText(f["mac-addr"]),
    id: optionalText(f.id),
    linkprop: optionalText(f.linkprop),
    dev: optionalText(f.dev),
    fields: copyFields(f),
    rows: rows.map(copyFields),
  }) as LdmVnet;
}

function ioFromRecord(record: ParseableRecord): LdmDomainIo[] {
  const lines = [record.fields, ...record.rows].filter((f) => optionalText(f.dev) !== undefined || optionalText(f.alias) !== undefined);
  return lines.map((f) => withoutUndefined({ dev: optionalText(f.dev), alias: optionalText(f.alias), fields: copyFields(f) }) as LdmDomainIo);
}
