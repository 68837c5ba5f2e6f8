import { DEFAULT_LAB_FILE, FC_IB_LAB_FILE, Lab, loadLabDefinitionFile } from "../../src/lab";

export interface TestLab {
  readonly lab: Lab;
  /** Simulated wall clock (ms). */
  clock: { now: number };
  ldm(machine: string, ...argv: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }>;
  guest(domain: string, ...argv: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }>;
  /** Whole state except the journal, to prove a refusal changed nothing. */
  snapshot(): string;
  /** Lets INV periods pass. */
  settle(): void;
}

export function testLab(file: string = DEFAULT_LAB_FILE): TestLab {
  const clock = { now: 1_700_000_000_000 };
  const lab = Lab.fromDefinition(loadLabDefinitionFile(file), {
    now: () => clock.now,
    sleep: async (ms) => {
      clock.now += ms;
    },
  });
  return {
    lab,
    clock,
    ldm: (machine, ...argv) => lab.runLdm(machine, argv),
    guest: (domain, ...argv) => lab.runGuest(domain, argv),
    snapshot: () => lab.store.read((s) => JSON.stringify({ ...s, journal: [] })),
    settle: () => {
      clock.now += 60_000;
    },
  };
}

export const fcIbLab = () => testLab(FC_IB_LAB_FILE);

export const NET0 = "/SYS/MB/NET0/IOVNET.PF0";
export const NET2 = "/SYS/MB/NET2/IOVNET.PF0";
