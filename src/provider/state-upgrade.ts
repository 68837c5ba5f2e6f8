/**
 * UpgradeResourceState for every resource type: schema version 0 is the only one, so the stored
 * JSON is passed through, normalized to every attribute present (`normalize`). A newer version,
 * or flatmap state without JSON, is an error diagnostic naming the type.
 */
import type { TerraformValue } from "./dynamic-value";
import { errorDiagnostic, type DiagnosticMessage } from "./diagnostics";

export function upgradeStoredState(
  typeName: string,
  version: number,
  json: Uint8Array | undefined,
  normalize: (stored: TerraformValue) => TerraformValue,
): { state?: TerraformValue; diagnostics: readonly DiagnosticMessage[] } {
  if (version > 0) return { diagnostics: [errorDiagnostic(`${typeName} state of schema version ${version} is newer than this provider (version 0): use the provider version that wrote it`)] };
  if (!json || json.length === 0) return { diagnostics: [errorDiagnostic(`${typeName} state to upgrade has no JSON (flatmap state is from Terraform 0.11 and older, which this provider never wrote)`)] };
  return { state: normalize(JSON.parse(Buffer.from(json).toString("utf8")) as TerraformValue), diagnostics: [] };
}
