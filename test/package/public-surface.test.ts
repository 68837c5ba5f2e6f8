/**
 * The package root's public surface, listed name by name: adding or removing an export of
 * "cdktf-ldoms" is a deliberate change to this list (and to docs/decisions.md when it changes what
 * a user can rely on). Type-only names are read with the TypeScript compiler; values are read
 * from the module itself.
 */
import { join, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import * as root from "../../src/index";

const INDEX = resolve(__dirname, "../../src/index.ts");

/** Runtime values: classes, functions, constants, and the Testing namespace. */
const VALUES = [
  "ApplyError", "ConnectionError", "ControlDomain", "DEFAULT_LAB_FILE", "EthernetVf", "FC_IB_LAB_FILE",
  "FibreChannelVf", "GuestDomain", "InMemoryLabStore", "InfiniBandVf", "IpmpGroup", "Lab", "LabExecutor",
  "LdomsError", "LdomsStack", "MigrationControl", "MigrationError", "MigrationGroup", "Network", "OutcomeUnknownError",
  "PLAN_FORMAT_VERSION", "PhysicalFunction", "PlanError", "SriovMigration", "SshExecutor", "Testing", "TransportError",
  "ValidationError", "VirtualSwitch", "Vnet", "applyHosts", "engineHosts", "forceUnlock", "initialLabState",
  "loadInventoryFile", "loadLabDefinition", "loadLabDefinitionFile", "loadPlanDocumentFile",
  "migrationSucceeded", "newLabExecCounters", "planHosts", "runLdomsApp", "runMigration", "startLabServer",
];

/** Types only: props, options, results, events and the document's shapes. */
const TYPES = [
  "ActionStatus", "AppliedAction", "ApplyOptions", "ApplyRunResult", "CheckStatus", "CommandTimeouts",
  "Condition", "ConnectHost", "ControlDomainProps", "CutPoint", "EngineEvent", "EngineEventSink", "EngineHost",
  "EngineOptions", "EthernetVfProps", "ExecOptions", "ExecResult", "FaultControl", "FibreChannelVfProps",
  "GuestAccessProps", "GuestDomainProps", "GuestIpmpAction", "HostApplyResult", "HostApplyStatus",
  "HostConnection", "HostCounters", "HostKeyLearned", "HostKeyPolicy", "HostPlan", "HostPlanResult",
  "HostTarget", "InfiniBandVfProps", "Inventory", "InventoryEntry", "IpmpGroupProps", "LabDefinition",
  "LabExecCounters", "LabExecInfo", "LabExecutorOptions", "LabOptionsOverride", "LabState", "LabStateStore",
  "LdomsStackProps", "LockInfo", "MigrateOptions", "MigrationAwareness", "MigrationCheck", "MigrationEvent",
  "MigrationEventSink", "MigrationGroupProps", "MigrationOutcome", "MigrationPlan", "MigrationReport", "MigrationRunInfo",
  "NetworkProps", "ObservedHost", "PhysicalFunctionProps", "PinnedHost", "PlanDocument", "PlanRunResult", "PlannedAction",
  "RemoteExecutor", "ResolvedTargetVf", "RunningLabServer", "SriovMigrationProps", "SshExecInfo", "SshExecutorOptions",
  "SshServingFaults", "SshServingStats", "StartLabServerOptions", "Step", "StepKind", "TargetVfLocation",
  "TransportErrorKind", "VirtualSwitchProps", "VnetProps",
];

/** Names the README, docs/lab.md, docs/lab-serving.md and the installed-package test import. */
const DOCUMENTED = [
  "ControlDomain", "EthernetVf", "GuestDomain", "IpmpGroup", "LdomsStack", "Network", "SriovMigration", "Vnet",
  "runLdomsApp", "DEFAULT_LAB_FILE", "Lab", "loadLabDefinitionFile", "LabExecutor", "newLabExecCounters",
  "startLabServer", "FibreChannelVf", "InfiniBandVf", "VirtualSwitch", "ValidationError", "OutcomeUnknownError",
  "loadLabDefinition", "initialLabState", "InMemoryLabStore", "FC_IB_LAB_FILE",
  "planHosts", "applyHosts", "runMigration", "forceUnlock", "engineHosts", "loadInventoryFile",
  "SshExecutor", "RemoteExecutor", "SshExecutorOptions", "PlanDocument", "Inventory", "LabStateStore", "LabState",
];

const sorted = (names: readonly string[]) => [...names].sort();

let names: string[] | undefined;

/** Every name src/index.ts exports, types included, as the compiler resolves the re-exports. */
function exportedNames(): string[] {
  names ??= compileExportedNames();
  return names;
}

function compileExportedNames(): string[] {
  const program = ts.createProgram([INDEX], {
    strict: true, skipLibCheck: true, noEmit: true, esModuleInterop: true, resolveJsonModule: true,
    module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10, target: ts.ScriptTarget.ES2022,
  });
  const file = program.getSourceFile(INDEX);
  const checker = program.getTypeChecker();
  const symbol = file && checker.getSymbolAtLocation(file);
  if (!symbol) throw new Error(`no module symbol for ${join("src", "index.ts")}`);
  return sorted(checker.getExportsOfModule(symbol).map((s) => s.name));
}

describe("the package root's public surface", () => {
  it("exports exactly these values at run time", () => {
    expect(sorted(Object.keys(root))).toEqual(sorted(VALUES));
  });

  it("exports exactly these names, types included", () => {
    expect(exportedNames()).toEqual(sorted([...VALUES, ...TYPES]));
  }, 60_000);

  it("exports every name the documentation imports", () => {
    const all = new Set(exportedNames());
    expect(DOCUMENTED.filter((name) => !all.has(name))).toEqual([]);
  }, 60_000);

  it("offers Testing.examplePlan(): the example's plan document, two hosts and one migration", () => {
    const plan = root.Testing.examplePlan();
    expect(plan.hosts.map((h) => h.id)).toEqual(["t7-a", "t7-b"]);
    expect(plan.migrations.map((m) => m.id)).toEqual(["ldg1-to-b"]);
  });
});
