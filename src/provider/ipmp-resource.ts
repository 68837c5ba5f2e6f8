/**
 * Resource `ldoms_ipmp` against the hosts and the guest. Where the domain runs comes from the plan
 * document (a mobile domain: from the provider's reads of its group's hosts); how to reach the
 * guest is what the engine resolves (`guestTarget`: the GuestDomain's access, the inventory entry
 * `guest/DOMAIN`). With access the group is read inside the guest and converged by the engine's
 * guest IPMP convergence (only the missing `ipadm` commands), one change per host at a time;
 * without access nothing in the guest is read or changed, and the plan warns. Forgetting the
 * group removes nothing.
 */
import { ApplyError, ValidationError, type PlanDocument } from "../model";
import { asLdomsError, findDomain, type ConnectHost, type ObservedHost } from "../engine";
import { convergeGuestIpmp, guestActionFailed, guestTarget, planGuestSteps, type GuestTarget } from "../engine/migration";
import type { ProviderConfiguration } from "./configuration";
import { decodeDynamicValue, UNKNOWN, type DynamicValueMessage } from "./dynamic-value";
import { diagnosticFromError, errorDiagnostic, type DiagnosticMessage } from "./diagnostics";
import { GuestReads } from "./guest-reads";
import type { HostQueue } from "./host-queue";
import type { HostReads } from "./host-reads";
import { declaredDomain, documentProblems, groupAsRead, noAccessWarning, planIpmpChange, type DeclaredDomain } from "./ipmp-plan";
import { desiredGroup, ipmpId, ipmpObject, ipmpValues, knownIpmp, parseIpmpImportId, IPMP_ATTRIBUTES, type IpmpValues, type KnownIpmp } from "./ipmp-values";
import type { VfPlanResult, VfResult } from "./vf-resource";
import { upgradeStoredState } from "./state-upgrade";

type Request = { prior_state?: DynamicValueMessage | null; proposed_new_state?: DynamicValueMessage | null; planned_state?: DynamicValueMessage | null; config?: DynamicValueMessage | null };

const label = (v: KnownIpmp, host: string) => `IPMP group ${v.name} of ${v.domain} (on ${host})`;
/** How to reach the guest, wherever it runs: the access declared with the domain on any host declaring it, or its inventory entry. */
function guestAccess(configuration: ProviderConfiguration, declared: DeclaredDomain): GuestTarget | undefined {
  for (const host of declared.hosts) {
    const access = guestTarget(configuration.document, host, declared.desired.name, configuration.inventory);
    if (access) return access;
  }
  return undefined;
}

/** After an import the pairing is the plan document's group of that name (the import id holds only domain/name). */
function withDeclaredPairing(state: IpmpValues, declared: DeclaredDomain): IpmpValues {
  const group = declared.desired.ipmpGroups.find((g) => g.name === state.name);
  if (!group || (state.active_vf !== null && state.standby_vnet !== null)) return state;
  return { ...state, active_vf: state.active_vf ?? group.activeVf, standby_vnet: state.standby_vnet ?? group.standbyVnet };
}

export class IpmpResources {
  private readonly guests: GuestReads;

  constructor(
    connect: ConnectHost,
    private readonly reads: HostReads,
    private readonly queue: HostQueue,
  ) {
    this.guests = new GuestReads(connect);
  }

  /**
   * Where the domain runs: the host declaring it; when it can move (a mobile domain, or one with
   * a SriovMigration), the host of those it may run on whose (shared) read shows it.
   */
  private async hostOf(configuration: ProviderConfiguration, declared: DeclaredDomain): Promise<string> {
    const domain = declared.desired.name;
    const candidates = declared.runsOn;
    if (candidates.length === 1) return candidates[0]!;
    const reads = await Promise.allSettled(candidates.map((h) => this.reads.read(configuration, h)));
    const seen = candidates.flatMap((h, i) => {
      const read = reads[i];
      const d = read?.status === "fulfilled" ? findDomain(read.value, domain) : undefined;
      return d ? [{ host: h, state: d.state }] : [];
    });
    // During a migration the domain is listed on both hosts: it runs where it is active.
    const running = seen.length > 1 ? seen.filter((s) => s.state === "active") : seen;
    if (running.length === 1) return running[0]!.host;
    const unread = candidates.flatMap((h, i) => {
      const read = reads[i];
      return read?.status === "rejected" ? [`${h} (${asLdomsError(read.reason, h).message.split("\n")[0]})`] : [];
    });
    const where = declared.group ? `the hosts of group ${declared.group.id}` : "the hosts it is declared on or migrates to";
    if (running.length > 1) throw new ValidationError(`${domain} is on ${running.map((s) => s.host).join(" and ")}; it runs on one host: finish or roll back the earlier migration first (ldoms status shows both)`);
    if (unread.length) throw new ValidationError(`${domain} was not found on ${where} that could be read, and ${unread.join(", ")} could not be read; fix the connection and run again`);
    throw new ValidationError(`${domain} is on none of ${where} (${candidates.join(", ")}); create it on one of them first`);
  }

  /** The group as the guest shows it (absent when the domain is not on the host or the guest has no such group). */
  private async observe(configuration: ProviderConfiguration, host: string, access: GuestTarget, values: KnownIpmp): Promise<ReturnType<typeof groupAsRead>> {
    const [observed, guest] = await Promise.all([this.reads.read(configuration, host), this.guests.read(access)]);
    const domain = findDomain(observed, values.domain);
    if (!domain) return { present: false };
    return groupAsRead(guest, domain, observed.vfs.filter((v) => v.domain === values.domain), values);
  }

  async read(configuration: ProviderConfiguration, current: DynamicValueMessage | null | undefined): Promise<VfResult> {
    const prior = ipmpValues(decodeDynamicValue(current));
    if (typeof prior.domain !== "string" || typeof prior.name !== "string") return { state: ipmpObject(prior), diagnostics: [] };
    const declared = declaredDomain(configuration.document, prior.domain);
    // Not declared (any more): the plan says so with the fix.
    if (!declared) return { state: ipmpObject(prior), diagnostics: [] };
    const state = withDeclaredPairing(prior, declared);
    if (!knownIpmp(state)) return { diagnostics: [notDeclaredForImport(configuration, prior.domain, prior.name)] };
    try {
      const host = await this.hostOf(configuration, declared);
      const access = guestAccess(configuration, declared);
      const common = { ...state, host, id: ipmpId(state.domain, state.name) };
      if (!access) return { state: ipmpObject({ ...common, verified: false }), diagnostics: [] };
      const seen = await this.observe(configuration, host, access, state);
      // No such group in the guest: Terraform drops it from its state and plans to create it again.
      if (!seen.present) return { state: null, diagnostics: [] };
      return { state: ipmpObject({ ...common, active_vf: seen.active_vf, standby_vnet: seen.standby_vnet, verified: true }), diagnostics: [] };
    } catch (error) {
      return { diagnostics: [diagnosticFromError(error)] };
    }
  }

  async plan(configuration: ProviderConfiguration, request: Request): Promise<VfPlanResult> {
    const priorValue = decodeDynamicValue(request.prior_state);
    const proposedValue = decodeDynamicValue(request.proposed_new_state);
    const prior = priorValue === null ? null : ipmpValues(priorValue);
    // Forgetting the group changes nothing in the guest.
    if (proposedValue === null) return { state: null, requiresReplace: [], diagnostics: [] };
    const proposed = ipmpValues(proposedValue);
    const problems = documentProblems(configuration.document, configuration.source, proposed);
    if (problems.length) return { requiresReplace: [], diagnostics: problems };
    const declared = typeof proposed.domain === "string" ? declaredDomain(configuration.document, proposed.domain) : undefined;
    if (!declared) {
      const plan = planIpmpChange(prior, proposed, UNKNOWN, UNKNOWN);
      return { state: ipmpObject(plan.planned as IpmpValues), requiresReplace: plan.requiresReplace, diagnostics: [] };
    }
    let host: string;
    try {
      host = await this.hostOf(configuration, declared);
    } catch (error) {
      return { requiresReplace: [], diagnostics: [diagnosticFromError(error, "domain")] };
    }
    const access = guestAccess(configuration, declared);
    // A mobile domain may be moved by an ldoms_placement applied in the same run.
    const plan = planIpmpChange(prior, proposed, host, access !== undefined, declared.group !== undefined);
    const diagnostics = access ? await this.guestProblems(configuration, host, access, proposed) : [noAccessWarning(declared.desired.name, String(proposed.name))];
    const refused = diagnostics.some((d) => d.severity === "ERROR");
    return { ...(refused ? {} : { state: ipmpObject(plan.planned as IpmpValues) }), requiresReplace: plan.requiresReplace, diagnostics };
  }

  /**
   * What the guest says about the group, on the provider's reads: the problems the engine's
   * convergence would leave the group alone for (a link in another group, datalinks it cannot
   * tell apart). Waiting on the VF or vnet (applied by their own resources first) is no problem.
   */
  private async guestProblems(configuration: ProviderConfiguration, host: string, access: GuestTarget, config: IpmpValues): Promise<DiagnosticMessage[]> {
    if (!knownIpmp(config)) return [];
    let observed: ObservedHost;
    try {
      observed = await this.reads.read(configuration, host);
      const domain = findDomain(observed, config.domain);
      if (!domain) return [errorDiagnostic(`domain ${config.domain} is not on ${host} (as read now), so its guest cannot be configured\nCreate it on ${host} (or fix domain), then plan again.`, "domain")];
      const vfReady = observed.vfs.some((v) => v.name === config.active_vf && v.domain === config.domain);
      if (!vfReady || !domain.vnets.some((v) => v.ifName === config.standby_vnet)) return [];
      const { problems } = planGuestSteps(await this.guests.read(access), config.domain, observed, [desiredGroup(config)]);
      if (!problems.length) return [];
      return [errorDiagnostic(`${label(config, host)}: apply would fail as guest ${access.target.id} is now, so nothing will be changed\n${problems.map((p) => `- ${p}`).join("\n")}`)];
    } catch (error) {
      return [diagnosticFromError(error)];
    }
  }

  async apply(configuration: ProviderConfiguration, request: Request): Promise<VfResult> {
    const priorValue = decodeDynamicValue(request.prior_state);
    const plannedValue = decodeDynamicValue(request.planned_state);
    if (plannedValue === null) return { state: null, diagnostics: [] };
    const planned = ipmpValues(plannedValue);
    if (!knownIpmp(planned)) return { state: priorValue, diagnostics: [errorDiagnostic("domain, name, active_vf and standby_vnet must be known when the IPMP group is applied")] };
    const problems = documentProblems(configuration.document, configuration.source, planned);
    const declared = declaredDomain(configuration.document, planned.domain);
    if (problems.length || !declared) return { state: priorValue, diagnostics: problems };
    try {
      const host = await this.hostOf(configuration, declared);
      const access = guestAccess(configuration, declared);
      const common = { ...planned, host, id: ipmpId(planned.domain, planned.name) };
      // Without guest access there is nothing to do inside the guest: the plan warned.
      if (!access) return { state: ipmpObject({ ...common, verified: false }), diagnostics: [] };
      await this.queue.onHost(host, () => this.converge(configuration, host, access, planned));
      const seen = await this.observe(configuration, host, access, planned);
      if (!seen.present || seen.active_vf === null || seen.standby_vnet === null) {
        throw new ApplyError(`${label(planned, host)}: the ipadm commands ran, but a fresh read of guest ${access.target.id} does not show the group as configured; check ipmpstat -i in the guest and run terraform apply again`, host);
      }
      return { state: ipmpObject({ ...common, verified: true }), diagnostics: [] };
    } catch (error) {
      return { state: priorValue, diagnostics: [diagnosticFromError(error)] };
    }
  }

  /** Runs the missing `ipadm` commands of the group in the guest (the engine's convergence, on a fresh read of the guest). */
  private async converge(configuration: ProviderConfiguration, host: string, access: GuestTarget, config: KnownIpmp): Promise<void> {
    const observed = await this.reads.read(configuration, host);
    const session = this.guests.session(access);
    try {
      const result = await convergeGuestIpmp(session, config.domain, observed, [desiredGroup(config)]);
      if (result.problems.length) throw new ApplyError(`${label(config, host)} was left alone in guest ${access.target.id}:\n${result.problems.map((p) => `- ${p}`).join("\n")}`, host);
      const failed = result.actions.find(guestActionFailed);
      if (failed) {
        throw new ApplyError(
          `${access.target.id}: ${failed.commandLine} failed (exit status ${failed.exitStatus})${failed.stderr ? `: ${failed.stderr}` : ""}\nFix what the guest reports, then run terraform apply again (only the missing ipadm commands run).`,
          host,
          failed.commandLine,
          failed.exitStatus,
          failed.stderr,
        );
      }
    } finally {
      this.guests.invalidate(access.target.id);
      await this.guests.release(session);
    }
  }

  /** `terraform import ldoms_ipmp.X DOMAIN/NAME`: the read that follows fills the rest from the plan document and the guest. */
  importState(id: string): VfResult {
    try {
      const { domain, name } = parseIpmpImportId(id);
      const values = Object.fromEntries(IPMP_ATTRIBUTES.map((a) => [a, null])) as unknown as IpmpValues;
      return { state: ipmpObject({ ...values, domain, name, id }), diagnostics: [] };
    } catch (error) {
      return { diagnostics: [diagnosticFromError(error)] };
    }
  }

  /** Schema version 0 is the only one: the stored JSON, with every attribute present. */
  upgrade(version: number, json: Uint8Array | undefined): VfResult {
    return upgradeStoredState("ldoms_ipmp", version, json, (stored) => ipmpObject(ipmpValues(stored)));
  }

  /** StopProvider: guest reads and commands in flight lose their connections; no guest is contacted after. */
  stop(): void {
    void this.guests.stop();
  }
}

/** An imported group the plan document does not declare: its VF and vnet cannot be known. */
function notDeclaredForImport(configuration: ProviderConfiguration, domain: string, name: string): DiagnosticMessage {
  const document: PlanDocument = configuration.document;
  const groups = declaredDomain(document, domain)?.desired.ipmpGroups.map((g) => g.name) ?? [];
  return errorDiagnostic(
    `IPMP group ${name} of ${domain} is not declared in the plan document ${configuration.source} (its groups: ${groups.length ? groups.join(", ") : "none"}), so its VF and vnet are not known\nDeclare the IpmpGroup on ${domain}, run ldoms synth, and import again; or import one of the declared groups.`,
  );
}
