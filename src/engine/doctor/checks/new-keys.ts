/**
 * Keys and record types the engine's listings show that nobody here has seen yet. The parsers
 * ignore them (they read by key), so they contradict nothing; doctor reports each once
 * ("new key seen") so the next release can decide whether they matter.
 */
import { VF_PROPERTIES, VNET_PROPERTIES } from "../../../ldm/properties";
import { doctorCheck, fieldsOf, numbered, okOutput, type DoctorCheck, type DoctorOutputs } from "./types";
import { label } from "./version";

const VF_KEYS = Object.values(VF_PROPERTIES).map((s) => s.listedAs);
const VNET_KEYS = Object.values(VNET_PROPERTIES).map((s) => s.listedAs);

/** Known keys per record type (`""`: the headless `|` lines of list-io), per listing. */
const KNOWN: Record<string, Record<string, readonly string[]>> = {
  "list-io-l-p": { "": ["dev", "alias", "status", "domain", "type", "class", "bus", "name", "maxvfs", "port-wwn", "node-wwn", "bw-percent", ...VF_KEYS] },
  "list-l-p": {
    DOMAIN: ["name", "state", "flags", "cons", "ncpu", "mem", "util", "uptime", "norm_util", "softstate"],
    VNET: ["name", "dev", "service", "mac-addr", "mode", "alt-mac-addrs", ...VNET_KEYS],
    IO: ["dev", "alias"],
    VDISK: ["name", "vol", "timeout", "dev", "server", "mpgroup", "id"],
    VCPU: ["count", "pid", "free", "pm", "vid", "cid", "util", "strand"],
    MEMORY: ["size", "ra", "pa"],
    VCONS: ["domain-name", "service-name", "port", "group"],
    CONTROL: ["failure-policy", "extended-mapin-space", "cpu-arch"],
    MAC: ["mac-addr"],
    UUID: ["uuid"],
    VARIABLES: [],
    STATUS: ["op", "progress", "error", "source", "target", "status"],
  },
  "list-services-p": {
    VSW: ["name", "ldom", "mac-addr", "net-dev", "dev", "default-vlan-id", "pvid", "vid", "mode", "mtu", "linkprop", "id", "inter-vnet-link", "peer"],
    VDS: ["name", "ldom", "vol", "opts", "dev", "mpgroup"],
    VCC: ["name", "ldom", "port-range"],
    DOMAIN: ["name"],
  },
};

/** At most this many new keys are listed (the bundle has the rest). */
const MAX_NOTES = 20;

/** Every key or record type of the three listings the engine reads that is not in KNOWN. */
export function newKeysCheck(outputs: DoctorOutputs): DoctorCheck {
  const notes: string[] = [];
  const reported = new Set<string>();
  let read = 0;
  for (const [id, known] of Object.entries(KNOWN)) {
    const text = okOutput(outputs, id);
    if (text === undefined) continue;
    read++;
    let type = "";
    for (const l of numbered(text)) {
      if (l.text.trim() === "" || l.text.startsWith("VERSION")) continue;
      const head = l.text.split("|")[0]!;
      if (head !== "") type = head;
      // list-io has only headless lines; list/list-services continuation lines belong to the record above.
      const keys = known[id === "list-io-l-p" ? "" : type];
      if (keys === undefined) {
        note(`${label(id)} line ${l.line}: record type ${type}`, `${id}/${type}`);
        continue;
      }
      for (const [key, value] of fieldsOf(l.text)) {
        if (!keys.includes(key)) note(`${label(id)} line ${l.line}: ${type ? `${type} ` : ""}${key}=${value.length > 40 ? `${value.slice(0, 40)}...` : value}`, `${id}/${type}/${key}`);
      }
    }
  }
  if (!read) return doctorCheck("new-keys", "not-observable", "none of the listings the engine reads answered");
  if (!notes.length) return doctorCheck("new-keys", "confirmed", "no key or record type the engine does not know");
  return doctorCheck("new-keys", "confirmed", `${reported.size} new key(s) or record type(s) seen; the parsers ignore them`, {
    notes: notes.length > MAX_NOTES ? [...notes.slice(0, MAX_NOTES), `... and ${notes.length - MAX_NOTES} more`] : notes,
  });

  function note(text: string, key: string): void {
    if (reported.has(key)) return;
    reported.add(key);
    notes.push(`new key seen: ${text}`);
  }
}
