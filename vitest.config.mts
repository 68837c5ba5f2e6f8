import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // sshd and lab servers are real processes: give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Vitest's default is one worker fewer than the CPUs: one at a time on a 2-core runner. Most
    // files wait on sshd, terraform and lab timers, so two at a time roughly halve the run.
    maxWorkers: 2,
    // The package is built once per run for the tests that run Terraform (test/global-setup.ts).
    globalSetup: ["test/global-setup.ts"],
  },
});
