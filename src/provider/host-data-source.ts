/**
 * Data source `ldoms_host`: one control domain of the plan document as read now (domains, VFs,
 * PFs). Lists are sorted (domains by name, VFs and PFs by pseudonym) so a host that did not
 * change reads the same.
 */
import type { ObservedHost } from "../engine";
import { ValidationError } from "../model/errors";
import { attribute, containsUnknown, UNKNOWN, type TerraformValue } from "./dynamic-value";
import { diagnosticFromError, errorDiagnostic, type DiagnosticMessage } from "./diagnostics";
import type { ProviderConfiguration } from "./configuration";
import type { HostReads } from "./host-reads";

const byKey = <T>(key: (t: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

/** The data source's state: `host` as configured and what the read found. */
export function hostState(hostId: string, observed: ObservedHost): TerraformValue {
  return {
    host: hostId,
    domains: [...observed.domains].sort(byKey((d) => d.name)).map((d) => ({ name: d.name, state: d.state })),
    vfs: [...observed.vfs]
      .sort(byKey((v) => v.alias))
      .map((v) => ({ name: v.name ?? null, pseudonym: v.alias, pf: v.pf, domain: v.domain ?? null })),
    pfs: [...observed.pfs]
      .sort(byKey((p) => p.alias))
      .map((p) => ({ pseudonym: p.alias, class: p.class ?? null, domain: p.domain ?? null, status: p.status ?? null })),
  };
}

/** Checks of the `ldoms_host` block that need no host: `host` set and not empty. */
export function validateHostConfig(config: TerraformValue): DiagnosticMessage[] {
  const host = attribute(config, "host");
  if (host === UNKNOWN || containsUnknown(host)) return [];
  if (typeof host !== "string" || host.trim() === "") return [errorDiagnostic("host is empty: give the id of a host of the plan document (a ControlDomain's id)", "host")];
  return [];
}

export interface DataSourceRead {
  readonly state?: TerraformValue;
  readonly diagnostics: DiagnosticMessage[];
}

/** ReadDataSource for `ldoms_host`. */
export async function readHostDataSource(config: TerraformValue, configuration: ProviderConfiguration | undefined, reads: HostReads): Promise<DataSourceRead> {
  const problems = validateHostConfig(config);
  if (problems.length) return { diagnostics: problems };
  if (!configuration) return { diagnostics: [errorDiagnostic("the ldoms provider is not configured: ConfigureProvider did not succeed")] };
  const hostId = attribute(config, "host") as string;
  try {
    return { state: hostState(hostId, await reads.read(configuration, hostId)), diagnostics: [] };
  } catch (error) {
    // The host not being in the plan document or the inventory is the configuration's fault.
    return { diagnostics: [diagnosticFromError(error, error instanceof ValidationError ? "host" : undefined)] };
  }
}
