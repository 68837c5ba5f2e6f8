/**
 * Where each mobile domain of an evacuated host goes: pure, from what was read. Domains are
 * placed largest first (so a big one is not left without room by small ones), each on the first
 * target in its group's declared preference order that still has room once the domains placed
 * before it are counted. A domain no target can hold is refused with each target's reason.
 */
import type { MigrationGroupPlan } from "../../model";
import { fits, type DomainSize, type HostCapacity } from "../capacity";

export interface EvacuationCandidate {
  readonly domain: string;
  readonly group: MigrationGroupPlan;
  readonly size: DomainSize;
}

export type Placement =
  | { readonly domain: string; readonly target: string }
  | { readonly domain: string; readonly refused: string };

/** Targets a domain of `group` may go to from `host`, in preference order, restricted to `only` when given. */
export function targetsOf(group: MigrationGroupPlan, host: string, only?: readonly string[]): string[] {
  return group.hosts.map((h) => h.id).filter((id) => id !== host && (!only?.length || only.includes(id)));
}

const weight = (s: DomainSize): number => (s.memoryBytes ?? 0) + (s.ncpu ?? 0);

export function placeDomains(
  host: string,
  candidates: readonly EvacuationCandidate[],
  capacity: ReadonlyMap<string, HostCapacity | { readonly error: string }>,
  only?: readonly string[],
): Placement[] {
  const free = new Map<string, HostCapacity>();
  for (const [id, c] of capacity) if (!("error" in c)) free.set(id, { ...c });
  const ordered = [...candidates].sort((a, b) => weight(b.size) - weight(a.size) || (a.domain < b.domain ? -1 : 1));
  const placed = ordered.map((c): Placement => {
    const targets = targetsOf(c.group, host, only);
    if (!targets.length) return { domain: c.domain, refused: `no target: group ${c.group.id} has no host but ${host}${only?.length ? ` among --to ${only.join(",")}` : ""}` };
    const reasons: string[] = [];
    for (const t of targets) {
      const room = free.get(t);
      if (!room) {
        const read = capacity.get(t);
        reasons.push(`${t}: ${read && "error" in read ? `free capacity could not be read (${read.error})` : "not read"}`);
        continue;
      }
      const fit = fits({ ...c.size, name: c.domain }, room);
      if (!fit.ok) {
        reasons.push(fit.reason);
        continue;
      }
      free.set(t, { ...room, freeVcpus: room.freeVcpus - (c.size.ncpu ?? 0), freeMemoryBytes: room.freeMemoryBytes - (c.size.memoryBytes ?? 0) });
      return { domain: c.domain, target: t };
    }
    return { domain: c.domain, refused: `no target can hold it: ${reasons.join("; ")}` };
  });
  return placed.sort((a, b) => (a.domain < b.domain ? -1 : 1));
}
