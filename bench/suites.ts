/**
 * The benchmark suites `npm run bench -- <name>` knows. Each suite file exports
 * `run(): Promise<object>` returning its figures; add one line per suite.
 */
export type SuiteRun = () => Promise<object>;

export const suites: Record<string, () => Promise<SuiteRun>> = {
  synth: async () => (await import("./synth")).run,
  lab: async () => (await import("./lab")).run,
  engine: async () => (await import("./engine")).run,
  migration: async () => (await import("./migration")).run,
  terraform: async () => (await import("./terraform")).run,
};
