/**
 * `ldoms status` as text: one table, a row per declared domain (cells may take several lines:
 * one per VF and host, one per migration target), then the hosts that could not be read.
 * `--json` prints the report object instead.
 */
import type { DomainStatus, GuestStatus, MigrateTarget, StatusReport, VfOnHost } from "../../engine/status";

const HEADERS = ["DOMAIN", "KIND", "HOST", "STATE", "VFS (host: pseudonym, assignment)", "GUEST IPMP", "COULD MIGRATE TO"] as const;

function kindCell(d: DomainStatus): string[] {
  if (d.kind === "mobile") return [`mobile (${d.group ?? "?"})`];
  if (d.kind === "migration") return [`migration (${(d.migrations ?? []).join(", ")})`];
  return ["fixed"];
}

function hostCell(d: DomainStatus): string[] {
  const unread = d.unread.length ? [`(${d.unread.join(", ")} not read)`] : [];
  switch (d.placement) {
    case "on":
      return [d.host ?? "?", ...unread];
    case "several":
      return [`on ${d.foundOn.map((f) => f.host).join(" and ")}`, ...unread];
    case "none":
      return ["on none"];
    case "unknown":
      return ["unknown", ...unread];
  }
}

function stateCell(d: DomainStatus): string[] {
  if (d.placement === "on") return [d.state ?? "?"];
  if (d.placement === "several") return d.foundOn.map((f) => `${f.state} on ${f.host}`);
  return ["-"];
}

function vfOnHost(name: string, h: VfOnHost): string {
  if (!h.read) return `${name} @${h.host}: not read`;
  if (!h.present) return `${name} @${h.host}: missing`;
  const status = h.status ? ` (${h.status})` : "";
  return `${name} @${h.host}: ${h.pseudonym} ${h.assignedTo ? `-> ${h.assignedTo}` : "unassigned"}${status}`;
}

function vfCell(d: DomainStatus): string[] {
  const lines = d.vfs.flatMap((vf) => vf.hosts.map((h) => vfOnHost(vf.name, h)));
  return lines.length ? lines : ["-"];
}

const GUEST_LABEL: Record<GuestStatus["status"], string> = {
  ok: "ok",
  problems: "PROBLEM",
  unknown: "unknown",
  "not-reachable": "not reachable",
  "no-access": "no access",
  "no-groups": "-",
};

function guestCell(d: DomainStatus): string[] {
  const g = d.guest;
  if (g.status === "no-access" || g.status === "no-groups") return [GUEST_LABEL[g.status]];
  if (g.status === "ok") return g.groups.map((group) => `${group.name} ok`);
  return [`${GUEST_LABEL[g.status]}: ${g.message}`];
}

function migrateLine(m: MigrateTarget): string {
  switch (m.status) {
    case "ok":
      return `${m.target}: ok`;
    case "done":
      return `done: on ${m.target}`;
    case "failed":
      return `${m.target}: NO (rule ${m.rule ?? "?"}): ${m.message}`;
    case "unverified":
      return `${m.target}: unverified (rule ${m.rule ?? "?"}): ${m.message}`;
    case "unknown":
      return `${m.target}: unknown: ${m.message}`;
  }
}

function migrateCell(d: DomainStatus): string[] {
  if (d.migrate.length) return d.migrate.map(migrateLine);
  if (d.kind === "fixed") return ["- (fixed)"];
  return [d.placement === "on" ? "-" : "- (not on one host)"];
}

function table(rows: readonly (readonly string[][])[]): string[] {
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...rows.flatMap((r) => (r[i] ?? []).map((l) => l.length))));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join("  ").trimEnd();
  const out = [line(HEADERS)];
  for (const row of rows) {
    const height = Math.max(...row.map((c) => c.length));
    for (let i = 0; i < height; i++) out.push(line(row.map((c) => c[i] ?? "")));
  }
  return out;
}

export function renderStatus(report: StatusReport): string {
  const rows = report.domains.map((d) => [[d.domain], kindCell(d), hostCell(d), stateCell(d), vfCell(d), guestCell(d), migrateCell(d)]);
  const lines = [`Stack ${report.stack}: ${report.domains.length} declared domain(s)`, "", ...(rows.length ? table(rows) : ["(no domains declared)"])];
  const unread = report.hosts.filter((h) => !h.read);
  lines.push("", `Hosts: ${report.hosts.filter((h) => h.read).map((h) => h.id).join(", ") || "none"} read${unread.length ? `; ${unread.length} could not be read:` : ""}`);
  for (const h of unread) lines.push(`  ${h.id}: ${(h.error ?? "not read").split("\n").join("\n    ")}`);
  lines.push("Could migrate: preflight rules 1-5 on the listings read (no lock taken, no dry run); ldoms migrate still runs them all, with the dry run.", "");
  return lines.join("\n");
}
