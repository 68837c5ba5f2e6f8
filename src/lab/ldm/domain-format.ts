/** How a domain shows in listings: flags, console, memory, uptime, the parseable DOMAIN record. */
import { MIGRATION_FLAGS, SPELLED_FLAGS } from "../../ldm/assumptions";
import type { DomainState, MachineState } from "../state";

export function isServiceDomain(machine: MachineState, d: DomainState): boolean {
  return machine.vswitches.some((s) => s.domain === d.name) || machine.vdiskServices.some((s) => s.domain === d.name);
}

/** Six flag letters (ref §2.4 [V]). */
export function flagLetters(machine: MachineState, d: DomainState): string {
  const m = d.migration;
  const c2 = m?.role === "target" ? MIGRATION_FLAGS.target[1] : d.state === "active" ? "n" : "-";
  const c3 = d.delayedReconfig ? "d" : "-";
  const c4 = d.control ? "c" : "-";
  const c5 = isServiceDomain(machine, d) ? "v" : "-";
  const c6 = m ? MIGRATION_FLAGS[m.role][5] : d.migrationError ? "e" : "-";
  return `-${c2}${c3}${c4}${c5}${c6}`;
}

/** Spelled-out flags for `-l -p` (ref §2.4 [V] for normal,control,vio-service). */
export function spelledFlags(machine: MachineState, d: DomainState): string {
  const f = flagLetters(machine, d);
  const names: string[] = [];
  if (f[1] === "n") names.push(SPELLED_FLAGS.normal);
  if (f[1] === "t") names.push(SPELLED_FLAGS.transition);
  if (f[2] === "d") names.push(SPELLED_FLAGS.delayedReconfig);
  if (f[3] === "c") names.push(SPELLED_FLAGS.control);
  if (f[4] === "v") names.push(SPELLED_FLAGS.vioService);
  if (f[5] === MIGRATION_FLAGS.source[5]) names.push(SPELLED_FLAGS.source);
  if (f[5] === MIGRATION_FLAGS.target[5]) names.push(SPELLED_FLAGS.target);
  if (f[5] === "e") names.push(SPELLED_FLAGS.error);
  return names.join(",");
}

export function consoleOf(d: DomainState): string {
  if (d.control) return "UART";
  if (d.state === "inactive" || d.console === undefined) return "";
  return String(d.console);
}

export function humanMemory(bytes: number): string {
  const units: [string, number][] = [["T", 1024 ** 4], ["G", 1024 ** 3], ["M", 1024 ** 2], ["K", 1024]];
  for (const [u, n] of units) if (bytes >= n && bytes % n === 0) return `${bytes / n}${u}`;
  for (const [u, n] of units) if (bytes >= n) return `${(bytes / n).toFixed(1)}${u}`;
  return `${bytes}`;
}

export function uptimeSeconds(d: DomainState, now: number): number | undefined {
  if (d.state !== "active" || d.startedAt === undefined) return undefined;
  return Math.max(0, Math.floor((now - d.startedAt) / 1000));
}

export function humanUptime(seconds: number | undefined): string {
  if (seconds === undefined) return "";
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  if (d) return `${d}d ${h}h ${m}m`;
  if (h) return `${h}h ${m}m`;
  if (m) return `${m}m`;
  return `${seconds}s`;
}

/** Utilisation is constant in the lab: a fixed small figure for running domains. */
export function utilOf(d: DomainState): string {
  return d.state === "active" ? (d.control ? "0.4" : "0.1") : "";
}

export function domainRecord(machine: MachineState, d: DomainState, now: number, spelled: boolean): string {
  const up = uptimeSeconds(d, now);
  const active = d.state === "active";
  return [
    "DOMAIN",
    `name=${d.name}`,
    `state=${d.state}`,
    `flags=${spelled ? spelledFlags(machine, d) : flagLetters(machine, d)}`,
    `cons=${consoleOf(d)}`,
    `ncpu=${d.ncpu}`,
    `mem=${d.memory}`,
    `util=${utilOf(d)}`,
    `uptime=${up === undefined ? "" : up}`,
    `norm_util=${active ? utilOf(d) : ""}`,
  ].join("|");
}
