/**
 * A fleet of identical lab machines and the plan that prepares it: each machine has one IOV bus,
 * one 16-VF Ethernet PF and a primary domain with `guests` guest domains; the plan gives every
 * guest a named VF (pvid 100) and a vnet on primary-vsw0. Shared by the engine bench and tests.
 */
import { Construct } from "constructs";
import { ControlDomain, EthernetVf, GuestDomain, Network, Vnet } from "../src/constructs";
import { synthesizePlan } from "../src/synth";
import type { PlanDocument } from "../src/model";

export const FLEET_PF = "/SYS/MB/NET0/IOVNET.PF0";

export const fleetMachineName = (i: number): string => `m${String(i).padStart(3, "0")}`;

export interface FleetLabOptions {
  /** Time every `ldm` command takes, in milliseconds. Default: none (no latency fault). */
  readonly ldmLatencyMs?: number;
}

/** Lab definition of the fleet. Devices settle at once (`invSettleMs: 0`). */
export function fleetLabDefinition(machines: number, guests: number, options: FleetLabOptions = {}): object {
  return {
    description: `fleet: ${machines} machines x ${guests} guests`,
    options: { invSettleMs: 0, migrationMs: 200 },
    faults: options.ldmLatencyMs === undefined ? {} : { latencyMs: { "*": options.ldmLatencyMs } },
    machines: Array.from({ length: machines }, (_, i) => ({
      name: fleetMachineName(i),
      addresses: [`${fleetMachineName(i)}.lab`],
      buses: [{ name: "pci_0", dev: "pci@300", iov: true }],
      slots: [{ alias: "/SYS/MB/NET0", bus: "pci_0", dev: "pci@300/pci@1/pci@0/pci@4" }],
      pfs: [{ alias: FLEET_PF, maxvfs: 16, network: "lan-a" }],
      domains: [{ name: "primary", state: "active" }, ...Array.from({ length: guests }, (_, g) => ({ name: `g${g}`, state: "active" }))],
      vswitches: [{ name: "primary-vsw0", netDev: "net0", network: "lan-a" }],
    })),
  };
}

/** Plan document of the fleet: every guest gets a named VF (pvid 100) and a vnet on primary-vsw0. */
export function fleetPlan(machines: number, guests: number): PlanDocument {
  const root = new Construct(undefined as unknown as Construct, "");
  const stack = new Construct(root, "fleet");
  const net = new Network(stack, "lan", { vlan: 100 });
  for (let i = 0; i < machines; i++) {
    const host = new ControlDomain(stack, fleetMachineName(i), { address: `${fleetMachineName(i)}.lab`, user: "ldmops", hostKey: "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" });
    for (let g = 0; g < guests; g++) {
      const guest = new GuestDomain(host, `g${g}`);
      new EthernetVf(guest, "vf0", { pf: FLEET_PF, name: `${fleetMachineName(i)}-g${g}-app`, network: net, pvid: 100 });
      new Vnet(guest, "vnet0", { vswitch: "primary-vsw0", network: net, pvid: 100 });
    }
  }
  return synthesizePlan(stack, "fleet");
}
