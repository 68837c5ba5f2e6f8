/**
 * `ldoms doctor`: reads one control domain (and optionally one guest) with the allow-listed
 * commands, writes the capture bundle, and checks every assumption the engine makes about the
 * output against what was captured.
 */
import type { ConnectionError } from "../../model";
import { HostSession, type ConnectHost, type HostTarget } from "../host-session";
import type { CommandTimeouts } from "../timeouts";
import { checkBundleDir, writeBundle, type BundleManifest } from "./bundle";
import { doctorChecks, type DoctorCheck, type DoctorOutputs } from "./checks";
import { DOCTOR_GUEST_COMMANDS, DOCTOR_HOST_COMMANDS } from "./commands";
import { domainNamesIn, hostNamesIn, Redactor } from "./redact";
import { runDoctorCommands, type CapturedCommand } from "./runner";

export interface DoctorRequest {
  readonly host: HostTarget;
  /** The guest to read (`--guest`): its domain name and how to reach its OS. */
  readonly guest?: { readonly domain: string; readonly target: HostTarget };
  readonly connect: ConnectHost;
  readonly commandTimeoutMs?: number | CommandTimeouts;
  /** Bundle folder (must be new or empty). */
  readonly out: string;
  readonly redact?: boolean;
  /** Capture time (tests pin it). Default now. */
  readonly now?: Date;
}

export interface DoctorResult {
  readonly bundleDir: string;
  readonly manifest: BundleManifest;
  readonly checks: DoctorCheck[];
  /** The connection failure that stopped the capture early (what was captured is in the bundle). */
  readonly stoppedBy?: ConnectionError;
}

async function capture(target: HostTarget, request: DoctorRequest, scope: "host" | "guest") {
  const session = new HostSession(target, request.connect, request.commandTimeoutMs);
  const rows = scope === "host" ? DOCTOR_HOST_COMMANDS : DOCTOR_GUEST_COMMANDS;
  const c = target.connection;
  try {
    return await runDoctorCommands(session, scope, rows.map((r) => r.argv), scope === "host" ? { ldmPath: c.ldmPath, pfexec: c.pfexec } : {});
  } finally {
    await session.close();
  }
}

/** The captures with every sensitive value replaced (redact.ts), and the names used for host and guest. */
function redacted(request: DoctorRequest, captures: readonly CapturedCommand[]): { captures: CapturedCommand[]; host: string; guest?: string } {
  const hosts = [request.host.id, request.host.connection.address, ...(request.guest ? [request.guest.target.connection.address] : []), ...hostNamesIn(captures)];
  const domains = [...domainNamesIn(captures), ...(request.guest ? [request.guest.domain] : [])];
  const redactor = new Redactor({ hosts, domains });
  const host = redactor.text(request.host.id);
  const guest = request.guest ? redactor.text(request.guest.domain) : undefined;
  const out = captures.map((c) => ({
    ...c,
    commandLine: redactor.text(c.commandLine),
    stdout: redactor.text(c.stdout),
    stderr: redactor.text(c.stderr),
    ...(c.error !== undefined ? { error: redactor.text(c.error) } : {}),
  }));
  return { captures: out, host, ...(guest !== undefined ? { guest } : {}) };
}

export function outputsOf(captures: readonly CapturedCommand[]): DoctorOutputs {
  return Object.fromEntries(captures.map((c) => [c.id, { exitStatus: c.exitStatus, stdout: c.stdout, stderr: c.stderr }]));
}

/**
 * Captures, writes the bundle, checks. A host that cannot be reached at all rejects with its
 * ConnectionError and writes nothing; one lost part-way still gets its bundle (`stoppedBy`).
 */
export async function runDoctor(request: DoctorRequest): Promise<DoctorResult> {
  const now = request.now ?? new Date();
  checkBundleDir(request.out);
  const hostRun = await capture(request.host, request, "host");
  if (hostRun.stoppedBy && hostRun.captures.length === 1) throw hostRun.stoppedBy;
  let captures = [...hostRun.captures];
  let stoppedBy = hostRun.stoppedBy;
  if (request.guest && !stoppedBy) {
    const guestRun = await capture(request.guest.target, request, "guest");
    captures.push(...guestRun.captures);
    stoppedBy = guestRun.stoppedBy;
  }
  let host = request.host.id;
  let guest = request.guest?.domain;
  if (request.redact) ({ captures, host, guest } = redacted(request, captures));
  const manifest = writeBundle(request.out, { host, ...(guest !== undefined ? { guest } : {}), capturedAt: now, redacted: request.redact ?? false }, captures);
  const c = request.host.connection;
  const checks = doctorChecks(outputsOf(captures), { user: c.user, pfexec: c.pfexec, ldmPath: c.ldmPath });
  return { bundleDir: request.out, manifest, checks, ...(stoppedBy ? { stoppedBy } : {}) };
}
