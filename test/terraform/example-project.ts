/**
 * A user's project for the Terraform pipeline tests: the built package installed in its
 * node_modules, a cdktf.json running the package's sriov-migration example, the lab served over
 * SSH with its inventory in the project, and an environment with nothing from the network.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { loadLabDefinitionFile } from "../../src/lab/definition";
import { Lab } from "../../src/lab/lab";
import { DEFAULT_LAB_FILE } from "../../src/lab/paths";
import { startLabServer, type RunningLabServer } from "../../src/lab-serving/ssh-server";
import { runProcess, type ProcessRun } from "../support/run-process";
import { builtPackage, newProject } from "./installed-package";

export interface ExampleProject {
  readonly work: string;
  readonly project: string;
  readonly lab: Lab;
  readonly env: NodeJS.ProcessEnv;
  /** The installed package's `bin/ldoms.js`. */
  readonly cli: string;
  /** `ldoms ARGS` from the installed package, in `cwd` (default: the project). */
  ldoms(args: readonly string[], cwd?: string): Promise<ProcessRun>;
  close(): Promise<void>;
}

/** `extraPath`: folders added to PATH after node's and the system's (no node_modules/.bin, no ldoms). */
export async function startExampleProject(prefix: string, extraPath: readonly string[] = []): Promise<ExampleProject> {
  const work = mkdtempSync(join(tmpdir(), prefix));
  const project = newProject(work, builtPackage(), "project");
  writeFileSync(join(project, "cdktf.json"), JSON.stringify({ language: "typescript", app: "node node_modules/cdktf-ldoms/dist/examples/sriov-migration/main.js" }));
  const lab = Lab.fromDefinition(loadLabDefinitionFile(DEFAULT_LAB_FILE));
  let server: RunningLabServer;
  try {
    server = await startLabServer({ lab, stateDir: join(project, "lab") });
  } catch (error) {
    rmSync(work, { recursive: true, force: true });
    throw error;
  }
  mkdirSync(join(project, "home"));
  const env: NodeJS.ProcessEnv = {
    // node for the provider's launcher and the system tools.
    PATH: [dirname(process.execPath), "/usr/bin", "/bin", ...extraPath].join(delimiter),
    HOME: join(project, "home"),
    TF_CLI_CONFIG_FILE: join(project, "terraform.rc"),
    CHECKPOINT_DISABLE: "1",
    TF_IN_AUTOMATION: "1",
    // Nothing reaches a registry: a connection attempt fails at once.
    HTTPS_PROXY: "http://127.0.0.1:9",
    HTTP_PROXY: "http://127.0.0.1:9",
    // The provider runs in the stack folder: an absolute path reads the same from there and from the project.
    LDOMS_INVENTORY: join(project, "lab", "inventory.json"),
  };
  const cli = join(project, "node_modules", "cdktf-ldoms", "bin", "ldoms.js");
  return {
    work,
    project,
    lab,
    env,
    cli,
    ldoms: (args, cwd = project) => runProcess(process.execPath, [cli, ...args], { cwd, env }),
    close: async () => {
      await server.close();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
