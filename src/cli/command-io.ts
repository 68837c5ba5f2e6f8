/** What a command's implementation writes to and works in; tests override parts of it. */
import type { ConnectHost } from "../engine";
import type { SubscribeStop } from "./interrupts";
import type { ProgressStream } from "./render/progress";

export interface CommandIo {
  readonly stdout: ProgressStream;
  readonly stderr: ProgressStream;
  readonly cwd: string;
  /** Overrides ssh2 (tests run against the lab in-process). */
  readonly connect?: ConnectHost;
  readonly env?: NodeJS.ProcessEnv;
  /** Overrides SIGINT/SIGTERM (tests send them by calling the handler). */
  readonly onStop?: SubscribeStop;
}

export function defaultIo(): CommandIo {
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() };
}
