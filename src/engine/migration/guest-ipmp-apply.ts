/**
 * Converging the guest side (DESIGN §5 rule 3) on its own: for every guest ldoms can reach,
 * read its control domain and the guest, and run only the missing `ipadm` commands. The
 * migration runs it with --apply; `ldoms apply` can run it after the control domains converged.
 */
import { ConnectionError, guestInventoryId, type DesiredIpmpGroup, type Inventory, type PlanDocument } from "../../model";
import { engineHosts } from "../inventory-file";
import { HostSession, isOutcomeUnknown, type ConnectHost } from "../host-session";
import { readHost } from "../observe";
import { findDomain, type ObservedHost } from "../observed-state";
import { asLdomsError } from "../plan-run";
import { retryUnknown } from "../retry-unknown";
import type { CommandTimeouts } from "../timeouts";
import { describeGuestChanges, fingerprintGuest, guestConfiguration, ipmpConfigureSteps, mapGroupLinks, observeGuest, type GuestConfiguration, type GuestIpmpStep, type GuestObservation } from "./guest-ipmp";
import { guestTarget, type GuestTarget } from "./guest-access";
import type { GuestIpmpAction } from "./report";

/** What a saved plan recorded for a guest: the configuration read and the steps shown. */
export interface PinnedGuest {
  readonly fingerprint: string;
  readonly observed: GuestConfiguration;
  readonly steps: readonly GuestIpmpStep[];
}

export interface GuestIpmpConvergeOptions {
  /** The guest as just read, to save a read. */
  readonly before?: GuestObservation;
  /** Asked with the command lines before any runs; absent = approved. */
  readonly confirm?: (commandLines: readonly string[]) => Promise<boolean>;
  readonly onCommand?: (action: GuestIpmpAction) => void;
  /**
   * A saved plan's record: the guest must still have this configuration, and only these steps
   * run (they were reviewed); no confirm is asked.
   */
  readonly pinned?: PinnedGuest;
  /** Losses of the connection tolerated, re-reading the guest after each. Default 4. */
  readonly attempts?: number;
  /** How to wait between re-reads (tests pass one that does not). */
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface GuestIpmpConvergeResult {
  readonly actions: readonly GuestIpmpAction[];
  /** Why a group was left alone (ambiguous datalinks, a link in another group), or a stale pin. */
  readonly problems: readonly string[];
  /** The guest as read before the commands (re-read it to see their effect). */
  readonly before: GuestObservation;
  /** False when confirm said no. */
  readonly confirmed: boolean;
}

/** The steps `groups` of `domain` still need in the guest, and why any group is left alone. */
export function planGuestSteps(guest: GuestObservation, domainName: string, host: ObservedHost, groups: readonly DesiredIpmpGroup[]): { steps: GuestIpmpStep[]; problems: string[] } {
  const domain = findDomain(host, domainName);
  if (!domain) return { steps: [], problems: [`domain ${domainName} is not on this host`] };
  const vfs = host.vfs.filter((v) => v.domain === domainName);
  const steps: GuestIpmpStep[] = [];
  const problems: string[] = [];
  for (const group of groups) {
    const links = mapGroupLinks(guest, domain, vfs, group);
    if ("problem" in links) {
      problems.push(`IPMP group ${group.name}: ${links.problem}`);
      continue;
    }
    const planned = ipmpConfigureSteps(guest, group, links);
    problems.push(...planned.problems.map((p) => `IPMP group ${group.name}: ${p}`));
    if (!planned.problems.length) steps.push(...planned.steps);
  }
  return { steps, problems };
}

/**
 * Runs the missing `ipadm` commands for `groups` of `domain` (observed on its control domain).
 * A command whose connection dropped has an unknown outcome: the guest is read again and the
 * steps are decided afresh from what it shows (the lost command is reported as taking effect
 * or not), never assumed; only steps approved before (or pinned by a saved plan) run.
 */
export async function convergeGuestIpmp(
  session: HostSession,
  domainName: string,
  host: ObservedHost,
  groups: readonly DesiredIpmpGroup[],
  options: GuestIpmpConvergeOptions = {},
): Promise<GuestIpmpConvergeResult> {
  const retry = { ...(options.sleep ? { sleep: options.sleep } : {}) };
  const read = (recovering: boolean) => retryUnknown(() => observeGuest(session), retry, recovering);
  const before = options.before ?? (await read(false));
  const pinned = options.pinned;
  if (pinned && fingerprintGuest(before) !== pinned.fingerprint) {
    const changes = describeGuestChanges(pinned.observed, guestConfiguration(before));
    return { actions: [], problems: [`the saved plan is stale: the guest changed since the plan was made: ${changes.join("; ") || "(configuration differs)"}; nothing ran, run ldoms plan --out FILE again`], before, confirmed: true };
  }
  const planned = planGuestSteps(before, domainName, host, groups);
  const problems = [...planned.problems];
  if (pinned && !sameSteps(planned.steps, pinned.steps)) {
    problems.push(`the saved plan is stale: the guest now needs ${describeSteps(planned.steps)} instead of ${describeSteps(pinned.steps)}; run ldoms plan --out FILE again`);
    return { actions: [], problems, before, confirmed: true };
  }
  if (!planned.steps.length) return { actions: [], problems, before, confirmed: true };
  if (!pinned && options.confirm && !(await options.confirm(planned.steps.map((s) => s.commandLine)))) {
    return { actions: [], problems, before, confirmed: false };
  }
  const approved = new Set(planned.steps.map((s) => s.commandLine));
  const attempts = options.attempts ?? 4;
  const actions: GuestIpmpAction[] = [];
  const record = (action: GuestIpmpAction) => {
    actions.push(action);
    options.onCommand?.(action);
  };
  let queue = planned.steps;
  let losses = 0;
  while (queue.length) {
    const step = queue[0]!;
    let outcome: { exitStatus: number | null; stderr: string };
    try {
      const result = await session.exec(step.commandLine, "mutating");
      outcome = { exitStatus: result.exitStatus, stderr: result.stderr.trim() };
    } catch (error) {
      if (!isOutcomeUnknown(error)) throw error;
      losses++;
      if (losses >= attempts) {
        throw new ConnectionError(
          `${session.id}: lost the connection ${losses} times while running ${step.commandLine}; the guest was re-read each time: run ldoms apply again once the guest is reachable (${asLdomsError(error).message.split("\n")[0]})`,
          session.id,
        );
      }
      // The command may or may not have run: read the guest again and decide from what it shows.
      const now = await read(true);
      const again = planGuestSteps(now, domainName, host, groups);
      const stillNeeded = again.steps.some((s) => s.commandLine === step.commandLine);
      record({ commandLine: step.commandLine, exitStatus: null, stderr: asLdomsError(error).message.split("\n")[0]!, lost: stillNeeded ? "not-applied" : "took-effect" });
      const unapproved = again.steps.filter((s) => !approved.has(s.commandLine));
      for (const p of again.problems) if (!problems.includes(p)) problems.push(p);
      if (unapproved.length) {
        problems.push(`after the lost connection the guest needs ${describeSteps(unapproved)}, which ${pinned ? "the saved plan does not list" : "was not planned"}; nothing more ran`);
        break;
      }
      queue = again.steps;
      continue;
    }
    record({ commandLine: step.commandLine, exitStatus: outcome.exitStatus, ...(outcome.stderr ? { stderr: outcome.stderr } : {}) });
    if (outcome.exitStatus !== 0) break;
    queue = queue.slice(1);
  }
  return { actions, problems, before, confirmed: true };
}

function sameSteps(a: readonly GuestIpmpStep[], b: readonly GuestIpmpStep[]): boolean {
  return a.length === b.length && a.every((s, i) => s.commandLine === b[i]!.commandLine);
}

function describeSteps(steps: readonly GuestIpmpStep[]): string {
  return steps.length ? steps.map((s) => s.commandLine).join("; ") : "no command";
}

export interface GuestsConvergeResult {
  readonly domain: string;
  readonly host: string;
  readonly actions: readonly GuestIpmpAction[];
  readonly problems: readonly string[];
  readonly error?: string;
  /** The user answered no to the guest's commands: nothing ran in the guest. */
  readonly declined?: true;
}

/** A guest ldoms should configure but could not reach or read (or lost for good): see `reason`. */
export interface GuestUnreachable {
  readonly domain: string;
  /** Control domain the guest's domain is declared on. */
  readonly host: string;
  /** Inventory id of the guest (`guest/<domain>`). */
  readonly guest: string;
  readonly reason: string;
}

/** A guest the saved plan lists no steps for (not contacted by apply): same fields, `reason` says why. */
export type GuestNotInPlan = GuestUnreachable;

export interface GuestIpmpApplyResult {
  /** Every guest worked on (an unreachable one too, with `error`). */
  readonly guests: readonly GuestsConvergeResult[];
  /** The guests that could not be reached or read: nothing more ran there. */
  readonly unreachable: readonly GuestUnreachable[];
  /** With a saved plan: guests it lists no steps for (waiting on host changes, or unreachable when planned). */
  readonly notInPlan: readonly GuestNotInPlan[];
  /** Guests with IPMP groups that ldoms has no access to (no GuestDomain access, no inventory entry): not contacted. */
  readonly noAccess?: readonly { readonly domain: string; readonly host: string; readonly guest: string }[];
}

/** What a saved plan holds per guest (see guest-ipmp-plan.ts). */
export interface SavedGuestRecord {
  readonly domain: string;
  readonly host: string;
  readonly status: "planned" | "waiting" | "unreachable";
  readonly fingerprint?: string;
  readonly observed?: GuestConfiguration;
  readonly steps: readonly GuestIpmpStep[];
  readonly problems: readonly string[];
  readonly reason?: string;
}

export interface DocumentGuestsOptions extends Omit<GuestIpmpConvergeOptions, "before" | "pinned"> {
  readonly connect: ConnectHost;
  readonly inventory?: Inventory;
  /** Per-kind time limits (reads, changes), as for hosts. */
  readonly commandTimeoutMs?: number | CommandTimeouts;
  /** Domains to leave out (migrated away as configured: the migration checks their guest). */
  readonly skipDomains?: ReadonlySet<string>;
  /**
   * A saved plan's guests: only the steps they list run, each guest pinned to the configuration
   * it had when planned; guests with no listed steps are not contacted.
   */
  readonly saved?: readonly SavedGuestRecord[];
}

/**
 * Every guest of the document that ldoms can reach (GuestPlan access or inventory
 * `guest/<domain>`): read its control domain and the guest, run what is missing.
 */
export async function applyDocumentGuests(document: PlanDocument, options: DocumentGuestsOptions): Promise<GuestIpmpApplyResult> {
  const guests: GuestsConvergeResult[] = [];
  const unreachable: GuestUnreachable[] = [];
  const notInPlan: GuestNotInPlan[] = [];
  const noAccess: { domain: string; host: string; guest: string }[] = [];
  const retry = { ...(options.sleep ? { sleep: options.sleep } : {}) };
  const firstLine = (error: unknown) => asLdomsError(error).message.split("\n")[0]!;
  for (const host of engineHosts(document, { ...(options.inventory ? { inventory: options.inventory } : {}) })) {
    const hostId = host.plan.id;
    const reachable = host.plan.desired.domains
      .filter((d) => d.ipmpGroups.length && !options.skipDomains?.has(d.name))
      .flatMap((d) => {
        const target = guestTarget(document, hostId, d.name, options.inventory);
        if (!target) noAccess.push({ domain: d.name, host: hostId, guest: guestInventoryId(d.name) });
        return target ? [{ domain: d.name, target }] : [];
      });
    const work: { domain: string; target: GuestTarget; pinned?: PinnedGuest }[] = [];
    for (const r of reachable) {
      if (!options.saved) {
        work.push(r);
        continue;
      }
      const record = options.saved.find((g) => g.domain === r.domain && g.host === hostId);
      const entry = { domain: r.domain, host: hostId, guest: r.target.target.id };
      if (!record) notInPlan.push({ ...entry, reason: "the saved plan does not list this guest" });
      else if (record.status === "waiting") notInPlan.push({ ...entry, reason: record.reason ?? "IPMP was not planned" });
      else if (record.status === "unreachable") notInPlan.push({ ...entry, reason: `unreachable when the plan was made: ${record.reason ?? "unknown reason"}` });
      else if (!record.steps.length) guests.push({ domain: r.domain, host: hostId, actions: [], problems: record.problems });
      else work.push({ ...r, pinned: { fingerprint: record.fingerprint ?? "", observed: record.observed ?? { links: [], interfaces: [], members: [] }, steps: record.steps } });
    }
    if (!work.length) continue;
    const hostSession = new HostSession(host.target, options.connect, options.commandTimeoutMs);
    try {
      const { observed } = await retryUnknown(() => readHost(hostSession), retry);
      for (const { domain, target, pinned } of work) {
        const session = new HostSession(target.target, options.connect, options.commandTimeoutMs);
        const actions: GuestIpmpAction[] = [];
        try {
          const r = await convergeGuestIpmp(session, domain, observed, target.ipmpGroups, {
            ...(options.confirm ? { confirm: options.confirm } : {}),
            ...(options.attempts ? { attempts: options.attempts } : {}),
            ...(options.sleep ? { sleep: options.sleep } : {}),
            ...(pinned ? { pinned } : {}),
            onCommand: (action) => {
              actions.push(action);
              options.onCommand?.(action);
            },
          });
          guests.push({ domain, host: hostId, actions: r.actions, problems: r.problems, ...(r.confirmed ? {} : { declined: true as const }) });
        } catch (error) {
          guests.push({ domain, host: hostId, actions, problems: [], error: firstLine(error) });
          unreachable.push({ domain, host: hostId, guest: target.target.id, reason: firstLine(error) });
        } finally {
          await session.close();
        }
      }
    } catch (error) {
      for (const { domain, target } of work) {
        guests.push({ domain, host: hostId, actions: [], problems: [], error: firstLine(error) });
        unreachable.push({ domain, host: hostId, guest: target.target.id, reason: `its control domain ${hostId} could not be read: ${firstLine(error)}` });
      }
    } finally {
      await hostSession.close();
    }
  }
  return { guests, unreachable, notInPlan, ...(noAccess.length ? { noAccess } : {}) };
}

/** Every guest of the document that ldoms can reach; the per-guest results of applyDocumentGuests. */
export async function convergeDocumentGuests(document: PlanDocument, options: DocumentGuestsOptions): Promise<GuestsConvergeResult[]> {
  return [...(await applyDocumentGuests(document, options)).guests];
}
