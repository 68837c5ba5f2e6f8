/**
 * Resource `ldoms_vnet` against the hosts. A change is planned and applied by the engine `ldoms
 * apply` uses, on a host plan holding just this vnet of its domain: its steps are built by
 * synthesis (add-vnet, set-vnet) from a one-vnet desired state, and `applyHosts` takes the
 * host's lock, reads, checks every precondition (the domain and switch exist, no property that
 * needs the domain stopped while it runs), runs the guarded steps and proves them by a re-read.
 * A mobile domain's vnet has no configured host: it is read, checked and changed on the host of
 * the group the domain runs on (mobile-domains.ts), and `host` shows which.
 */
import { ApplyError, ValidationError, type HostPlan, type MigrationGroupPlan } from "../model";
import { evaluateHost, findDomain, type ConnectHost, type EngineHost, type ObservedHost, type ObservedVnet } from "../engine";
import { hostSteps } from "../synth/steps";
import { applyHostPlan, engineHostOf } from "./apply-host-plan";
import { problemLines } from "./disruption-advice";
import type { ProviderConfiguration } from "./configuration";
import { decodeDynamicValue, UNKNOWN, type DynamicValueMessage, type TerraformValue } from "./dynamic-value";
import { diagnosticFromError, errorDiagnostic, type DiagnosticMessage } from "./diagnostics";
import type { HostQueue } from "./host-queue";
import type { HostReads } from "./host-reads";
import { hostRequiredRefusal, mobileHostRefusal, movedSincePlan, notMobileImport, planVnetChange, vnetDestroyRefusal } from "./vnet-plan";
import { groupContextOf, mobileGroupOf, readGroup, whereDomainRuns, type GroupReads } from "./mobile-domains";
import {
  knownVnet, oneVnetDesiredState, parseVnetImportId, vnetObject, vnetStateFromObserved, vnetValues, VNET_ATTRIBUTES, type KnownVnet, type VnetValues,
} from "./vnet-values";
import type { VfPlanResult, VfResult } from "./vf-resource";
import { upgradeStoredState } from "./state-upgrade";

const hostFault = (error: unknown) => diagnosticFromError(error, error instanceof ValidationError ? "host" : undefined);

/** The vnet on the host as read, or undefined. */
export function findVnet(observed: ObservedHost, domain: string, name: string): ObservedVnet | undefined {
  return findDomain(observed, domain)?.vnets.find((v) => v.ifName === name);
}

/** The plan document's host with just this vnet to bring about (its steps from synthesis). */
export function oneVnetHostPlan(host: HostPlan, config: KnownVnet): HostPlan {
  const desired = oneVnetDesiredState(config);
  return { ...host, desired, steps: hostSteps(desired), guests: [] };
}

/** What to bring about: the properties the configuration sets (unset ones are not managed), the identity as planned. */
function configured(config: DynamicValueMessage | null | undefined, planned: VnetValues): VnetValues {
  const { host, domain, name, vswitch } = planned;
  return { ...vnetValues(decodeDynamicValue(config)), host, domain, name, vswitch };
}

/** The attribute a precondition problem is about, so Terraform points at the line. */
function problemAttribute(problems: readonly string[]): string | undefined {
  const text = problems.join("\n");
  for (const property of ["mtu", "pvid", "vid"]) if (text.includes(`/set/${property}`)) return property;
  if (text.includes("virtual switch")) return "vswitch";
  if (problems.some((p) => p.startsWith("domain "))) return "domain";
  return undefined;
}

export class VnetResources {
  private readonly stopping = new AbortController();

  constructor(
    private readonly connect: ConnectHost,
    private readonly reads: HostReads,
    private readonly queue: HostQueue,
  ) {}

  async read(configuration: ProviderConfiguration, current: DynamicValueMessage | null | undefined): Promise<VfResult> {
    const state = vnetValues(decodeDynamicValue(current));
    if (typeof state.domain !== "string" || typeof state.name !== "string") return { state: vnetObject(state), diagnostics: [] };
    const group = mobileGroupOf(configuration.document, state.domain);
    if (!group && typeof state.host !== "string") return { diagnostics: [notMobileImport(state.domain, state.name)] };
    let host: string;
    let observed: ObservedHost;
    try {
      host = (await this.placed(configuration, state, group)).host as string;
      observed = await this.reads.read(configuration, host);
    } catch (error) {
      return { diagnostics: [group ? diagnosticFromError(error, "domain") : hostFault(error)] };
    }
    const vnet = findVnet(observed, state.domain, state.name);
    // Gone from the host (or its domain gone): Terraform drops it from its state and plans to add it again.
    return { state: vnet ? vnetObject(vnetStateFromObserved(host, state.domain, vnet, state.vid, group !== undefined)) : null, diagnostics: [] };
  }

  /** The values with `host` where a mobile domain runs now (read from its group's hosts); others as they are. */
  private async placed<V extends VnetValues>(configuration: ProviderConfiguration, values: V, group: MigrationGroupPlan | undefined): Promise<V> {
    if (!group || typeof values.domain !== "string") return values;
    const where = whereDomainRuns(await readGroup(configuration, this.reads, group), values.domain);
    return { ...values, host: where.host };
  }

  async plan(configuration: ProviderConfiguration, request: { prior_state?: DynamicValueMessage | null; proposed_new_state?: DynamicValueMessage | null; config?: DynamicValueMessage | null }): Promise<VfPlanResult> {
    const priorValue = decodeDynamicValue(request.prior_state);
    const proposedValue = decodeDynamicValue(request.proposed_new_state);
    const prior = priorValue === null ? null : vnetValues(priorValue);
    const proposed = proposedValue === null ? null : vnetValues(proposedValue);
    const group = mobileGroupOf(configuration.document, proposed?.domain);
    const hostRefusal = proposed && this.hostRefusal(configuration, proposed, group, vnetValues(decodeDynamicValue(request.config)).host);
    if (hostRefusal) return { requiresReplace: [], diagnostics: [hostRefusal] };
    const plan = planVnetChange(prior, proposed, group !== undefined);
    if (!plan.planned || plan.diagnostics.length) return { requiresReplace: plan.requiresReplace, diagnostics: plan.diagnostics };
    const diagnostics = await this.hostProblems(configuration, configured(request.config, plan.planned), group);
    return { ...(diagnostics.length ? {} : { state: vnetObject(plan.planned) }), requiresReplace: plan.requiresReplace, diagnostics };
  }

  /** A host set on a mobile domain's vnet, or missing on another's (the configuration's, not the state's). */
  private hostRefusal(configuration: ProviderConfiguration, proposed: VnetValues, group: MigrationGroupPlan | undefined, configHost: VnetValues["host"]): DiagnosticMessage | undefined {
    if (typeof proposed.domain !== "string") return undefined;
    if (group) return configHost === null ? undefined : mobileHostRefusal(group, proposed.domain, configHost);
    return configHost === null ? hostRequiredRefusal(configuration.document, proposed.domain) : undefined;
  }

  /**
   * What the host says about the change, on the provider's read of it: every precondition
   * problem the engine finds (the domain or the switch missing, a property `ldm` changes only
   * while the domain is stopped; for a mobile domain, on the host it runs on, and the domain
   * found on none or two hosts of its group). Unknown values wait for apply.
   */
  private async hostProblems(configuration: ProviderConfiguration, planned: VnetValues, group: MigrationGroupPlan | undefined): Promise<DiagnosticMessage[]> {
    if ([planned.pvid, planned.vid, planned.mtu, planned.domain].includes(UNKNOWN)) return [];
    let config: VnetValues;
    let groupReads: GroupReads | undefined;
    try {
      groupReads = group ? await readGroup(configuration, this.reads, group) : undefined;
      config = groupReads ? { ...planned, host: whereDomainRuns(groupReads, planned.domain as string).host } : planned;
    } catch (error) {
      return [diagnosticFromError(error, "domain")];
    }
    if (!knownVnet(config)) return [];
    let host: EngineHost;
    let observed: ObservedHost;
    try {
      host = engineHostOf(configuration, config.host);
      observed = await this.reads.read(configuration, config.host);
    } catch (error) {
      return [hostFault(error)];
    }
    const context = groupReads ? groupContextOf(groupReads, config.host) : undefined;
    const { problems } = evaluateHost(oneVnetHostPlan(host.plan, config), observed, configuration.allowDisruptive, context);
    if (!problems.length) return [];
    const text = `vnet "${config.name}" of domain ${config.domain} on ${config.host}: apply would fail as the host is now, so nothing will be changed\n${problemLines(problems).join("\n")}`;
    return [errorDiagnostic(text, problemAttribute(problems))];
  }

  async apply(configuration: ProviderConfiguration, request: { prior_state?: DynamicValueMessage | null; planned_state?: DynamicValueMessage | null; config?: DynamicValueMessage | null }): Promise<VfResult> {
    const priorValue = decodeDynamicValue(request.prior_state);
    const plannedValue = decodeDynamicValue(request.planned_state);
    const prior = priorValue === null ? null : vnetValues(priorValue);
    if (plannedValue === null) return { state: priorValue, diagnostics: prior ? [vnetDestroyRefusal(prior)] : [] };
    const planned = vnetValues(plannedValue);
    const group = mobileGroupOf(configuration.document, planned.domain);
    let config: VnetValues;
    try {
      // A mobile domain's vnet is changed where the domain runs now; moved since the plan, nothing is changed.
      config = await this.placed(configuration, configured(request.config, planned), group);
    } catch (error) {
      return { state: priorValue, diagnostics: [diagnosticFromError(error, "domain")] };
    }
    if (typeof planned.host === "string" && config.host !== planned.host) {
      return { state: priorValue, diagnostics: [movedSincePlan(config, planned.host)] };
    }
    if (!knownVnet(config)) return { state: priorValue, diagnostics: [errorDiagnostic("host, domain, name and vswitch must be known when the vnet is applied")] };
    try {
      await this.queue.onHost(config.host, () => this.applyOnHost(configuration, config));
      return { state: vnetObject(await this.readBack(configuration, config, planned)), diagnostics: [] };
    } catch (error) {
      return { state: prior ? await this.bestKnown(configuration, config, prior) : null, diagnostics: [diagnosticFromError(error)] };
    }
  }

  private applyOnHost(configuration: ProviderConfiguration, config: KnownVnet): Promise<void> {
    return applyHostPlan(this.connect, this.reads, configuration, {
      hostId: config.host,
      plan: oneVnetHostPlan(engineHostOf(configuration, config.host).plan, config),
      what: `vnet "${config.name}" of ${config.domain}`,
      operation: `terraform apply (ldoms_vnet ${config.host}/${config.domain}/${config.name})`,
      signal: this.stopping.signal,
    });
  }

  /** The state after apply, from a fresh read; vid keeps the planned order when it holds the same ids. */
  private async readBack(configuration: ProviderConfiguration, config: KnownVnet, planned: VnetValues): Promise<VnetValues> {
    const vnet = findVnet(await this.reads.read(configuration, config.host), config.domain, config.name);
    if (!vnet) throw new ApplyError(`${config.host}: apply succeeded, but a fresh read shows no vnet "${config.name}" in domain ${config.domain}; check the host (ldm list -l ${config.domain}) and run terraform apply again`, config.host);
    return vnetStateFromObserved(config.host, config.domain, vnet, planned.vid, mobileGroupOf(configuration.document, config.domain) !== undefined);
  }

  /** After a failed update: the vnet as the host shows it now (part of the change may be done), else the prior state. */
  private async bestKnown(configuration: ProviderConfiguration, config: KnownVnet, prior: VnetValues): Promise<TerraformValue> {
    try {
      const vnet = findVnet(await this.reads.read(configuration, config.host), config.domain, config.name);
      return vnetObject(vnet ? vnetStateFromObserved(config.host, config.domain, vnet, prior.vid, mobileGroupOf(configuration.document, config.domain) !== undefined) : prior);
    } catch {
      return vnetObject(prior);
    }
  }

  /** `terraform import ldoms_vnet.X HOST/DOMAIN/VNET`: the rest is filled by the read that follows. */
  importState(id: string): VfResult {
    try {
      const { host, domain, name } = parseVnetImportId(id);
      const values = Object.fromEntries(VNET_ATTRIBUTES.map((a) => [a, null])) as unknown as VnetValues;
      return { state: vnetObject({ ...values, host, domain, name, id }), diagnostics: [] };
    } catch (error) {
      return { diagnostics: [diagnosticFromError(error)] };
    }
  }

  /** Schema version 0 is the only one: the stored JSON, with every attribute present. */
  upgrade(version: number, json: Uint8Array | undefined): VfResult {
    return upgradeStoredState("ldoms_vnet", version, json, (stored) => vnetObject(vnetValues(stored)));
  }

  /** StopProvider: an apply in progress stops after its current command; none starts after. */
  stop(): void {
    this.stopping.abort("Terraform stopped the ldoms provider (interrupted)");
  }
}
