/**
 * Errors as Terraform diagnostics. The text is the message `ldoms` prints for the same error:
 * its first line is the summary, the lines after it (a validation error's problems) the detail.
 */
import { LdomsError } from "../model/errors";

export interface AttributePathMessage {
  readonly steps: readonly { readonly attribute_name?: string; readonly element_key_string?: string; readonly element_key_int?: number }[];
}

export interface DiagnosticMessage {
  readonly severity: "ERROR" | "WARNING";
  readonly summary: string;
  readonly detail: string;
  readonly attribute?: AttributePathMessage;
}

/** A path to one top-level attribute of the configuration. */
export function attributePath(name: string): AttributePathMessage {
  return { steps: [{ attribute_name: name }] };
}

export function errorDiagnostic(message: string, attribute?: string): DiagnosticMessage {
  const [summary = message, ...rest] = message.split("\n");
  return {
    severity: "ERROR",
    summary,
    detail: rest.map((line) => line.trim()).filter(Boolean).join("\n"),
    ...(attribute !== undefined ? { attribute: attributePath(attribute) } : {}),
  };
}

/**
 * A thrown error as a diagnostic: an LdomsError with its own message; anything else is a bug
 * of the provider and says so, with its stack in the detail.
 */
export function diagnosticFromError(error: unknown, attribute?: string): DiagnosticMessage {
  if (error instanceof LdomsError) return errorDiagnostic(error.message, attribute);
  const text = error instanceof Error ? error.stack ?? error.message : String(error);
  return { severity: "ERROR", summary: "Internal error of the ldoms provider (please report)", detail: text };
}

/** A warning: Terraform shows it and goes on (the first line is the summary, as for errors). */
export function warningDiagnostic(message: string, attribute?: string): DiagnosticMessage {
  return { ...errorDiagnostic(message, attribute), severity: "WARNING" };
}

/** How to stop managing a VF or vnet and leave it on the host: the advice of every refused destroy or replacement. */
export const STOP_MANAGING_ADVICE = "To stop managing it and leave it on the host: a `removed` block with `lifecycle { destroy = false }` (Terraform 1.7 or later), or `terraform state rm`.";
