/**
 * Typed errors shared by every layer. Each carries a one-paragraph message for a human (what is
 * wrong, the bad value, the fix); the CLI is the one place that catches them and maps them to an
 * exit code. Anything that is not an LdomsError is a bug and is printed with its stack.
 */
export abstract class LdomsError extends Error {
  abstract readonly kind: string;
  /** Process exit code the CLI uses for this error. */
  readonly exitCode: number = 1;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad input: construct props, a lab definition, an inventory, command-line arguments. */
export class ValidationError extends LdomsError {
  readonly kind = "validation";
  /** Individual problems, each already naming its construct path or file location. */
  readonly problems: readonly string[];
  constructor(message: string, problems: readonly string[] = []) {
    super(problems.length ? `${message}\n${problems.map((p) => `  - ${p}`).join("\n")}` : message);
    this.problems = problems;
  }
}

/** Planning failed: a plan document that cannot be used, a stale saved plan, a failed precondition. */
export class PlanError extends LdomsError {
  readonly kind = "plan";
}

/** A command on a host failed while changing it. */
export class ApplyError extends LdomsError {
  readonly kind = "apply";
  constructor(
    message: string,
    readonly host: string,
    readonly command?: string,
    readonly exitStatus?: number | null,
    readonly stderr?: string,
  ) {
    super(message);
  }
}

/** Could not reach or authenticate to a host, or the connection was lost. */
export class ConnectionError extends LdomsError {
  readonly kind = "connection";
  constructor(message: string, readonly host?: string) {
    super(message);
  }
}

/** A migration precondition failed or the migration itself failed. */
export class MigrationError extends LdomsError {
  readonly kind = "migration";
}
