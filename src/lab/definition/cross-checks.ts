/**
 * What a schema cannot say about a lab definition: names unique where `ldm` needs them unique,
 * references (a bus, domain, virtual switch, volume or machine) that point at something declared,
 * and the control domain's rules. Each problem names its JSON path and the fix.
 */
import type { Problems } from "./resolve";
import type { FaultsDefinition, MachineDefinition } from "./types";

function duplicates(values: readonly string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const v of values) (seen.has(v) ? dup : seen).add(v);
  return [...dup];
}

function checkDomains(m: MachineDefinition, path: string, problems: Problems): void {
  for (const d of duplicates(m.domains.map((x) => x.name))) problems.add(`${path}.domains`, `domain "${d}" is declared twice; names are unique per machine`);
  const primary = m.domains.find((d) => d.name === "primary");
  if (!primary) problems.add(`${path}.domains`, `no "primary" control domain; add { "name": "primary" }`);
  if (primary && primary.state !== "active") problems.add(`${path}.domains`, `the primary domain must be "active"`);
  if (primary?.guestModel) problems.add(`${path}.domains`, `the primary domain cannot have "guestModel"; it models guests only`);
}

function checkIo(m: MachineDefinition, path: string, problems: Problems): void {
  const domainNames = new Set(m.domains.map((d) => d.name));
  const busNames = new Set(m.buses.map((b) => b.name));
  const checkBus = (bus: string, at: string) => {
    if (bus && !busNames.has(bus)) problems.add(at, `bus "${bus}" is not declared in ${path}.buses; add it there or fix the name`);
  };
  m.buses.forEach((b, i) => {
    if (b.domain && !domainNames.has(b.domain)) problems.add(`${path}.buses[${i}].domain`, `domain "${b.domain}" is not declared in ${path}.domains`);
  });
  m.slots.forEach((s, i) => checkBus(s.bus, `${path}.slots[${i}].bus`));
  m.pfs.forEach((pf, i) => checkBus(pf.bus, `${path}.pfs[${i}].bus`));
  for (const d of duplicates(m.buses.map((b) => b.name))) problems.add(`${path}.buses`, `bus "${d}" is declared twice`);
  for (const d of duplicates(m.pfs.map((p) => p.alias))) problems.add(`${path}.pfs`, `PF "${d}" is declared twice`);
  m.pfs.forEach((pf, i) =>
    pf.vfs.forEach((vf, j) => {
      if (vf.domain && !domainNames.has(vf.domain)) problems.add(`${path}.pfs[${i}].vfs[${j}].domain`, `domain "${vf.domain}" is not declared in ${path}.domains`);
    }),
  );
  const vfNames = m.pfs.flatMap((pf) => pf.vfs.flatMap((vf) => (vf.name ? [vf.name] : [])));
  for (const d of duplicates(vfNames)) problems.add(`${path}.pfs`, `VF name "${d}" is used twice; VF names are unique per machine`);
}

function checkVirtualDevices(m: MachineDefinition, path: string, problems: Problems): void {
  const domainNames = new Set(m.domains.map((d) => d.name));
  for (const d of duplicates(m.vswitches.map((s) => s.name))) problems.add(`${path}.vswitches`, `virtual switch "${d}" is declared twice`);
  m.vswitches.forEach((s, i) => {
    if (!domainNames.has(s.domain)) problems.add(`${path}.vswitches[${i}].domain`, `domain "${s.domain}" is not declared in ${path}.domains`);
  });
  const vswNames = new Set(m.vswitches.map((s) => s.name));
  m.domains.forEach((d, i) => {
    for (const dup of duplicates(d.vnets.map((v) => v.name))) problems.add(`${path}.domains[${i}].vnets`, `vnet "${dup}" is declared twice in domain "${d.name}"`);
    d.vnets.forEach((v, j) => {
      if (!vswNames.has(v.vswitch)) problems.add(`${path}.domains[${i}].vnets[${j}].vswitch`, `virtual switch "${v.vswitch}" is not declared in ${path}.vswitches`);
    });
    d.vdisks.forEach((v, j) => {
      const [volume, service] = v.volume.split("@");
      const vds = m.vdiskServices.find((s) => s.name === service);
      if (!vds || !vds.volumes.some((x) => x.name === volume)) problems.add(`${path}.domains[${i}].vdisks[${j}].volume`, `volume "${v.volume}" is not declared in ${path}.vdiskServices`);
    });
  });
}

/** Bound and active domains (the control domain is always active) must fit in the machine. */
function checkCapacity(m: MachineDefinition, path: string, problems: Problems): void {
  const holding = m.domains.filter((d) => d.state !== "inactive");
  const vcpus = holding.reduce((n, d) => n + d.ncpu, 0);
  const memory = holding.reduce((n, d) => n + d.memory, 0);
  if (vcpus > m.capacity.vcpus) problems.add(`${path}.capacity.vcpus`, `the bound and active domains hold ${vcpus} vCPUs, more than the machine's ${m.capacity.vcpus}; raise capacity.vcpus or give the domains fewer`);
  if (memory > m.capacity.memoryBytes) problems.add(`${path}.capacity.memory`, `the bound and active domains hold ${memory} bytes of memory, more than the machine's ${m.capacity.memoryBytes}; raise capacity.memory or give the domains less`);
}

/** The checks within one machine; `path` is its JSON path (`$.machines[0]`). */
export function checkMachine(m: MachineDefinition, path: string, problems: Problems): void {
  checkDomains(m, path, problems);
  checkIo(m, path, problems);
  checkVirtualDevices(m, path, problems);
  checkCapacity(m, path, problems);
}

/** The checks across machines: unique names and addresses, guests, fault targets. */
export function checkLab(machines: readonly MachineDefinition[], faults: FaultsDefinition, problems: Problems): void {
  for (const d of duplicates(machines.map((m) => m.name))) problems.add("$.machines", `machine "${d}" is declared twice`);
  for (const d of duplicates(machines.flatMap((m) => [m.name, ...m.addresses]))) {
    if (!machines.some((m) => m.name === d && m.addresses.includes(d))) problems.add("$.machines", `"${d}" names two machines; names and addresses must be unique across the lab`);
  }
  const guests = machines.flatMap((m) => m.domains.filter((d) => d.guestModel).map((d) => d.name));
  for (const d of duplicates(guests)) problems.add("$.machines", `guest domain "${d}" has a guest model on two machines; guests are identified by domain name across the lab`);
  faults.failNth.forEach((f, i) => {
    if (f.machine && !machines.some((m) => m.name === f.machine)) problems.add(`$.faults.failNth[${i}].machine`, `machine "${f.machine}" is not declared in $.machines`);
  });
}
