export { startLabServer, type StartLabServerOptions, type RunningLabServer } from "./start-lab-server";
export { type SshServingFaults, type SshServingStats, type SshExecInfo } from "./endpoint-server";
export { fingerprintOf } from "./keys";
export { openLabFromFile } from "./open-lab";
