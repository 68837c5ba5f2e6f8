/**
 * A plan saved with `ldoms plan --out FILE`: the plan document, and per host the observation the
 * actions were computed from and its fingerprint; per reachable guest the IPMP steps shown and
 * the guest configuration they were computed from. `ldoms apply FILE` refuses it when a host's
 * or a guest's fingerprint changed (naming what changed), so what was reviewed is what runs.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { PlanError, ValidationError, PLAN_FORMAT_VERSION, type PlanDocument } from "../model";
import type { PinnedHost } from "./apply-run";
import type { PlannedAction } from "./actions";
import type { ObservedHost } from "./observed-state";
import type { PlanRunResult } from "./plan-run";
import type { GuestIpmpPlan } from "./migration/guest-ipmp-plan";

export const SAVED_PLAN_KIND = "ldoms-saved-plan";
/** 2: guest IPMP steps are part of the plan (a version 1 file did not list them). */
export const SAVED_PLAN_VERSION = 2;

export interface SavedPlanHost {
  readonly id: string;
  readonly fingerprint: string;
  readonly observed: ObservedHost;
  readonly actions: readonly PlannedAction[];
}

export interface SavedPlan {
  readonly kind: typeof SAVED_PLAN_KIND;
  readonly version: typeof SAVED_PLAN_VERSION;
  readonly document: PlanDocument;
  readonly hosts: readonly SavedPlanHost[];
  /** Guests ldoms can reach: the steps apply runs there (only these), or why none are planned. */
  readonly guests: readonly GuestIpmpPlan[];
}

export function savedPlanFrom(document: PlanDocument, run: PlanRunResult, guests: readonly GuestIpmpPlan[] = []): SavedPlan {
  const failed = run.hosts.filter((h) => h.error || !h.fingerprint || !h.observed);
  if (failed.length) throw new PlanError(`cannot save a plan: ${failed.map((h) => h.id).join(", ")} could not be read`);
  return {
    kind: SAVED_PLAN_KIND,
    version: SAVED_PLAN_VERSION,
    document,
    hosts: run.hosts.map((h) => ({ id: h.id, fingerprint: h.fingerprint as string, observed: h.observed as ObservedHost, actions: h.actions })),
    guests,
  };
}

export function writeSavedPlan(path: string, plan: SavedPlan): void {
  writeFileSync(path, `${JSON.stringify(plan, null, 2)}\n`);
}

export function readSavedPlan(path: string, validateDocument: (json: unknown, source: string) => PlanDocument): SavedPlan {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new ValidationError(`cannot read saved plan ${path}: ${error instanceof Error ? error.message : String(error)}; give a file written by ldoms plan --out`);
  }
  const plan = json as Partial<SavedPlan>;
  if (typeof json !== "object" || json === null || plan.kind !== SAVED_PLAN_KIND) {
    throw new ValidationError(`${path} is not a saved plan (no "kind": "${SAVED_PLAN_KIND}"); give a file written by ldoms plan --out, or use --plan-document for an ldoms.plan.json`);
  }
  if (plan.version !== SAVED_PLAN_VERSION) {
    throw new ValidationError(`${path}: saved plan version ${String(plan.version)} is not supported (expected ${SAVED_PLAN_VERSION}); make the plan again with this version of ldoms`);
  }
  if (!Array.isArray(plan.hosts) || plan.hosts.some((h) => typeof h?.id !== "string" || typeof h?.fingerprint !== "string" || typeof h?.observed !== "object")) {
    throw new ValidationError(`${path}: "hosts" must list { id, fingerprint, observed, actions } per host; the file was edited or truncated, make the plan again`);
  }
  if (!Array.isArray(plan.guests) || plan.guests.some((g) => !validGuest(g))) {
    throw new ValidationError(`${path}: "guests" must list { domain, host, guest, status, steps, problems } per guest; the file was edited or truncated, make the plan again`);
  }
  const document = validateDocument(plan.document, `${path} (document)`);
  if (document.formatVersion !== PLAN_FORMAT_VERSION) throw new ValidationError(`${path}: plan document version ${document.formatVersion} is not supported`);
  return { kind: SAVED_PLAN_KIND, version: SAVED_PLAN_VERSION, document, hosts: plan.hosts, guests: plan.guests };
}

function validGuest(g: GuestIpmpPlan | undefined): boolean {
  if (typeof g !== "object" || g === null) return false;
  if (typeof g.domain !== "string" || typeof g.host !== "string" || typeof g.guest !== "string" || !Array.isArray(g.steps) || !Array.isArray(g.problems)) return false;
  if (g.status === "planned") return typeof g.fingerprint === "string" && typeof g.observed === "object" && g.steps.every((s) => typeof s?.commandLine === "string");
  return (g.status === "waiting" || g.status === "unreachable") && g.steps.length === 0;
}

export function pinnedHosts(plan: SavedPlan): Map<string, PinnedHost> {
  return new Map(plan.hosts.map((h) => [h.id, { fingerprint: h.fingerprint, observed: h.observed }]));
}
