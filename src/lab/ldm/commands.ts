/** The subcommand table: canonical names, aliases (ref §1), and which ones change state. */
import type { LdmContext } from "./context";
import { listBindings, listDomain, listServices } from "./list-domain";
import { listDevices } from "./list-devices";
import { listIo } from "./list-io";
import { addIo, createVf, destroyVf, removeIo, setIo } from "./vf-commands";
import { addVnet, addVsw, removeVnet, removeVsw, setVnet } from "./vnet-commands";
import { addDomain, addMemory, addVcpu, bindDomain, removeDomain, setMemory, setVcpu, startDomain, stopDomain, unbindDomain } from "./domain-commands";
import { cancelOperation, cancelReconf, startReconf } from "./reconf-commands";

export type Handler = (ctx: LdmContext, argv: readonly string[]) => void;

export interface CommandSpec {
  readonly name: string;
  readonly mutating: boolean;
  /** Absent for `migrate-domain`, which the Lab runs itself (it spans time and two machines). */
  readonly run?: Handler;
}

const SPECS: readonly (CommandSpec & { aliases?: readonly string[] })[] = [
  { name: "list-domain", aliases: ["list", "ls", "ls-dom"], mutating: false, run: listDomain },
  { name: "list-bindings", aliases: ["ls-bindings"], mutating: false, run: listBindings },
  { name: "list-services", aliases: ["ls-services"], mutating: false, run: listServices },
  { name: "list-io", aliases: ["ls-io"], mutating: false, run: listIo },
  { name: "list-devices", aliases: ["ls-devices"], mutating: false, run: listDevices },
  { name: "create-vf", mutating: true, run: createVf },
  { name: "destroy-vf", mutating: true, run: destroyVf },
  { name: "set-io", mutating: true, run: setIo },
  { name: "add-io", mutating: true, run: addIo },
  { name: "remove-io", aliases: ["rm-io"], mutating: true, run: removeIo },
  { name: "add-vnet", mutating: true, run: addVnet },
  { name: "set-vnet", mutating: true, run: setVnet },
  { name: "remove-vnet", aliases: ["rm-vnet"], mutating: true, run: removeVnet },
  { name: "add-vswitch", aliases: ["add-vsw"], mutating: true, run: addVsw },
  { name: "remove-vswitch", aliases: ["rm-vswitch", "rm-vsw"], mutating: true, run: removeVsw },
  { name: "start-reconf", mutating: true, run: startReconf },
  { name: "cancel-reconf", mutating: true, run: cancelReconf },
  { name: "cancel-operation", mutating: true, run: cancelOperation },
  { name: "add-domain", aliases: ["create"], mutating: true, run: addDomain },
  { name: "remove-domain", aliases: ["rm-domain", "destroy"], mutating: true, run: removeDomain },
  { name: "bind-domain", aliases: ["bind"], mutating: true, run: bindDomain },
  { name: "unbind-domain", aliases: ["unbind"], mutating: true, run: unbindDomain },
  { name: "start-domain", aliases: ["start"], mutating: true, run: startDomain },
  { name: "stop-domain", aliases: ["stop"], mutating: true, run: stopDomain },
  { name: "set-vcpu", mutating: true, run: setVcpu },
  { name: "add-vcpu", mutating: true, run: addVcpu },
  { name: "set-memory", aliases: ["set-mem"], mutating: true, run: setMemory },
  { name: "add-memory", aliases: ["add-mem"], mutating: true, run: addMemory },
  { name: "migrate-domain", aliases: ["migrate"], mutating: true },
];

const BY_NAME = new Map<string, CommandSpec>();
for (const s of SPECS) {
  BY_NAME.set(s.name, s);
  for (const a of s.aliases ?? []) BY_NAME.set(a, s);
}

export function lookupCommand(word: string): CommandSpec | undefined {
  return BY_NAME.get(word);
}

/** `remove-io -n` is a dry run: it changes nothing and is not journaled (migrate-domain's own parser handles its `-n`). */
export function isDryRun(spec: CommandSpec, argv: readonly string[]): boolean {
  if (spec.name !== "remove-io") return false;
  for (const a of argv) {
    if (!a.startsWith("-")) break;
    if (/^-[a-z]*n/.test(a)) return true;
  }
  return false;
}
