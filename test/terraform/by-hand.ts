/** What an admin does on a lab machine by hand, between two runs of the pipeline under test. */
import type { Lab } from "../../src/lab/lab";

/**
 * `ldm destroy-vf -n max PF`: every VF of the PF, tried again for up to 5 s while the PF still
 * settles (`INV`) after the VF the pipeline just created. Resolves with the last attempt.
 */
export async function destroyAllVfsByHand(lab: Lab, machine: string, pf: string): Promise<{ exitCode: number; stderr: string }> {
  let destroyed = await lab.runLdm(machine, ["destroy-vf", "-n", "max", pf]);
  for (let tries = 0; destroyed.exitCode !== 0 && tries < 20; tries++) {
    await new Promise((done) => setTimeout(done, 250));
    destroyed = await lab.runLdm(machine, ["destroy-vf", "-n", "max", pf]);
  }
  return destroyed;
}
