/**
 * What must hold after every command of a sequence, read from the lab's own state (not through
 * the engine's parsers) and from what the command printed.
 */
import { DEFAULT_LOCK_DIR } from "../../../src/engine/lock";
import type { LabState } from "../../../src/lab/state";
import { vfAlias } from "../../../src/lab/ldm/lookup";
import type { Outcome, SentCommand, World } from "./world";

export class InvariantViolation extends Error {}

function fail(message: string): never {
  throw new InvariantViolation(message);
}

/** VF names unique per machine; no unnamed VF (nothing in the sequences makes one); a declared VF only on its own domain. */
export function checkVfs(world: World): void {
  const declared = world.declaredVfNames();
  world.state((s) => {
    for (const m of Object.values(s.machines)) {
      const seen = new Map<string, string>();
      const domains = new Set(m.domains.map((d) => d.name));
      for (const pf of m.pfs) {
        for (const vf of pf.vfs) {
          const alias = vfAlias(pf, vf);
          if (vf.name === undefined) fail(`${m.name}: ${alias} has no name (only named VFs are ever created)`);
          const twice = seen.get(vf.name);
          if (twice) fail(`${m.name}: VF name ${vf.name} on both ${twice} and ${alias}`);
          seen.set(vf.name, alias);
          if (vf.domain !== undefined && !domains.has(vf.domain)) fail(`${m.name}: ${alias} (${vf.name}) is assigned to ${vf.domain}, which is not on this machine`);
          if (declared.has(vf.name) && vf.domain !== undefined && vf.name !== `${vf.domain}-app`) fail(`${m.name}: the declared VF ${vf.name} is assigned to ${vf.domain}`);
        }
      }
    }
  });
}

/** Every mobile domain runs on exactly one machine, and nothing is left half-migrated. */
export function checkPlacement(world: World): void {
  world.state((s) => {
    for (const domain of world.domains) {
      const on = Object.values(s.machines).filter((m) => m.domains.some((d) => d.name === domain)).map((m) => m.name);
      if (on.length !== 1) fail(`${domain} is on ${on.length} machines (${on.join(", ") || "none"})`);
    }
    for (const m of Object.values(s.machines)) {
      for (const d of m.domains) if (d.migration) fail(`${m.name}: ${d.name} still shows a migration (${d.migration.role}) with no command running`);
    }
  });
}

/** The lock directory of each machine, with the id of the run that holds it. */
export function locksOf(s: LabState): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  for (const m of Object.values(s.machines)) {
    if (m.files[DEFAULT_LOCK_DIR]?.type !== "dir") continue;
    const info = m.files[`${DEFAULT_LOCK_DIR}/info`]?.content ?? "";
    out.set(m.name, /^id=(\S+)$/m.exec(info)?.[1]);
  }
  return out;
}

/**
 * With no command running, the only locks are those of killed runs, each still there with its
 * own id (no run removed another's lock), and no lock of a finished run was left behind.
 */
export function checkLocks(world: World): void {
  if (world.lockViolations.length) fail(world.lockViolations.join("\n"));
  const locks = world.state(locksOf);
  for (const [host, id] of world.staleLocks) {
    if (!locks.has(host)) fail(`${host}: the lock of a killed run (id ${id}) was removed by another command`);
    if (locks.get(host) !== id) fail(`${host}: the lock of a killed run (id ${id}) now carries id ${locks.get(host)}`);
  }
  for (const [host, id] of locks) if (!world.staleLocks.has(host)) fail(`${host}: a lock (id ${id}) is left with no command running`);
  world.state((s) => {
    for (const m of Object.values(s.machines)) {
      const aside = Object.keys(m.files).filter((f) => f.startsWith(`${DEFAULT_LOCK_DIR}.released-`));
      if (aside.length) fail(`${m.name}: a released lock was left aside: ${aside.join(", ")}`);
    }
  });
}

/** No command the engine sent touched a domain while it was migrating, or one of its VFs. */
export function checkMigratingUntouched(sent: readonly SentCommand[]): void {
  for (const c of sent) {
    if (c.argv[0] === "migrate-domain" || c.argv[0] === "migrate" || c.argv[0] === "cancel-operation") continue;
    for (const m of c.migrating) {
      const touched = c.argv.slice(1).some((a) => a === m.domain || m.devices.includes(a) || m.devices.some((d) => a === `name=${d}`));
      if (touched) fail(`${c.machine}: \`ldm ${c.argv.join(" ")}\` (${c.by}) changed ${m.domain} while it was migrating`);
    }
  }
}

/** What is not declared: VFs with other names (and every domain's other VFs), the control domain. */
export function undeclaredSnapshot(world: World): string {
  const declared = world.declaredVfNames();
  return world.state((s) =>
    JSON.stringify(
      Object.values(s.machines).map((m) => ({
        machine: m.name,
        vfs: m.pfs.flatMap((pf) => pf.vfs.filter((vf) => vf.name === undefined || !declared.has(vf.name)).map((vf) => ({ alias: vfAlias(pf, vf), name: vf.name, domain: vf.domain, pvid: vf.pvid, vid: vf.vid, mac: vf.mac }))),
        primary: m.domains.filter((d) => d.control).map((d) => ({ ...d, startedAt: undefined })),
        vswitches: m.vswitches,
      })),
    ),
  );
}

/** The changing commands the engine sent name only declared objects (its VFs, its domains, their vnets), as the machine was when each was sent. */
export function checkOnlyDeclared(world: World, sent: readonly SentCommand[]): void {
  const domains = new Set(world.domains);
  for (const c of sent) {
    const names = c.argv.slice(1).filter((a) => !a.includes("=") && !a.startsWith("-"));
    const other = names.find((a) => c.undeclared.includes(a) || a === "primary" || (/^ldg\d+$/.test(a) && !domains.has(a)));
    if (other) fail(`${c.machine}: \`ldm ${c.argv.join(" ")}\` (${c.by}) touches ${other}, which the configuration does not declare`);
  }
}

/** An imperative at the start of a clause ("...; run ldoms apply", "Wait for it", "then run ..."). */
const NEXT_STEP = /(^|[.;:,(]\s*|\b(then|or|and|otherwise|first|once [^,]+,)\s+)(run|rerun|re-run|wait|release|remove|check|fix|give|set|declare|stop|start|bind|raise|drop|name|use|try|add|verify|pass|finish|roll back|configure)\b/i;

/** Every error a failed command reports names a host (its own, for a host's error) and a next step; "D stays on H" is true. */
export function checkErrorMessages(world: World, what: string, outcome: Outcome, concurrent = false): void {
  const names = [...world.hosts, ...world.domains];
  // With another operation running, a domain may move after this one reported where it stayed.
  if (!concurrent) checkStaysClaims(world, what, outcome);
  for (const { message, host } of errorMessages(outcome)) {
    if (host !== undefined ? !message.includes(host) : !names.some((n) => message.includes(n))) fail(`${what}: an error does not name ${host ?? "a host"}: ${message}`);
    if (!NEXT_STEP.test(message)) fail(`${what}: an error says no next step: ${message}`);
  }
}

function checkStaysClaims(world: World, what: string, outcome: Outcome): void {
  for (const [, domain, host] of `${outcome.stdout}\n${outcome.error ?? ""}`.matchAll(/\b(ldg\d+) stays on (t7-[a-d])\b/g)) {
    if (world.hostOf(domain as string) !== host) fail(`${what}: the report says ${domain} stays on ${host}, but it is on ${world.hostOf(domain as string)}`);
  }
}

/** The error texts of a failed command: its typed error, the hosts' errors in its JSON report, its summary. */
export function errorMessages(outcome: Outcome): { message: string; host?: string }[] {
  if (outcome.error !== undefined) return [{ message: outcome.error }];
  if (outcome.code === 0 || outcome.code === 2 || outcome.code === 130) return [];
  let report: any;
  try {
    report = JSON.parse(outcome.stdout);
  } catch {
    return [{ message: `${outcome.stdout}${outcome.stderr}`.trim() || "(a failure with no output)" }];
  }
  const out: { message: string; host?: string }[] = [];
  for (const h of report.hosts ?? []) {
    if (h.error?.message) out.push({ message: String(h.error.message), host: h.id });
    for (const p of h.problems ?? []) out.push({ message: typeof p === "string" ? p : JSON.stringify(p), host: h.id });
  }
  // A migration's or evacuation's summary, with its domains' reasons and what its failed checks say (the fix is there).
  if (typeof report.summary === "string") {
    const domains = (report.domains ?? []).filter((d: any) => d.reason).map((d: any) => [`${d.domain}: ${d.reason}`, ...(d.migration ? failedChecks(d.migration) : [])].join(" "));
    out.push({ message: [report.summary, ...failedChecks(report), ...domains].join(" ") });
  }
  return out.length ? out : [{ message: `${outcome.stdout}${outcome.stderr}`.trim() }];
}

function failedChecks(report: any): string[] {
  return [...(report.preflight ?? []), ...(report.postVerify ?? [])].filter((c: any) => c.status === "failed").map((c: any) => `${c.message}; ${c.fix ?? "(no fix)"}`);
}

/** The invariants on the lab after a command (no command running). */
export function checkState(world: World): void {
  checkVfs(world);
  checkPlacement(world);
  checkLocks(world);
}
