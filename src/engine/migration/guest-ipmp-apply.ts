/**
 * Converging the guest side (DESIGN §5 rule 3) on its own: for every guest ldoms can reach,
 * read its control domain and the guest, and run only the missing `ipadm` commands. The
 * migration runs it with --apply; `ldoms apply` can run it after the control domains converged.
 */
import { ConnectionError, guestInventoryId, type DesiredIpmpGroup, type HostPlan, type Inventory, type PlanDocument } from "../../model";
import { engineHosts } from "../inventory-file";
import { HostSession, isOutcomeUnknown, type ConnectHost } from "../host-session";
import { readHost } from "../observe";
import { findDomain, type ObservedHost } from "../observed-state";
import { asLdomsError, type EngineHost } from "../plan-run";
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
  const actions = await runGuestSteps({ session, domainName, host, groups, options, read, problems }, planned.steps);
  return { actions, problems, before, confirmed: true };
}

/** What running a guest's steps needs, and the problems list it adds to. */
interface GuestStepRun {
  readonly session: HostSession;
  readonly domainName: string;
  readonly host: ObservedHost;
  readonly groups: readonly DesiredIpmpGroup[];
  readonly options: GuestIpmpConvergeOptions;
  /** Reads the guest (retried after an unknown outcome; `recovering` after a lost command). */
  readonly read: (recovering: boolean) => Promise<GuestObservation>;
  readonly problems: string[];
}

/** Runs the approved steps in order, stopping at the first that fails; a lost connection re-plans. */
async function runGuestSteps(run: GuestStepRun, steps: readonly GuestIpmpStep[]): Promise<GuestIpmpAction[]> {
  const { session, options } = run;
  const approved = new Set(steps.map((s) => s.commandLine));
  const attempts = options.attempts ?? 4;
  const actions: GuestIpmpAction[] = [];
  const record = (action: GuestIpmpAction) => {
    actions.push(action);
    options.onCommand?.(action);
  };
  let queue = steps;
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
      const next = await replanAfterLoss(run, step, error, approved, record);
      if (!next) break;
      queue = next;
      continue;
    }
    record({ commandLine: step.commandLine, exitStatus: outcome.exitStatus, ...(outcome.stderr ? { stderr: outcome.stderr } : {}) });
    if (outcome.exitStatus !== 0) break;
    queue = queue.slice(1);
  }
  return actions;
}

/**
 * The command may or may not have run: read the guest again and decide from what it shows.
 * Returns the steps still needed, or undefined when one of them was never approved (stop).
 */
async function replanAfterLoss(run: GuestStepRun, step: GuestIpmpStep, error: unknown, approved: ReadonlySet<string>, record: (action: GuestIpmpAction) => void): Promise<readonly GuestIpmpStep[] | undefined> {
  const now = await run.read(true);
  const again = planGuestSteps(now, run.domainName, run.host, run.groups);
  const stillNeeded = again.steps.some((s) => s.commandLine === step.commandLine);
  record({ commandLine: step.commandLine, exitStatus: null, stderr: asLdomsError(error).message.split("\n")[0]!, lost: stillNeeded ? "not-applied" : "took-effect" });
  const unapproved = again.steps.filter((s) => !approved.has(s.commandLine));
  for (const p of again.problems) if (!run.problems.includes(p)) run.problems.push(p);
  if (unapproved.length) {
    run.problems.push(`after the lost connection the guest needs ${describeSteps(unapproved)}, which ${run.options.pinned ? "the saved plan does not list" : "was not planned"}; nothing more ran`);
    return undefined;
  }
  return again.steps;
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
  /** Per host id, domains to leave out there (migrated away, or running on another host of their group). */
  readonly skipDomains?: ReadonlyMap<string, ReadonlySet<string>>;
  /**
   * A saved plan's guests: only the steps they list run, each guest pinned to the configuration
   * it had when planned; guests with no listed steps are not contacted.
   */
  readonly saved?: readonly SavedGuestRecord[];
}

/** What applyDocumentGuests collects while it goes through the hosts. */
interface GuestResults {
  readonly guests: GuestsConvergeResult[];
  readonly unreachable: GuestUnreachable[];
  readonly notInPlan: GuestNotInPlan[];
  readonly noAccess: { domain: string; host: string; guest: string }[];
}

/** A guest to converge: its domain, how to reach it, and the saved plan's pin (if any). */
interface GuestWork {
  readonly domain: string;
  readonly target: GuestTarget;
  readonly pinned?: PinnedGuest;
}

/**
 * Every guest of the document that ldoms can reach (GuestPlan access or inventory
 * `guest/<domain>`): read its control domain and the guest, run what is missing.
 */
export async function applyDocumentGuests(document: PlanDocument, options: DocumentGuestsOptions): Promise<GuestIpmpApplyResult> {
  const out: GuestResults = { guests: [], unreachable: [], notInPlan: [], noAccess: [] };
  for (const host of engineHosts(document, { ...(options.inventory ? { inventory: options.inventory } : {}) })) {
    const reachable = reachableGuests(document, host.plan, options, out);
    const work = options.saved ? pinnedWork(options.saved, host.plan.id, reachable, out) : reachable;
    if (work.length) await convergeHostGuests(host, work, options, out);
  }
  const { guests, unreachable, notInPlan, noAccess } = out;
  return { guests, unreachable, notInPlan, ...(noAccess.length ? { noAccess } : {}) };
}

/** The guests of a host's domains with IPMP groups that ldoms can reach; the others go to `noAccess`. */
function reachableGuests(document: PlanDocument, plan: HostPlan, options: DocumentGuestsOptions, out: GuestResults): GuestWork[] {
  const hostId = plan.id;
  return plan.desired.domains
    .filter((d) => d.ipmpGroups.length && !options.skipDomains?.get(hostId)?.has(d.name))
    .flatMap((d) => {
      const target = guestTarget(document, hostId, d.name, options.inventory);
      if (!target) out.noAccess.push({ domain: d.name, host: hostId, guest: guestInventoryId(d.name) });
      return target ? [{ domain: d.name, target }] : [];
    });
}

/** With a saved plan: only the guests it lists steps for, each pinned; the others are reported why. */
function pinnedWork(saved: readonly SavedGuestRecord[], hostId: string, reachable: readonly GuestWork[], out: GuestResults): GuestWork[] {
  const work: GuestWork[] = [];
  for (const r of reachable) {
    const record = saved.find((g) => g.domain === r.domain && g.host === hostId);
    const entry = { domain: r.domain, host: hostId, guest: r.target.target.id };
    if (!record) out.notInPlan.push({ ...entry, reason: "the saved plan does not list this guest" });
    else if (record.status === "waiting") out.notInPlan.push({ ...entry, reason: record.reason ?? "IPMP was not planned" });
    else if (record.status === "unreachable") out.notInPlan.push({ ...entry, reason: `unreachable when the plan was made: ${record.reason ?? "unknown reason"}` });
    else if (!record.steps.length) out.guests.push({ domain: r.domain, host: hostId, actions: [], problems: record.problems });
    else work.push({ ...r, pinned: { fingerprint: record.fingerprint ?? "", observed: record.observed ?? { links: [], interfaces: [], members: [] }, steps: record.steps } });
  }
  return work;
}

/** Reads the control domain once, then converges each guest; a host or guest that cannot be reached is reported. */
async function convergeHostGuests(host: EngineHost, work: readonly GuestWork[], options: DocumentGuestsOptions, out: GuestResults): Promise<void> {
  const hostId = host.plan.id;
  const hostSession = new HostSession(host.target, options.connect, options.commandTimeoutMs);
  try {
    const { observed } = await retryUnknown(() => readHost(hostSession), { ...(options.sleep ? { sleep: options.sleep } : {}) });
    for (const w of work) await convergeOneGuest(hostId, observed, w, options, out);
  } catch (error) {
    for (const { domain, target } of work) {
      out.guests.push({ domain, host: hostId, actions: [], problems: [], error: firstLine(error) });
      out.unreachable.push({ domain, host: hostId, guest: target.target.id, reason: `its control domain ${hostId} could not be read: ${firstLine(error)}` });
    }
  } finally {
    await hostSession.close();
  }
}

async function convergeOneGuest(hostId: string, observed: ObservedHost, { domain, target, pinned }: GuestWork, options: DocumentGuestsOptions, out: GuestResults): Promise<void> {
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
    out.guests.push({ domain, host: hostId, actions: r.actions, problems: r.problems, ...(r.confirmed ? {} : { declined: true as const }) });
  } catch (error) {
    out.guests.push({ domain, host: hostId, actions, problems: [], error: firstLine(error) });
    out.unreachable.push({ domain, host: hostId, guest: target.target.id, reason: firstLine(error) });
  } finally {
    await session.close();
  }
}

function firstLine(error: unknown): string {
  return asLdomsError(error).message.split("\n")[0]!;
}

/** Every guest of the document that ldoms can reach; the per-guest results of applyDocumentGuests. */
export async function convergeDocumentGuests(document: PlanDocument, options: DocumentGuestsOptions): Promise<GuestsConvergeResult[]> {
  return [...(await applyDocumentGuests(document, options)).guests];
}
