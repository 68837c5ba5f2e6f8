/**
 * The example's shape (one guest with a named VF, vnet and IPMP on t7-a, migrating to t7-b),
 * synthesized in-process, with knobs the engine tests turn. It lives in the package as
 * `Testing.examplePlan()` (src/testing.ts); the project's tests and bench import it from here.
 */
export { examplePlan, type ExampleOptions } from "../src/testing";
