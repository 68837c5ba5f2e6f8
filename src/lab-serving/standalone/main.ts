import { LdomsError } from "../../model";
import { Lab } from "../../lab/lab";
import { LockTimeoutError } from "./file-lock";
import { FileLabStore } from "./file-store";

/** Environment variable naming the whole-lab state file (written by `ldoms lab init`). */
export const LAB_STATE_ENV = "LDOMS_LAB_STATE";
/** Environment variable naming the lab machine this `ldm` stands for. */
export const LAB_HOST_ENV = "LDOMS_LAB_HOST";

/**
 * Environment variable naming a modelled guest domain: then this executable stands for that
 * guest's network tools instead, `ldoms-lab-ldm dladm|ipadm|ipmpstat ARGS...` (install
 * wrappers named after each tool).
 */
export const LAB_GUEST_ENV = "LDOMS_LAB_GUEST";

const GUEST_TOOLS: readonly string[] = ["dladm", "ipadm", "ipmpstat"];

/** Exit status for a misconfigured lab `ldm` (no state file, unknown machine): never one of ldm's own. */
export const STANDALONE_SETUP_FAILURE = 125;

export interface StandaloneResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * `ldm ARGS...` on one lab machine whose state lives in a file shared by processes: what a real
 * OpenSSH sshd runs when `ldoms-lab-ldm` is installed as `ldm` on PATH.
 */
export async function runStandaloneLdm(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<StandaloneResult> {
  const statePath = env[LAB_STATE_ENV];
  if (!statePath) {
    return setupFailure(
      `${LAB_STATE_ENV} is not set: point it at a lab state file written by ` +
        "`ldoms lab init --config LAB.json --state FILE`",
    );
  }
  try {
    const store = new FileLabStore(statePath);
    const guest = env[LAB_GUEST_ENV];
    if (guest) return await runGuestTool(new Lab(store), guest, argv, statePath);
    const machines = store.read((state) => Object.keys(state.machines));
    const host = env[LAB_HOST_ENV];
    if (!host) return setupFailure(`${LAB_HOST_ENV} is not set: name the lab machine this ldm runs on (one of ${machines.join(", ")})`);
    if (!machines.includes(host)) {
      return setupFailure(`${LAB_HOST_ENV}=${host} is not a machine of the lab in ${statePath}: use one of ${machines.join(", ")}`);
    }
    const result = await new Lab(store).runLdm(host, argv);
    return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
  } catch (error) {
    if (error instanceof LdomsError || error instanceof LockTimeoutError) return setupFailure(error.message);
    throw error;
  }
}

async function runGuestTool(lab: Lab, guest: string, argv: readonly string[], statePath: string): Promise<StandaloneResult> {
  const guests = lab.guestDomains().map((g) => g.domain);
  if (!guests.includes(guest)) {
    return setupFailure(`${LAB_GUEST_ENV}=${guest} is not a modelled guest of the lab in ${statePath}: use one of ${guests.join(", ") || "(none)"}`);
  }
  if (!GUEST_TOOLS.includes(argv[0] ?? "")) {
    return setupFailure(`with ${LAB_GUEST_ENV} set, the first argument names the guest tool: ${GUEST_TOOLS.join(", ")} (got ${argv[0] ?? "nothing"})`);
  }
  const result = await lab.runGuest(guest, argv);
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
}

function setupFailure(message: string): StandaloneResult {
  return { exitCode: STANDALONE_SETUP_FAILURE, stdout: "", stderr: `ldoms-lab-ldm: ${message}\n` };
}

/** Process entry (bin/ldoms-lab-ldm.js): prints the outputs and exits with ldm's status. */
export async function main(argv: readonly string[]): Promise<void> {
  let result: StandaloneResult;
  try {
    result = await runStandaloneLdm(argv, process.env);
  } catch (error) {
    result = {
      exitCode: 70,
      stdout: "",
      stderr: `ldoms-lab-ldm: internal error (please report): ${error instanceof Error ? error.stack : String(error)}\n`,
    };
  }
  // Exit only once both streams are flushed: pipes to sshd are asynchronous.
  await Promise.all([
    new Promise<void>((resolve) => process.stdout.write(result.stdout, () => resolve())),
    new Promise<void>((resolve) => process.stderr.write(result.stderr, () => resolve())),
  ]);
  process.exit(result.exitCode);
}
