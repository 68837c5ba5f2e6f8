/**
 * `ldoms status` on a lab in-process: an inventory naming the hosts and the guests the lab
 * models, and a connect that can make a host unreachable. The CLI runs through GroupCli
 * (test/mobility/support.ts).
 */
import type { ConnectHost } from "../../src/engine";
import type { Lab } from "../../src/lab/lab";
import { LabExecutor } from "../../src/lab-serving/executor";

/** An inventory naming every machine and modelled guest of the lab (addresses unused in-process). */
export function labInventory(lab: Lab): { hosts: Record<string, object> } {
  const ids = [...lab.machineNames(), ...lab.guestDomains().map((g) => `guest/${g.domain}`)];
  return { hosts: Object.fromEntries(ids.map((id) => [id, { address: "127.0.0.1", port: 22, user: "ldmops", hostKey: "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }])) };
}

/** Connects to the lab in-process; a host in `down` refuses the connection. */
export function labConnect(lab: Lab, down: ReadonlySet<string> = new Set()): ConnectHost {
  return (target) => {
    if (down.has(target.id)) throw Object.assign(new Error(`connect ECONNREFUSED ${target.connection.address}:${target.connection.port}`), { code: "ECONNREFUSED" });
    return new LabExecutor(lab, target.id);
  };
}
