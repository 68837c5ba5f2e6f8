/**
 * `ldoms doctor --host ID [--guest DOMAIN] [--out DIR] [--redact] [--json]`: runs only an
 * allow-list of read-only commands on one control domain (and one guest), writes them to a
 * capture bundle, and reports each assumption the engine makes about `ldm` output as
 * confirmed, contradicted or not observable. Exit status: 0 when nothing is contradicted, 1
 * otherwise (also when the host could not be read).
 */
import { resolve } from "node:path";
import { ValidationError } from "../../model";
import { doctorExitCode, doctorJson, doctorText, runDoctor } from "../../engine/doctor";
import { guestTarget } from "../../engine/migration";
import { engineTimeouts, resolveEngineInput, sshConnect, withInventoryDefault, type EngineInputOptions } from "../engine-input";
import { defaultIo, type CommandIo } from "./plan";

export interface DoctorCommandOptions extends EngineInputOptions {
  readonly guest?: string;
  readonly out?: string;
  readonly redact?: boolean;
  readonly json?: boolean;
  /** Capture time (tests pin it). */
  readonly now?: Date;
}

/** `20261201T183000Z`: a timestamp that sorts and is safe in a folder name. */
function stamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
}

export async function runDoctorCommand(rawOptions: DoctorCommandOptions, io: CommandIo = defaultIo()): Promise<number> {
  const options = withInventoryDefault(rawOptions, io.env);
  const input = await resolveEngineInput(options, io.cwd);
  if (input.hosts.length !== 1) {
    throw new ValidationError(`doctor reads one control domain: choose it with --host ID (hosts of stack ${input.document.stack}: ${input.document.hosts.map((h) => h.id).join(", ") || "(none)"})`);
  }
  const host = input.hosts[0]!.target;
  let guest: { domain: string; target: typeof host } | undefined;
  if (options.guest !== undefined) {
    const found = guestTarget(input.document, host.id, options.guest, input.inventory);
    if (!found) {
      throw new ValidationError(
        `--guest ${options.guest}: ldoms has no access to that guest on ${host.id}; give the GuestDomain access (or an inventory entry guest/${options.guest}), as ldoms apply needs for IPMP`,
      );
    }
    guest = { domain: options.guest, target: found.target };
  }
  const now = options.now ?? new Date();
  const out = resolve(io.cwd, options.out ?? `ldoms-doctor-${host.id.replace(/[^A-Za-z0-9_.-]/g, "_")}-${stamp(now)}`);
  const result = await runDoctor({
    host,
    ...(guest ? { guest } : {}),
    connect: io.connect ?? sshConnect(options),
    commandTimeoutMs: engineTimeouts(options),
    out,
    redact: options.redact ?? false,
    now,
  });
  const report = { manifest: result.manifest, bundleDir: out, checks: result.checks };
  io.stdout.write(options.json ? `${JSON.stringify(doctorJson(report), null, 2)}\n` : doctorText(report));
  if (result.stoppedBy) {
    io.stderr.write(`Error: the capture stopped early: ${result.stoppedBy.message}\nWhat was captured is in ${out}.\n`);
    return 1;
  }
  const access = result.checks.find((c) => c.assumption === "ldm-access");
  if (access?.verdict === "contradicted") io.stderr.write(`Error: ${access.message}. Fix: ${access.fix ?? ""}\nWhat was captured is in ${out}.\n`);
  return doctorExitCode(result.checks);
}
