/**
 * `ldoms force-unlock HOST LOCK-ID`: removes the apply lock a killed run left on a control
 * domain. The id (printed when apply finds the lock held) must match, so a lock taken since by
 * another run is not removed.
 */
import { forceUnlock } from "../../engine";
import { resolveEngineInput, sshConnect, withInventoryDefault, type EngineInputOptions } from "../engine-input";
import { defaultIo, type CommandIo } from "./plan";

export async function runForceUnlock(host: string, lockId: string, rawOptions: EngineInputOptions, io: CommandIo = defaultIo()): Promise<number> {
  const options = withInventoryDefault({ ...rawOptions, host: [host] }, io.env);
  const input = await resolveEngineInput(options, io.cwd);
  const target = input.hosts[0];
  if (!target) return 1;
  const released = await forceUnlock(target.target, lockId, io.connect ?? sshConnect(options));
  io.stdout.write(`Released the lock on ${host} (was held by ${released.owner}, pid ${released.pid}, since ${released.time}).\n`);
  return 0;
}
