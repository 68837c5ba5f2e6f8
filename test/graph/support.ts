/** What the graph tests share: the objects a plan document declares, and SVG text unescaped. */
import type { PlanDocument } from "../../src/model";
import { ids, pfOfPseudonym } from "../../src/graph";

export interface DeclaredObject {
  /** Graph id of its node or cluster. */
  readonly id: string;
  /** The first line of its label. */
  readonly label: string;
}

/**
 * Every host, PF, named VF, guest domain, vnet, virtual switch, network and IPMP group of a
 * plan document, read from the document itself (not from the graph code's walk).
 */
export function declaredObjects(document: PlanDocument): DeclaredObject[] {
  const out: DeclaredObject[] = [];
  for (const host of document.hosts) {
    out.push({ id: ids.host(host.id), label: `control domain ${host.id}` });
    for (const vsw of host.desired.vswitches) out.push({ id: ids.vswitch(host.id, vsw.name), label: "virtual switch" });
    const vfs = [...host.desired.domains.flatMap((d) => d.vfs), ...host.desired.unassignedVfs];
    for (const vf of vfs) {
      out.push({ id: ids.vf(host.id, vf.name), label: `VF ${vf.name}` });
      const pf = vf.pf ?? (vf.vf ? pfOfPseudonym(vf.vf) : undefined);
      if (pf) out.push({ id: ids.pf(host.id, pf), label: "PF" });
      if (vf.network) out.push({ id: ids.network(vf.network.name), label: `network ${vf.network.name}` });
    }
    for (const domain of host.desired.domains) {
      out.push({ id: ids.domain(host.id, domain.name), label: `guest domain ${domain.name}` });
      for (const vnet of domain.vnets) {
        out.push({ id: ids.vnet(host.id, domain.name, vnet.ifName), label: `vnet ${vnet.ifName}` });
        if (vnet.network) out.push({ id: ids.network(vnet.network.name), label: `network ${vnet.network.name}` });
      }
      for (const group of domain.ipmpGroups) out.push({ id: ids.ipmp(host.id, domain.name, group.name), label: `IPMP group ${group.name}` });
    }
  }
  const seen = new Set<string>();
  return out.filter((o) => !seen.has(o.id) && seen.add(o.id));
}

/** The migration edges a plan document declares: source VF -> same-named target VF. */
export function declaredMigrations(document: PlanDocument): { from: string; to: string; label: string }[] {
  return document.migrations.flatMap((m) =>
    m.targetVfs.map((t) => ({ from: ids.vf(m.sourceHost, t.name), to: ids.vf(m.targetHost, t.name), label: `migrate ${m.domain} (${m.id})` })),
  );
}

/** SVG text with Graphviz's character references decoded (`&#45;` is `-`). */
export function unescapeSvg(svg: string): string {
  return svg
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}
