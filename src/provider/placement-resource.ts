/**
 * Resource `ldoms_placement` against the hosts: where a mobile domain of a MigrationGroup runs is
 * read from the group's shared host reads at refresh and plan time, and afresh before a move
 * (`locateDomain`, as `ldoms migrate DOMAIN --to HOST` does); a move is checked at plan time
 * by the preflight `ldoms status` makes (rules 1-5 on the provider's reads of both hosts and the
 * guest, nothing changed, no lock), and applied by the migration the group implies, run by the
 * same engine as `ldoms migrate` (locks, preflight, dry run, migration, post-verify), without
 * accepting an unverified rule. Forgetting a placement moves nothing.
 */
import { ValidationError, type MigrationGroupPlan } from "../model";
import { HostSession, type ConnectHost } from "../engine";
import { groupMigrationPlan, groupOf, locateDomain, withMigration } from "../engine/migration/group-migration";
import { guestTarget, MigrationControl, migrationSucceeded, observeGuest, preflightChecks, runMigration, type GuestView } from "../engine/migration";
import { guestErrorLine } from "../engine/migration/guest-view";
import { preparationLacks } from "../engine/migration/preparation-check";
import { retryUnknown } from "../engine/retry-unknown";
import { engineHostOf } from "./apply-host-plan";
import type { ProviderConfiguration } from "./configuration";
import { decodeDynamicValue, UNKNOWN, type DynamicValueMessage } from "./dynamic-value";
import { diagnosticFromError, errorDiagnostic, type DiagnosticMessage } from "./diagnostics";
import type { HostQueue } from "./host-queue";
import type { HostReads } from "./host-reads";
import {
  hostOfGroupProblem, migrationFailure, parsePlacementImportId, placementObject, placementValues, planPlacementChange, preflightDiagnostics, preparationDiagnostic,
  type PlacementValues,
} from "./placement-plan";
import type { VfPlanResult, VfResult } from "./vf-resource";
import { readGroup, whereDomainRuns } from "./mobile-domains";
import { upgradeStoredState } from "./state-upgrade";

/** Longest wait for another run's lock on either host of a move (a pipeline's apply, another migration) unless the provider block sets lock_timeout. */
export const PLACEMENT_LOCK_TIMEOUT_MS = 120_000;

type Request = { prior_state?: DynamicValueMessage | null; proposed_new_state?: DynamicValueMessage | null; planned_state?: DynamicValueMessage | null; config?: DynamicValueMessage | null };

export class PlacementResources {
  private readonly controls = new Set<MigrationControl>();

  constructor(
    private readonly connect: ConnectHost,
    private readonly reads: HostReads,
    private readonly queue: HostQueue,
  ) {}

  /** The domain's group, or an error naming the mobile domains there are. */
  private group(configuration: ProviderConfiguration, domain: string): MigrationGroupPlan {
    return groupOf(configuration.document, domain);
  }

  /** Where the domain runs now, read afresh (apply: another run may have moved it since the plan). */
  private locate(configuration: ProviderConfiguration, group: MigrationGroupPlan, domain: string): Promise<string> {
    return locateDomain(configuration.document, group, domain, { connect: this.connect, ...(configuration.inventory ? { inventory: configuration.inventory } : {}) });
  }

  /** Where the domain runs, from the reads every resource of the refresh shares (one per host). */
  private async locateShared(configuration: ProviderConfiguration, group: MigrationGroupPlan, domain: string): Promise<string> {
    return whereDomainRuns(await readGroup(configuration, this.reads, group), domain).host;
  }

  async read(configuration: ProviderConfiguration, current: DynamicValueMessage | null | undefined): Promise<VfResult> {
    const state = placementValues(decodeDynamicValue(current));
    if (typeof state.domain !== "string") return { state: placementObject(state), diagnostics: [] };
    try {
      const group = this.group(configuration, state.domain);
      // `host` is where it runs too: a configured host differing from it is planned as a move; unset, it follows the domain.
      const where = await this.locateShared(configuration, group, state.domain);
      return { state: placementObject({ ...state, host: where, current_host: where, id: state.domain }), diagnostics: [] };
    } catch (error) {
      return { diagnostics: [diagnosticFromError(error, error instanceof ValidationError ? "domain" : undefined)] };
    }
  }

  async plan(configuration: ProviderConfiguration, request: Request): Promise<VfPlanResult> {
    const priorValue = decodeDynamicValue(request.prior_state);
    const proposedValue = decodeDynamicValue(request.proposed_new_state);
    const prior = priorValue === null ? null : placementValues(priorValue);
    const proposed = proposedValue === null ? null : placementValues(proposedValue);
    const wanted = placementValues(decodeDynamicValue(request.config)).host;
    // Forgetting a placement changes no host.
    if (proposed === null) return { state: null, requiresReplace: [], diagnostics: [] };
    if (typeof proposed.domain !== "string") return { state: placementObject(planPlacementChange(prior, proposed, wanted, UNKNOWN).planned as PlacementValues), requiresReplace: [], diagnostics: [] };
    const domain = proposed.domain;
    let group: MigrationGroupPlan;
    try {
      group = this.group(configuration, domain);
    } catch (error) {
      return { requiresReplace: [], diagnostics: [diagnosticFromError(error, "domain")] };
    }
    const outside = typeof wanted === "string" ? hostOfGroupProblem(group, domain, wanted) : undefined;
    if (outside) return { requiresReplace: [], diagnostics: [outside] };
    let current: string;
    try {
      current = prior !== null && prior.domain === domain && typeof prior.current_host === "string" ? prior.current_host : await this.locateShared(configuration, group, domain);
    } catch (error) {
      return { requiresReplace: [], diagnostics: [diagnosticFromError(error, error instanceof ValidationError ? "domain" : undefined)] };
    }
    const plan = planPlacementChange(prior, proposed, wanted, current);
    const diagnostics = plan.move ? await this.preflight(configuration, group, domain, plan.move) : [];
    return { ...(diagnostics.length ? {} : { state: placementObject(plan.planned as PlacementValues) }), requiresReplace: plan.requiresReplace, diagnostics };
  }

  /**
   * Rules 1-5 of the move on the provider's reads of both hosts and the guest (what `ldoms
   * status` shows), and the preparation the migration would find missing: nothing locked or changed.
   */
  private async preflight(configuration: ProviderConfiguration, group: MigrationGroupPlan, domain: string, move: { from: string; to: string }): Promise<DiagnosticMessage[]> {
    try {
      const migration = groupMigrationPlan(configuration.document, group, domain, move.from, move.to);
      const [sourceHost, targetHost] = [engineHostOf(configuration, move.from), engineHostOf(configuration, move.to)];
      const [source, target, guest] = await Promise.all([
        this.reads.read(configuration, move.from),
        this.reads.read(configuration, move.to),
        this.guestView(configuration, move.from, domain),
      ]);
      const checks = preflightChecks({ migration, sourcePlan: sourceHost.plan, targetPlan: targetHost.plan, source, target, guest });
      const lacks = await preparationLacks(configuration.document, migration, { source, target }, { connect: this.connect, ...(configuration.inventory ? { inventory: configuration.inventory } : {}) });
      return [...preparationDiagnostic(domain, move, lacks), ...preflightDiagnostics(domain, move, checks)];
    } catch (error) {
      return [diagnosticFromError(error)];
    }
  }

  /** The guest's IPMP listings (one read), or why they could not be read; no access without a guest entry. */
  private async guestView(configuration: ProviderConfiguration, hostId: string, domain: string): Promise<GuestView> {
    const access = guestTarget(configuration.document, hostId, domain, configuration.inventory);
    if (!access) return { kind: "no-access", script: "" };
    const session = new HostSession(access.target, this.connect);
    try {
      return { kind: "observed", id: access.target.id, observation: await retryUnknown(() => observeGuest(session)) };
    } catch (error) {
      return { kind: "unreadable", id: access.target.id, message: guestErrorLine(error) };
    } finally {
      await session.close();
    }
  }

  async apply(configuration: ProviderConfiguration, request: Request): Promise<VfResult> {
    const priorValue = decodeDynamicValue(request.prior_state);
    const plannedValue = decodeDynamicValue(request.planned_state);
    if (plannedValue === null) return { state: null, diagnostics: [] };
    const planned = placementValues(plannedValue);
    // Only a configured host moves the domain; unset, the planned host is just where it was.
    const wanted = placementValues(decodeDynamicValue(request.config)).host;
    if (typeof planned.domain !== "string" || wanted === UNKNOWN) return { state: priorValue, diagnostics: [errorDiagnostic("domain and host must be known when the placement is applied")] };
    const domain = planned.domain;
    try {
      const group = this.group(configuration, domain);
      if (typeof wanted === "string") {
        const failure = await this.queue.onHosts(group.hosts.map((h) => h.id), () => this.moveTo(configuration, group, domain, wanted));
        if (failure) return { state: priorValue, diagnostics: [failure] };
      }
      const where = await this.locate(configuration, group, domain);
      return { state: placementObject({ ...planned, host: where, current_host: where, id: domain }), diagnostics: [] };
    } catch (error) {
      return { state: priorValue, diagnostics: [diagnosticFromError(error)] };
    }
  }

  /** Runs the group's migration to `to` unless the domain runs there already; a diagnostic when it did not succeed. */
  private async moveTo(configuration: ProviderConfiguration, group: MigrationGroupPlan, domain: string, to: string): Promise<DiagnosticMessage | undefined> {
    const from = await this.locate(configuration, group, domain);
    if (from === to) return undefined;
    const migration = groupMigrationPlan(configuration.document, group, domain, from, to);
    const control = new MigrationControl();
    this.controls.add(control);
    try {
      const report = await runMigration({
        connect: this.connect,
        document: withMigration(configuration.document, migration),
        migrationId: migration.id,
        ...(configuration.inventory ? { inventory: configuration.inventory } : {}),
        acceptUnverified: false,
        lockTimeoutMs: configuration.lockTimeoutMs ?? PLACEMENT_LOCK_TIMEOUT_MS,
        control,
      });
      return migrationSucceeded(report) ? undefined : migrationFailure(report);
    } finally {
      this.controls.delete(control);
      this.reads.invalidate(from);
      this.reads.invalidate(to);
    }
  }

  /** `terraform import ldoms_placement.X DOMAIN`: the read that follows fills `current_host`. */
  importState(id: string): VfResult {
    try {
      const domain = parsePlacementImportId(id);
      return { state: placementObject({ domain, host: null, current_host: null, id: domain }), diagnostics: [] };
    } catch (error) {
      return { diagnostics: [diagnosticFromError(error)] };
    }
  }

  upgrade(version: number, json: Uint8Array | undefined): VfResult {
    return upgradeStoredState("ldoms_placement", version, json, (stored) => placementObject(placementValues(stored)));
  }

  /** StopProvider: a move not yet migrating stops at its next safe point, changing nothing more. */
  stop(): void {
    for (const control of this.controls) control.interrupt();
  }
}
