/**
 * Converging the guest side (DESIGN §5 rule 3) on its own: for every guest ldoms can reach,
 * read its control domain and the guest, and run only the missing `ipadm` commands. The
 * migration runs it with --apply; `ldoms apply` can run it after the control domains converged.
 */
import type { DesiredIpmpGroup, Inventory, PlanDocument } from "../../model";
import { commandLine } from "../../ldm/quote";
import { engineHosts } from "../inventory-file";
import { HostSession, type ConnectHost } from "../host-session";
import { readHost } from "../observe";
import { findDomain, type ObservedHost } from "../observed-state";
import { asLdomsError } from "../plan-run";
import { guestTarget } from "./guest-access";
import { ipmpConfigureCommands, mapGroupLinks, observeGuest, type GuestObservation } from "./guest-ipmp";
import type { GuestIpmpAction } from "./report";

export interface GuestIpmpConvergeOptions {
  /** The guest as just read, to save a read. */
  readonly before?: GuestObservation;
  /** Asked with the command lines before any runs; absent = approved. */
  readonly confirm?: (commandLines: readonly string[]) => Promise<boolean>;
  readonly onCommand?: (action: GuestIpmpAction) => void;
}

export interface GuestIpmpConvergeResult {
  readonly actions: readonly GuestIpmpAction[];
  /** Why a group was left alone (ambiguous datalinks, a link in another group). */
  readonly problems: readonly string[];
  /** The guest as read before the commands (re-read it to see their effect). */
  readonly before: GuestObservation;
  /** False when confirm said no. */
  readonly confirmed: boolean;
}

/** Runs the missing `ipadm` commands for `groups` of `domain` (observed on its control domain). */
export async function convergeGuestIpmp(
  session: HostSession,
  domainName: string,
  host: ObservedHost,
  groups: readonly DesiredIpmpGroup[],
  options: GuestIpmpConvergeOptions = {},
): Promise<GuestIpmpConvergeResult> {
  const before = options.before ?? (await observeGuest(session));
  const domain = findDomain(host, domainName);
  if (!domain) return { actions: [], problems: [`domain ${domainName} is not on this host`], before, confirmed: true };
  const vfs = host.vfs.filter((v) => v.domain === domainName);
  const commands: string[][] = [];
  const problems: string[] = [];
  for (const group of groups) {
    const links = mapGroupLinks(before, domain, vfs, group);
    if ("problem" in links) {
      problems.push(`IPMP group ${group.name}: ${links.problem}`);
      continue;
    }
    const planned = ipmpConfigureCommands(before, group, links);
    problems.push(...planned.problems.map((p) => `IPMP group ${group.name}: ${p}`));
    if (!planned.problems.length) commands.push(...planned.commands);
  }
  if (!commands.length) return { actions: [], problems, before, confirmed: true };
  if (options.confirm && !(await options.confirm(commands.map((argv) => commandLine(argv))))) {
    return { actions: [], problems, before, confirmed: false };
  }
  const actions: GuestIpmpAction[] = [];
  for (const argv of commands) {
    const line = commandLine(argv);
    let action: GuestIpmpAction;
    try {
      const result = await session.exec(line, "mutating");
      action = { commandLine: line, exitStatus: result.exitStatus, ...(result.stderr.trim() ? { stderr: result.stderr.trim() } : {}) };
    } catch (error) {
      action = { commandLine: line, exitStatus: null, stderr: asLdomsError(error).message.split("\n")[0]! };
    }
    actions.push(action);
    options.onCommand?.(action);
    if (action.exitStatus !== 0) break;
  }
  return { actions, problems, before, confirmed: true };
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

/** Every guest of the document that ldoms can reach (GuestPlan access or inventory `guest/<domain>`). */
export async function convergeDocumentGuests(
  document: PlanDocument,
  options: { readonly connect: ConnectHost; readonly inventory?: Inventory; readonly commandTimeoutMs?: number } & GuestIpmpConvergeOptions,
): Promise<GuestsConvergeResult[]> {
  const results: GuestsConvergeResult[] = [];
  for (const host of engineHosts(document, { ...(options.inventory ? { inventory: options.inventory } : {}) })) {
    const domains = host.plan.desired.domains.filter((d) => d.ipmpGroups.length);
    const reachable = domains.map((d) => ({ domain: d, guest: guestTarget(document, host.plan.id, d.name, options.inventory) })).filter((x) => x.guest);
    if (!reachable.length) continue;
    const hostSession = new HostSession(host.target, options.connect, options.commandTimeoutMs);
    try {
      const { observed } = await readHost(hostSession);
      for (const { domain, guest } of reachable) {
        const session = new HostSession(guest!.target, options.connect, options.commandTimeoutMs);
        try {
          const r = await convergeGuestIpmp(session, domain.name, observed, guest!.ipmpGroups, {
            ...(options.confirm ? { confirm: options.confirm } : {}),
            ...(options.onCommand ? { onCommand: options.onCommand } : {}),
          });
          results.push({ domain: domain.name, host: host.plan.id, actions: r.actions, problems: r.problems, ...(r.confirmed ? {} : { declined: true as const }) });
        } catch (error) {
          results.push({ domain: domain.name, host: host.plan.id, actions: [], problems: [], error: asLdomsError(error).message.split("\n")[0]! });
        } finally {
          await session.close();
        }
      }
    } catch (error) {
      for (const { domain } of reachable) results.push({ domain: domain.name, host: host.plan.id, actions: [], problems: [], error: asLdomsError(error).message.split("\n")[0]! });
    } finally {
      await hostSession.close();
    }
  }
  return results;
}
