/**
 * The migration-group example applied on the pair lab over SSH (ldg1 on t7-a, ldg2 on t7-b, each
 * one's VF kept ready on the other host), and a folder holding its plan document and the lab's
 * inventory as a provider block names them: the setting of the RPC tests of mobile domains.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { sshConnect } from "../../src/provider/connect";
import { encodeDynamicValue, type TerraformValue } from "../../src/provider/dynamic-value";
import { LdomsProvider } from "../../src/provider/provider-rpcs";
import { startSshLab, type SshLab } from "../engine/support/ssh-lab";
import { GroupCli, groupExamplePlan, pairLabJson } from "../mobility/support";
import { writeProviderFiles } from "./support";

export interface PairLab {
  readonly lab: SshLab;
  readonly cli: GroupCli;
  /** Holds ldoms.plan.json and inventory.json. */
  readonly dir: string;
  /** A provider configured with the folder's files, as ConfigureProvider does it. */
  provider(block?: Record<string, TerraformValue>): LdomsProvider;
  close(): Promise<void>;
}

export async function startPairLab(prefix: string): Promise<PairLab> {
  const lab = await startSshLab({ json: pairLabJson() });
  const cli = new GroupCli(groupExamplePlan(), lab.inventory);
  const applied = await cli.apply();
  expect(applied.code, applied.stdout + applied.stderr).toBe(0);
  const dir = mkdtempSync(join(tmpdir(), prefix));
  writeProviderFiles(dir, groupExamplePlan(), lab.inventory.hosts);
  return {
    lab,
    cli,
    dir,
    provider: (block = {}) => {
      const p = new LdomsProvider(sshConnect(), dir, {});
      expect(p.configureProvider({ config: encodeDynamicValue({ plan_document: "ldoms.plan.json", inventory: "inventory.json", ...block }) }).diagnostics).toEqual([]);
      return p;
    },
    close: async () => {
      cli.remove();
      await lab.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
