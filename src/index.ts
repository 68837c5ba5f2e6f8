// Public API of cdktf-ldoms: every name a user's program imports from "cdktf-ldoms" is listed
// here, by name. Helpers (parsers, quoting, batch framing, the journal, lock commands, observed
// state, rendering) stay internal; the project's own code and tests import them from their
// modules. test/package/public-surface.test.ts holds the list: a new export is a deliberate change.

// Constructs and their props.
export {
  ControlDomain,
  EthernetVf,
  FibreChannelVf,
  GuestDomain,
  InfiniBandVf,
  IpmpGroup,
  MigrationGroup,
  Network,
  PhysicalFunction,
  SriovMigration,
  VirtualSwitch,
  Vnet,
  type ControlDomainProps,
  type EthernetVfProps,
  type FibreChannelVfProps,
  type GuestAccessProps,
  type GuestDomainProps,
  type InfiniBandVfProps,
  type IpmpGroupProps,
  type MigrationGroupProps,
  type NetworkProps,
  type PhysicalFunctionProps,
  type ResolvedTargetVf,
  type SriovMigrationProps,
  type TargetVfLocation,
  type VirtualSwitchProps,
  type VnetProps,
} from "./constructs";

// The stack and the app runner (cdktf.json's app).
export { LdomsStack, runLdomsApp, type LdomsStackProps } from "./terraform";

// The plan document, the inventory and the errors.
export {
  ApplyError,
  ConnectionError,
  LdomsError,
  MigrationError,
  PLAN_FORMAT_VERSION,
  PlanError,
  ValidationError,
  type Condition,
  type HostConnection,
  type HostPlan,
  type Inventory,
  type InventoryEntry,
  type MigrationPlan,
  type PlanDocument,
  type Step,
  type StepKind,
} from "./model";
export { loadPlanDocumentFile } from "./model/load-plan-document";

// Engine: plan, apply, migrate and unlock from code, as the CLI does.
export {
  applyHosts,
  engineHosts,
  forceUnlock,
  loadInventoryFile,
  planHosts,
  type ActionStatus,
  type AppliedAction,
  type ApplyOptions,
  type ApplyRunResult,
  type CommandTimeouts,
  type ConnectHost,
  type EngineEvent,
  type EngineEventSink,
  type EngineHost,
  type EngineOptions,
  type HostApplyResult,
  type HostApplyStatus,
  type HostCounters,
  type HostPlanResult,
  type HostTarget,
  type LockInfo,
  type MigrationAwareness,
  type ObservedHost,
  type PinnedHost,
  type PlannedAction,
  type PlanRunResult,
} from "./engine";
export {
  MigrationControl,
  migrationSucceeded,
  runMigration,
  type CheckStatus,
  type GuestIpmpAction,
  type MigrateOptions,
  type MigrationCheck,
  type MigrationEvent,
  type MigrationEventSink,
  type MigrationOutcome,
  type MigrationReport,
  type MigrationRunInfo,
} from "./engine/migration";

// Transport: the executor seam and its SSH implementation.
export {
  OutcomeUnknownError,
  SshExecutor,
  TransportError,
  type ExecOptions,
  type ExecResult,
  type HostKeyLearned,
  type HostKeyPolicy,
  type RemoteExecutor,
  type SshExecutorOptions,
  type TransportErrorKind,
} from "./transport";

// The lab (docs/lab.md) and its serving (docs/lab-serving.md).
export {
  DEFAULT_LAB_FILE,
  FC_IB_LAB_FILE,
  InMemoryLabStore,
  Lab,
  initialLabState,
  loadLabDefinition,
  loadLabDefinitionFile,
  type FaultControl,
  type LabDefinition,
  type LabOptionsOverride,
  type LabState,
  type LabStateStore,
} from "./lab";
export {
  LabExecutor,
  newLabExecCounters,
  type CutPoint,
  type LabExecCounters,
  type LabExecInfo,
  type LabExecutorOptions,
} from "./lab-serving/executor";
export {
  startLabServer,
  type RunningLabServer,
  type SshExecInfo,
  type SshServingFaults,
  type SshServingStats,
  type StartLabServerOptions,
} from "./lab-serving/ssh-server";

// A small kit for users' own tests: Testing.examplePlan().
export * as Testing from "./testing";
