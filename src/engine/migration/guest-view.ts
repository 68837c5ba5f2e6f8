/**
 * The guest as the preflight sees it: read over its own connection (its IPMP group), and with
 * `--apply` configured first. No access, or a guest that cannot be read, is a view too: rule 3
 * then reports unverified instead of failing the run.
 */
import type { ObservedHost } from "../observed-state";
import { errorLine, Interrupted, phase, type Ctx } from "./context";
import { GuestReadError, observeGuest, type GuestObservation } from "./guest-ipmp";
import { convergeGuestIpmp } from "./guest-ipmp-apply";
import type { GuestView } from "./preflight";

/** Reads the guest (and configures its IPMP group with --apply). */
export async function guestView(ctx: Ctx, source: ObservedHost): Promise<GuestView> {
  if (!ctx.guest) return { kind: "no-access", script: "" };
  const { session } = ctx.guest;
  phase(ctx, `reading guest ${ctx.migration.domain} (IPMP)`);
  let observation: GuestObservation;
  try {
    observation = await observeGuest(session);
  } catch (error) {
    return { kind: "unreadable", id: session.id, message: guestErrorLine(error) };
  }
  if (!ctx.options.apply) return { kind: "observed", id: session.id, observation };
  try {
    const result = await configureGuest(ctx, ctx.guest, source, observation);
    if (!result.actions.length) return { kind: "observed", id: session.id, observation: result.before };
  } catch (error) {
    if (error instanceof Interrupted) throw error;
    return { kind: "unreadable", id: session.id, message: guestErrorLine(error) };
  }
  try {
    return { kind: "observed", id: session.id, observation: await observeGuest(session) };
  } catch (error) {
    return { kind: "unreadable", id: session.id, message: guestErrorLine(error) };
  }
}

/** Converges the guest's IPMP groups, reporting each `ipadm` command (and the phase before the first). */
function configureGuest(ctx: Ctx, guest: NonNullable<Ctx["guest"]>, source: ObservedHost, before: GuestObservation): ReturnType<typeof convergeGuestIpmp> {
  const { session, plan } = guest;
  const m = ctx.migration;
  let changed = false;
  return convergeGuestIpmp(session, m.domain, source, plan.ipmpGroups, {
    before,
    ...(ctx.options.confirmGuest ? { confirm: ctx.options.confirmGuest } : {}),
    onCommand: (action) => {
      if (!changed) phase(ctx, `configuring IPMP in guest ${m.domain}`);
      changed = true;
      ctx.report.guestActions.push(action);
      ctx.options.onEvent?.({ type: "command", host: session.id, commandLine: action.commandLine, exitStatus: action.exitStatus });
    },
  });
}

/** A guest read's own message, or the first line of any other error. */
export function guestErrorLine(error: unknown): string {
  return error instanceof GuestReadError ? error.message : errorLine(error);
}
