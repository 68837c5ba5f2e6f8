/**
 * The benchmark suites `npm run bench -- <name>` knows. Each suite file exports
 * `run(): Promise<object>` returning its figures; add one line per suite.
 */
export type SuiteRun = () => Promise<object>;

export const suites: Record<string, () => Promise<SuiteRun>> = {
  lab: async () => (await import("./lab")).run,
  // synth: async () => (await import("./synth")).run,
};
