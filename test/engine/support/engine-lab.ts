/**
 * A two-machine lab shaped like the example (t7-a with guest ldg1, t7-b as migration target),
 * served in-process through LabExecutor, with the counters the engine tests assert on.
 */
import { Lab } from "../../../src/lab/lab";
import { loadLabDefinition } from "../../../src/lab/definition";
import { LabExecutor, newLabExecCounters, type CutPoint, type LabExecCounters, type LabExecInfo } from "../../../src/lab-serving/executor";
import type { ConnectHost } from "../../../src/engine";
import type { VariantPresetName } from "../../../src/lab/variants";

export function exampleLabJson(options: { invSettleMs?: number; variants?: VariantPresetName } = {}): object {
  const machine = (name: string, net: string, domains: object[]) => ({
    name,
    addresses: [`${name}.lab`],
    buses: [{ name: "pci_0", alias: "/SYS/PM0/CMP0/PEX", dev: "pci@300", iov: true }],
    slots: [{ alias: `/SYS/MB/${net}`, bus: "pci_0", dev: "pci@300/pci@1/pci@0/pci@4", status: "OCC" }],
    pfs: [{ alias: `/SYS/MB/${net}/IOVNET.PF0`, maxvfs: 7, network: "app", vfs: [] }],
    domains: [{ name: "primary", state: "active" }, ...domains],
    vswitches: [{ name: "primary-vsw0", netDev: "net0", network: "app" }],
  });
  return {
    options: { invSettleMs: options.invSettleMs ?? 300, migrationMs: 200, ...(options.variants ? { variants: options.variants } : {}) },
    machines: [machine("t7-a", "NET0", [{ name: "ldg1", state: "active", console: 5000 }]), machine("t7-b", "NET2", [])],
  };
}

export interface InProcessLab {
  readonly lab: Lab;
  readonly counters: LabExecCounters;
  connect(options?: { cut?: (info: LabExecInfo) => CutPoint | undefined }): ConnectHost;
  /** Runs one `ldm` command on a machine, as an admin would by hand. */
  ldm(machine: string, ...argv: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }>;
}

export function inProcessLab(json: object = exampleLabJson()): InProcessLab {
  const lab = Lab.fromDefinition(loadLabDefinition(json, "engine test lab"));
  const counters = newLabExecCounters();
  return {
    lab,
    counters,
    connect: (options = {}) => (target) => new LabExecutor(lab, target.id, { counters, ...(options.cut ? { cut: options.cut } : {}) }),
    ldm: (machine, ...argv) => lab.runLdm(machine, argv),
  };
}
