/**
 * Free capacity of a control domain's machine, for choosing where a domain can go: one
 * read-only exec of `ldm list-devices -p cpu memory` through the host's session (framed and
 * counted like observe's listings), and a pure check of whether a domain fits.
 */
import { PlanError } from "../model";
import { LIST_DEVICES_FREE_ARGV, parseListDevices, type FreeCapacity } from "../ldm/list-devices";
import { ldmCommandLine } from "../ldm/quote";
import { implausibleListing, readFailure } from "./connection-errors";
import type { HostSession } from "./host-session";
import { batchCommandLine, splitBatchOutput } from "./read-batch";

/** What a host has free, and which host it is (for messages). */
export interface HostCapacity extends FreeCapacity {
  readonly host: string;
}

/** A domain's size as observed (`ObservedDomain` carries both when `ldm list -l -p` showed them). */
export interface DomainSize {
  readonly name?: string;
  readonly ncpu?: number;
  readonly memoryBytes?: number;
}

export type FitResult =
  | { readonly ok: true }
  | {
      readonly ok: false;
      /** What does not fit; empty when the domain's size is not known. */
      readonly lacks: readonly ("vcpus" | "memory")[];
      /** E.g. `needs 8 vCPUs and 16G, t7-b has 4 vCPUs and 64G free`. */
      readonly reason: string;
    };

const SECTION = "list-devices";
const LABEL = LIST_DEVICES_FREE_ARGV.join(" ");

/**
 * Reads the host's free vCPUs and memory in one read exec (counted in `readExecs`). A failing
 * `ldm`, an empty answer with exit status 0, or output that is not a `list-devices -p` listing
 * is an error naming the host and the listing; nothing is guessed.
 */
export async function readCapacity(session: HostSession): Promise<HostCapacity> {
  const c = session.target.connection;
  const commandLine = ldmCommandLine(LIST_DEVICES_FREE_ARGV, { ldmPath: c.ldmPath, pfexec: c.pfexec });
  const result = await session.exec(batchCommandLine([{ name: SECTION, commandLine }]), "read");
  const section = splitBatchOutput(result.stdout).find((s) => s.name === SECTION);
  if (!section || section.exitStatus !== 0) {
    throw readFailure(session.target, LABEL, section?.exitStatus ?? result.exitStatus, section?.output ?? "", result.stderr);
  }
  if (section.output.trim() === "") throw implausibleListing(session.target, LABEL, "printed nothing", result.stderr);
  try {
    return { host: session.id, ...parseListDevices(section.output) };
  } catch (error) {
    throw new PlanError(`${session.id}: could not read the output of \`ldm ${LABEL}\`: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Whether a domain of this size fits in what a host has free. Not ok names what lacks and both
 * sides, e.g. `ldg1 needs 8 vCPUs and 16G, t7-b has 4 vCPUs and 64G free`; a domain whose size
 * is unknown never fits (the reason says which value is missing).
 */
export function fits(domain: DomainSize, free: FreeCapacity & { readonly host?: string }): FitResult {
  const who = domain.name ?? "the domain";
  const where = free.host ?? "the host";
  if (domain.ncpu === undefined || domain.memoryBytes === undefined) {
    const missing = [domain.ncpu === undefined ? "vCPU count (ncpu=)" : "", domain.memoryBytes === undefined ? "memory size (mem=)" : ""].filter(Boolean).join(" and ");
    return { ok: false, lacks: [], reason: `the ${missing} of ${who} is not known (ldm list -l -p did not show it), so it cannot be placed on ${where}` };
  }
  const lacks: ("vcpus" | "memory")[] = [];
  if (domain.ncpu > free.freeVcpus) lacks.push("vcpus");
  if (domain.memoryBytes > free.freeMemoryBytes) lacks.push("memory");
  if (!lacks.length) return { ok: true };
  const need = `${vcpus(domain.ncpu)} and ${memorySize(domain.memoryBytes)}`;
  const have = `${vcpus(free.freeVcpus)} and ${memorySize(free.freeMemoryBytes)}`;
  const short = lacks.map((l) => (l === "vcpus" ? "vCPUs" : "memory")).join(" and ");
  return { ok: false, lacks, reason: `${who} needs ${need}, ${where} has ${have} free (not enough ${short})` };
}

function vcpus(n: number): string {
  return `${n} vCPU${n === 1 ? "" : "s"}`;
}

/** `16G`, `1.5G`, `512M`: the largest unit that keeps at least 1, as `ldm` prints sizes. */
export function memorySize(bytes: number): string {
  const units: [string, number][] = [["T", 1024 ** 4], ["G", 1024 ** 3], ["M", 1024 ** 2], ["K", 1024]];
  for (const [unit, size] of units) {
    if (bytes < size) continue;
    const value = bytes / size;
    return `${Number.isInteger(value) ? value : Number(value.toFixed(1))}${unit}`;
  }
  return `${bytes}`;
}
