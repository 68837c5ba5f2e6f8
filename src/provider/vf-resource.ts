/**
 * Resource `ldoms_vf` against the hosts. A change is planned and applied by the engine `ldoms
 * apply` uses, on a host plan holding just this VF: its steps are built by synthesis from a
 * one-VF desired state, and `applyHosts` takes the host's lock, reads, checks every precondition,
 * runs the guarded steps (waiting out `INV`) and proves them by a re-read. Reads share the
 * provider's one read per host; a change makes the next read of that host a fresh one. A VF of a
 * mobile domain is assigned while the domain runs on its host and kept ready, unassigned, while
 * it runs on another host of its group, as `ldoms apply` does (mobile-domains.ts).
 */
import { ApplyError, ValidationError, type HostPlan } from "../model";
import { evaluateHost, findVfByName, type ConnectHost, type EngineHost, type ObservedHost } from "../engine";
import { hostSteps } from "../synth/steps";
import { applyHostPlan, engineHostOf } from "./apply-host-plan";
import { problemLines } from "./disruption-advice";
import { groupAwareness, groupContextOf, mobileGroupOf, outsideGroupProblem, readGroup, whereDomainRuns } from "./mobile-domains";
import type { ProviderConfiguration } from "./configuration";
import { decodeDynamicValue, UNKNOWN, type DynamicValueMessage, type TerraformValue } from "./dynamic-value";
import { diagnosticFromError, errorDiagnostic, type DiagnosticMessage } from "./diagnostics";
import type { HostReads } from "./host-reads";
import { HostQueue } from "./host-queue";
import { destroyHostPlan, destroyProblems } from "./vf-destroy";
import { destroyRefusal, planVfChange } from "./vf-plan";
import { oneVfDesiredState, parseImportId, vfObject, vfStateFromObserved, vfValues, VF_ATTRIBUTES, type VfValues } from "./vf-values";
import { upgradeStoredState } from "./state-upgrade";

type KnownVf = VfValues & { host: string; name: string; pf: string };

export interface VfResult {
  /** The new state; null removes the resource from Terraform's state. */
  readonly state?: TerraformValue;
  readonly diagnostics: readonly DiagnosticMessage[];
}

export interface VfPlanResult extends VfResult {
  readonly requiresReplace: readonly string[];
}

const known = (v: VfValues): v is KnownVf => typeof v.host === "string" && typeof v.name === "string" && typeof v.pf === "string";
const hostFault = (error: unknown) => diagnosticFromError(error, error instanceof ValidationError ? "host" : undefined);

/**
 * What to bring about: the properties the configuration sets (unset ones are not managed), and
 * the VF's identity and domain as planned.
 */
function configured(config: DynamicValueMessage | null | undefined, planned: VfValues): VfValues {
  const { host, name, pf, domain } = planned;
  return { ...vfValues(decodeDynamicValue(config)), host, name, pf, domain };
}

/** The plan document's host with just this VF to bring about (its steps from synthesis). */
export function oneVfHostPlan(host: HostPlan, config: KnownVf): HostPlan {
  const desired = oneVfDesiredState(config);
  return { ...host, desired, steps: hostSteps(desired), guests: [] };
}

/** The attribute a precondition problem is about, so Terraform points at the line. */
function problemAttribute(problems: readonly string[]): string | undefined {
  const text = problems.join("\n");
  if (text.includes("/set/mtu")) return "mtu";
  if (text.includes("/set/pvid")) return "pvid";
  if (text.includes("/set/vid")) return "vid";
  if (text.includes("/set/mac-addr")) return "mac_addr";
  if (text.includes("/set/alt-mac-addrs")) return "alt_mac_addrs";
  if (text.includes("/assign") || problems.some((p) => p.startsWith("domain "))) return "domain";
  if (problems.some((p) => p.startsWith("PF ") || p.startsWith("bus "))) return "pf";
  return undefined;
}

export class VfResources {
  private readonly stopping = new AbortController();

  constructor(
    private readonly connect: ConnectHost,
    private readonly reads: HostReads,
    /** Changes of one host made by this process run one at a time (each takes the host's lock). */
    private readonly queue: HostQueue = new HostQueue(),
  ) {}

  async read(configuration: ProviderConfiguration, current: DynamicValueMessage | null | undefined): Promise<VfResult> {
    const state = vfValues(decodeDynamicValue(current));
    if (typeof state.host !== "string" || typeof state.name !== "string") return { state: vfObject(state), diagnostics: [] };
    let observed: ObservedHost;
    try {
      observed = await this.reads.read(configuration, state.host);
    } catch (error) {
      return { diagnostics: [hostFault(error)] };
    }
    const vf = findVfByName(observed, state.name);
    // Gone from the host: Terraform drops it from its state and plans to create it again.
    if (!vf) return { state: null, diagnostics: [] };
    return { state: vfObject(await this.shown(configuration, state.host, vfStateFromObserved(state.host, vf, state), state.domain)), diagnostics: [] };
  }

  /**
   * The state to show for a VF as read: one left unassigned for a mobile domain that runs on
   * another host of its group is kept ready for it, so it shows `domain` = that domain (a move
   * is no diff). Where the domain runs comes from the group's shared reads; when that cannot be
   * decided, the domain is kept as it was and the plan reports the placement problem.
   */
  private async shown(configuration: ProviderConfiguration, host: string, read: VfValues, domain: VfValues["domain"]): Promise<VfValues> {
    const group = mobileGroupOf(configuration.document, domain);
    if (read.domain !== null || typeof domain !== "string" || !group || outsideGroupProblem(group, domain, host)) return read;
    try {
      const where = whereDomainRuns(await readGroup(configuration, this.reads, group), domain);
      return where.host === host ? read : { ...read, domain };
    } catch {
      return { ...read, domain };
    }
  }

  async plan(configuration: ProviderConfiguration, request: { prior_state?: DynamicValueMessage | null; proposed_new_state?: DynamicValueMessage | null; config?: DynamicValueMessage | null }): Promise<VfPlanResult> {
    const priorValue = decodeDynamicValue(request.prior_state);
    const proposedValue = decodeDynamicValue(request.proposed_new_state);
    const prior = priorValue === null ? null : vfValues(priorValue);
    const proposed = proposedValue === null ? null : vfValues(proposedValue);
    const plan = planVfChange(prior, proposed);
    if (plan.destroy && prior) return { state: null, requiresReplace: [], diagnostics: await this.destroyCheck(configuration, prior) };
    if (!plan.planned || plan.diagnostics.length) return { requiresReplace: plan.requiresReplace, diagnostics: plan.diagnostics };
    const config = configured(request.config, plan.planned);
    const diagnostics = await this.hostProblems(configuration, prior, config);
    return { ...(diagnostics.length ? {} : { state: vfObject(plan.planned) }), requiresReplace: plan.requiresReplace, diagnostics };
  }

  /** Whether the host lets the VF be destroyed now (unassigned, last on its PF), on the provider's read of it. */
  private async destroyCheck(configuration: ProviderConfiguration, prior: VfValues): Promise<DiagnosticMessage[]> {
    if (typeof prior.host !== "string" || typeof prior.name !== "string") return [];
    try {
      const problems = destroyProblems(engineHostOf(configuration, prior.host).plan, await this.reads.read(configuration, prior.host), prior.name);
      return problems.length ? [destroyRefusal(prior, problems)] : [];
    } catch (error) {
      return [hostFault(error)];
    }
  }

  /**
   * What the host says about the change, on the provider's read of it: a same-named VF that
   * creating would not make the configured one, and every precondition problem the engine finds
   * (a running domain for mtu, a missing PF or domain, no free VF). Unknown values wait for apply.
   */
  private async hostProblems(configuration: ProviderConfiguration, prior: VfValues | null, config: VfValues): Promise<DiagnosticMessage[]> {
    if (!known(config) || [config.domain, config.pvid, config.vid, config.mtu, config.mac_addr, config.alt_mac_addrs].includes(UNKNOWN)) return [];
    let host: EngineHost;
    let observed: ObservedHost;
    try {
      host = engineHostOf(configuration, config.host);
      observed = await this.reads.read(configuration, config.host);
    } catch (error) {
      return [hostFault(error)];
    }
    const existing = findVfByName(observed, config.name);
    if (prior === null && existing && existing.pf !== config.pf) {
      return [errorDiagnostic(`a VF named "${config.name}" already exists on ${config.host}, on PF ${existing.pf} (${existing.alias}), not ${config.pf}\nVF names are unique per host: choose another name, or import it (terraform import ADDRESS ${config.host}/${config.name}) with pf = ${JSON.stringify(existing.pf)}.`, "pf")];
    }
    if (prior === null && existing?.domain && existing.domain !== config.domain) {
      return [errorDiagnostic(`a VF named "${config.name}" already exists on ${config.host}, assigned to domain ${existing.domain}\nImport it (terraform import ADDRESS ${config.host}/${config.name}) with domain = ${JSON.stringify(existing.domain)}, or choose another name.`, "domain")];
    }
    const group = mobileGroupOf(configuration.document, config.domain);
    const outside = group && outsideGroupProblem(group, config.domain as string, config.host);
    if (outside) return [errorDiagnostic(outside, "host")];
    // A mobile domain running on another host of its group: its VF is kept ready here, unassigned (as ldoms plan).
    const context = group ? groupContextOf(await readGroup(configuration, this.reads, group), config.host) : undefined;
    const { problems } = evaluateHost(oneVfHostPlan(host.plan, config), observed, configuration.allowDisruptive, context);
    if (!problems.length) return [];
    const text = `VF "${config.name}" on ${config.host}: apply would fail as the host is now, so nothing will be changed\n${problemLines(problems).join("\n")}`;
    const attribute = problemAttribute(problems);
    return [errorDiagnostic(text, attribute)];
  }

  async apply(configuration: ProviderConfiguration, request: { prior_state?: DynamicValueMessage | null; planned_state?: DynamicValueMessage | null; config?: DynamicValueMessage | null }): Promise<VfResult> {
    const priorValue = decodeDynamicValue(request.prior_state);
    const plannedValue = decodeDynamicValue(request.planned_state);
    const prior = priorValue === null ? null : vfValues(priorValue);
    if (plannedValue === null) return prior ? this.destroy(configuration, prior) : { state: null, diagnostics: [] };
    const planned = vfValues(plannedValue);
    const config = configured(request.config, planned);
    if (!known(config)) return { state: priorValue, diagnostics: [errorDiagnostic("host, name and pf must be known when the VF is applied")] };
    try {
      await this.queue.onHost(config.host, () => this.applyOnHost(configuration, config));
      return { state: vfObject(await this.readBack(configuration, config, planned)), diagnostics: [] };
    } catch (error) {
      return { state: prior ? await this.bestKnown(configuration, config, prior) : null, diagnostics: [diagnosticFromError(error)] };
    }
  }

  /** `ldm destroy-vf` through the engine; on failure the VF as the host shows it now stays in the state. */
  private async destroy(configuration: ProviderConfiguration, prior: VfValues): Promise<VfResult> {
    if (!known(prior)) return { state: null, diagnostics: [] };
    try {
      await this.queue.onHost(prior.host, () =>
        applyHostPlan(this.connect, this.reads, configuration, {
          hostId: prior.host,
          plan: destroyHostPlan(engineHostOf(configuration, prior.host).plan, prior.name),
          what: `VF "${prior.name}"`,
          operation: `terraform destroy (ldoms_vf ${prior.host}/${prior.name})`,
          signal: this.stopping.signal,
        }),
      );
      return { state: null, diagnostics: [] };
    } catch (error) {
      return { state: await this.bestKnown(configuration, prior, prior), diagnostics: [diagnosticFromError(error)] };
    }
  }

  private applyOnHost(configuration: ProviderConfiguration, config: KnownVf): Promise<void> {
    const group = mobileGroupOf(configuration.document, config.domain);
    return applyHostPlan(this.connect, this.reads, configuration, {
      ...(group ? { migrations: groupAwareness(configuration, group) } : {}),
      hostId: config.host,
      plan: oneVfHostPlan(engineHostOf(configuration, config.host).plan, config),
      what: `VF "${config.name}"`,
      operation: `terraform apply (ldoms_vf ${config.host}/${config.name})`,
      signal: this.stopping.signal,
    });
  }

  /** The state after apply, from a fresh read; vid keeps the planned order when it holds the same ids. */
  private async readBack(configuration: ProviderConfiguration, config: KnownVf, planned: VfValues): Promise<VfValues> {
    const vf = findVfByName(await this.reads.read(configuration, config.host), config.name);
    if (!vf) throw new ApplyError(`${config.host}: apply succeeded, but a fresh read shows no VF named "${config.name}"; check the host (ldm list-io -l) and run terraform apply again`, config.host);
    return this.shown(configuration, config.host, vfStateFromObserved(config.host, vf, planned), config.domain);
  }

  /** After a failed update: the VF as the host shows it now (part of the change may be done), else the prior state. */
  private async bestKnown(configuration: ProviderConfiguration, config: KnownVf, prior: VfValues): Promise<TerraformValue> {
    try {
      const vf = findVfByName(await this.reads.read(configuration, config.host), config.name);
      return vfObject(vf ? vfStateFromObserved(config.host, vf, prior) : prior);
    } catch {
      return vfObject(prior);
    }
  }

  /** `terraform import ldoms_vf.X HOST/NAME`: the rest is filled by the read that follows. */
  importState(id: string): VfResult {
    try {
      const { host, name } = parseImportId(id);
      const values = Object.fromEntries(VF_ATTRIBUTES.map((a) => [a, null])) as unknown as VfValues;
      return { state: vfObject({ ...values, host, name, id }), diagnostics: [] };
    } catch (error) {
      return { diagnostics: [diagnosticFromError(error)] };
    }
  }

  /** Schema version 0 is the only one: the stored JSON, with every attribute present. */
  upgrade(version: number, json: Uint8Array | undefined): VfResult {
    return upgradeStoredState("ldoms_vf", version, json, (stored) => vfObject(vfValues(stored)));
  }

  /** StopProvider: an apply in progress stops after its current command; none starts after. */
  stop(): void {
    this.stopping.abort("Terraform stopped the ldoms provider (interrupted)");
  }
}
