/**
 * Wraps a connect function so that, after the first exec whose command line matches, `hook`
 * runs (another operator acting on the host) and the exec then reports a lost connection: the
 * command ran, its caller cannot know. This is how a retried exec meets a changed host.
 */
import type { ConnectHost, HostTarget } from "../../../src/engine";
import { OutcomeUnknownError, type RemoteExecutor } from "../../../src/transport/executor";

export function interleave(connect: ConnectHost, matches: (commandLine: string) => boolean, hook: (target: HostTarget) => Promise<void>): ConnectHost {
  let fired = false;
  return async (target) => {
    const inner: RemoteExecutor = await connect(target);
    return {
      label: inner.label,
      close: () => inner.close(),
      exec: async (commandLine, options) => {
        const result = await inner.exec(commandLine, options);
        if (!fired && matches(commandLine)) {
          fired = true;
          await hook(target);
          throw new OutcomeUnknownError(`${target.id}: connection lost (test)`, commandLine, "connection-lost");
        }
        return result;
      },
    };
  };
}
