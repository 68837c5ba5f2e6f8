/**
 * The only commands `ldoms doctor` may send: read-only `ldm` listings on the control domain and
 * read-only network listings inside a guest. The runner (runner.ts) refuses any argv that is not
 * one of these rows, so a change can never be sent by doctor, whatever its caller asks.
 */

/** Where a command runs: the control domain, or a guest's own OS. */
export type DoctorScope = "host" | "guest";

export interface DoctorCommand {
  /** Stable id; also the base name of its files in the bundle (`<id>.stdout`, `<id>.stderr`). */
  readonly id: string;
  readonly scope: DoctorScope;
  /** The argv as run; for `ldm`, the connection's ldmPath and pfexec are applied by the runner. */
  readonly argv: readonly string[];
}

const host = (id: string, ...argv: string[]): DoctorCommand => ({ id, scope: "host", argv: ["ldm", ...argv] });
const guest = (id: string, ...argv: string[]): DoctorCommand => ({ id, scope: "guest", argv });

/** Read-only `ldm` commands run on the control domain, in this order. */
export const DOCTOR_HOST_COMMANDS: readonly DoctorCommand[] = [
  host("ldm-version", "-V"),
  host("list-l-p", "list", "-l", "-p"),
  host("list-io", "list-io"),
  host("list-io-l", "list-io", "-l"),
  host("list-io-p", "list-io", "-p"),
  host("list-io-l-p", "list-io", "-l", "-p"),
  host("list-bindings-p", "list-bindings", "-p"),
  host("list-services-p", "list-services", "-p"),
  host("list-devices-a-p", "list-devices", "-a", "-p"),
  host("list-o-status-p", "list", "-o", "status", "-p"),
];

/** Read-only network listings run inside a guest (`--guest DOMAIN`), in this order. */
export const DOCTOR_GUEST_COMMANDS: readonly DoctorCommand[] = [
  guest("guest-dladm-show-phys-m", "dladm", "show-phys", "-m"),
  guest("guest-dladm-show-link", "dladm", "show-link"),
  guest("guest-ipadm", "ipadm"),
  guest("guest-ipmpstat-g", "ipmpstat", "-g"),
  guest("guest-ipmpstat-i", "ipmpstat", "-i"),
  guest("guest-ipmpstat-a", "ipmpstat", "-a"),
];

/** Every command doctor may run. */
export const DOCTOR_COMMANDS: readonly DoctorCommand[] = [...DOCTOR_HOST_COMMANDS, ...DOCTOR_GUEST_COMMANDS];

/** The allow-list row of exactly this scope and argv, or undefined. */
export function allowedCommand(scope: DoctorScope, argv: readonly string[]): DoctorCommand | undefined {
  return DOCTOR_COMMANDS.find((c) => c.scope === scope && c.argv.length === argv.length && c.argv.every((word, i) => word === argv[i]));
}

/** The allow-list row with this id. */
export function doctorCommand(id: string): DoctorCommand | undefined {
  return DOCTOR_COMMANDS.find((c) => c.id === id);
}
