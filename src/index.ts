// Public API of cdktf-ldoms.
export * from "./model";
export * from "./ldm";
export * from "./constructs";
export * from "./synth";
export * from "./terraform";
export * from "./lab";
// The lab served: in-process executor, SSH server (`ldoms lab up`), shell, file-backed state.
export {
  LabExecutor,
  newLabExecCounters,
  type CutPoint,
  type LabExecCounters,
  type LabExecInfo,
  type LabExecutorOptions,
} from "./lab-serving/executor";
export { DEFAULT_LAB_USER, labEndpoint, labHostIds, type ServableLab } from "./lab-serving/executor-endpoints";
export {
  startLabServer,
  type RunningLabServer,
  type SshExecInfo,
  type SshServingFaults,
  type SshServingStats,
  type StartLabServerOptions,
} from "./lab-serving/ssh-server";
export { parseCommandLine, runCommandLine, type ShellEndpoint, type ShellResult } from "./lab-serving/shell";
export { FileLabStore } from "./lab-serving/standalone/file-store";
export * from "./model/load-plan-document";
// Engine and transport: for programs that plan/apply without the CLI.
export * from "./engine";
export * from "./transport";
